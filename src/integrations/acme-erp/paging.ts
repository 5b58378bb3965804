/**
 * Reading Acme page by page: polling the category change feed (Acme sends no hook for
 * categories) and listing every record of a type for initialization.
 *
 * The feed, `GET /api/categories?changedSince=<ms>[&after=<code>]&limit=`, is ordered by
 * (updatedAt, code number). Many categories can change in the same millisecond, so a position in
 * it is the pair (changedSince, after) of the last category seen, and asking with both continues
 * strictly after that category. The poll cursor is exactly that pair as JSON:
 *
 *     {"changedSince": 1767225600000, "after": "Cat:1002"}
 *
 * A cursor of null reads the feed from its start. Each poll answers the codes of one page and the
 * position of its last category, so paging through a burst of same-millisecond changes neither
 * skips nor repeats one, and the next poll starts strictly after the last category any poll
 * reported. An empty page keeps the cursor it was given.
 *
 * Lists use `GET /api/{items,customers,categories}?after=<code>&limit=` ordered by code number,
 * which answer `{items, next, total}`; the list cursor is Acme's `next`, the last code of the page.
 */
import type { DataType } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { IntegrationContext, ListPage, PollPage } from '../types.js';
import { erpClient, pageSizeSetting } from './client.js';
import { resourceFor } from './records.js';

/** The most records Acme answers in one page. */
const ACME_MAX_LIMIT = 200;

/** A position in the change feed: the last category seen. */
export interface FeedPosition {
  /** Its updatedAt, in milliseconds since the epoch. */
  changedSince: number;
  /** Its code. */
  after: string;
}

interface CodedRecord {
  code: string;
  updatedAt?: unknown;
}

export async function pollRecords(type: DataType, cursor: string | null, ctx: IntegrationContext): Promise<PollPage> {
  if (type !== 'product_category') {
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `acme-erp cannot poll ${type}: only product categories have a change feed (the others send hooks)`);
  }
  const from = cursor === null ? null : parseFeedCursor(cursor);
  const query = new URLSearchParams({ changedSince: String(from?.changedSince ?? 0), limit: String(pageSizeSetting(ctx, ACME_MAX_LIMIT)) });
  if (from) query.set('after', from.after);
  const request = `GET /api/categories?${query}`;
  const answer = await erpClient(ctx).getJson<unknown>(`/api/categories?${query}`);
  const { items, next } = pageOf(answer, request);
  const last = items.at(-1);
  const position = last ? positionOf(last, request) : null;
  if (position) ctx.log('poll', `${items.length} changed categories, up to ${position.after} at ${new Date(position.changedSince).toISOString()}`);
  return {
    ids: items.map((item) => item.code),
    // An empty page (nothing changed) keeps the cursor it was given.
    cursor: position ? JSON.stringify(position) : cursor,
    more: next !== null && items.length > 0,
  };
}

export async function listRecords(type: DataType, cursor: string | null, ctx: IntegrationContext): Promise<ListPage> {
  const resource = resourceFor(type, 'list');
  if (cursor !== null && cursor.trim() === '') {
    throw permanentError('HY_ERR_INTEGRATION', `list cursor ${JSON.stringify(cursor)} is not an Acme code`);
  }
  const query = new URLSearchParams({ limit: String(pageSizeSetting(ctx, ACME_MAX_LIMIT)) });
  if (cursor !== null) query.set('after', cursor);
  const request = `GET ${resource.path}?${query}`;
  const answer = await erpClient(ctx).getJson<unknown>(`${resource.path}?${query}`);
  const { items, next, total } = pageOf(answer, request);
  if (next !== null && typeof next !== 'string') {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered a "next" that is not a code`);
  }
  return {
    ids: items.map((item) => item.code),
    cursor: items.length === 0 ? null : next,
    ...(typeof total === 'number' ? { total } : {}),
  };
}

/** The position a poll cursor names; a cursor not made by pollRecords fails permanently. */
export function parseFeedCursor(cursor: string): FeedPosition {
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    value = null;
  }
  const position = value as Partial<FeedPosition> | null;
  if (
    typeof position !== 'object' ||
    position === null ||
    typeof position.changedSince !== 'number' ||
    !Number.isSafeInteger(position.changedSince) ||
    position.changedSince < 0 ||
    typeof position.after !== 'string' ||
    position.after === ''
  ) {
    throw permanentError(
      'HY_ERR_INTEGRATION',
      `poll cursor ${JSON.stringify(cursor)} is not an acme-erp category cursor ({"changedSince": <ms>, "after": "<code>"})`,
    );
  }
  return { changedSince: position.changedSince, after: position.after };
}

function positionOf(record: CodedRecord, request: string): FeedPosition {
  const changedSince = typeof record.updatedAt === 'string' ? Date.parse(record.updatedAt) : Number.NaN;
  if (!Number.isSafeInteger(changedSince) || changedSince < 0) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered category ${record.code} without a valid updatedAt`);
  }
  return { changedSince, after: record.code };
}

function pageOf(answer: unknown, request: string): { items: CodedRecord[]; next: unknown; total: unknown } {
  const page = answer as { items?: unknown; next?: unknown; total?: unknown } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.items)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered without a list of items`);
  }
  for (const item of page.items) {
    if (typeof item !== 'object' || item === null || typeof (item as CodedRecord).code !== 'string' || (item as CodedRecord).code === '') {
      throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered an item without a code`);
    }
  }
  return { items: page.items as CodedRecord[], next: page.next ?? null, total: page.total };
}
