/**
 * The admin API's shapes, as zod schemas: each one parses what a request carries and describes it
 * in GET /api/openapi.json; each answer is encoded through its schema.
 *
 * Times: the store and engine keep epoch milliseconds; answers carry ISO 8601 texts (UTC, with
 * milliseconds). `isoTime` is the one conversion: a zod codec whose wire side is the text and whose
 * domain side is the number, so `z.encode(schema, value)` turns every time of an answer into text,
 * and the OpenAPI document (the schemas' input side) says `format: date-time`. Filters take either
 * form (`timeFilter`).
 *
 * Every answer schema is checked against the domain type it encodes (`exact` below): a field added
 * to TransferRequest and forgotten here fails to compile instead of vanishing from the answers.
 */
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.js';
import { DIRECTIONS, HOOK_STATUSES, NOTIFICATION_STATUSES, REQUEST_TYPES, TRANSFER_STATUSES, type ActivityEntry, type HubRecord, type TransferRequest } from '../domain/types.js';
import type { Cancel, Feed, HookSummary, LineagePage, LineageStep, PrunedLineage, Replay, StoredNotification } from '../store/store.js';

/** A time: epoch milliseconds inside hookyard, an ISO 8601 text (UTC) in every answer. */
export const isoTime = z.codec(z.iso.datetime(), z.number().int(), {
  decode: (text) => Date.parse(text),
  encode: (ms) => new Date(ms).toISOString(),
});

const TIME_EXPECTED = 'expected an ISO 8601 time with its offset (2026-01-31T09:30:00Z) or epoch milliseconds';

/** A time in a filter (query or body): an ISO 8601 text with offset, or epoch milliseconds (a number in a body, digits in a query). */
export const timeFilter = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/), z.number().int().min(0)], { error: TIME_EXPECTED })
  .transform((value) => (typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value)));

/** Page size of every list: 1 to 500, 50 when left out. */
export const limit = z.coerce.number({ error: 'expected a whole number from 1 to 500' }).int().min(1).max(500).default(50);
/** Newest-first lists: the `next` of the page before (only ids below it). */
export const before = z.coerce.number({ error: "expected an id (a page's next)" }).int().min(1).optional();
/** Oldest-first lists: the `next` of the page before (only ids above it). */
export const afterId = z.coerce.number({ error: "expected an id (a page's next)" }).int().min(1).optional();
/** Lists in name order (connections, feeds): the `next` of the page before (how many items to skip). */
export const afterPosition = z.coerce.number({ error: "expected a position (a page's next)" }).int().min(0).optional();
export const idParam = z.strictObject({ id: z.coerce.number({ error: 'expected a positive whole number' }).int().min(1) });

/** A page of a list: pass `next` as `before` (newest-first lists) or `after` (the others); null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.number().int().nullable() });
}

/** Cut a list in name order to one page (`after` items skipped). */
export function slicePage<T>(all: readonly T[], query: { limit: number; after?: number | undefined }): { items: T[]; next: number | null } {
  const start = query.after ?? 0;
  const items = all.slice(start, start + query.limit);
  return { items, next: start + items.length < all.length ? start + items.length : null };
}

// --- answers --------------------------------------------------------------------------------

export const hookSummarySchema = z.object({
  id: z.number().int(),
  connection: z.string(),
  receivedAt: isoTime,
  contentType: z.string().nullable(),
  bodyBytes: z.number().int(),
  status: z.enum(HOOK_STATUSES),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  resolvedAt: isoTime.nullable(),
});

/** One hook with its body for display: text when it is UTF-8, else base64. */
export const hookDetailSchema = hookSummarySchema.extend({
  headers: z.record(z.string(), z.string()),
  segments: z.array(z.string()),
  body: z.object({ encoding: z.enum(['utf8', 'base64']), data: z.string() }),
});

export const notificationSchema = z.object({
  id: z.number().int(),
  hookId: z.number().int(),
  seq: z.number().int(),
  hookName: z.string().nullable(),
  scope: z.string().nullable(),
  externalId: z.string().nullable(),
  status: z.enum(NOTIFICATION_STATUSES),
  reason: z.string().nullable(),
});

export const transferSchema = z.object({
  id: z.number().int(),
  trackingId: z.string(),
  hookId: z.number().int().nullable(),
  parentId: z.number().int().nullable(),
  connection: z.string(),
  type: z.string(),
  direction: z.enum(DIRECTIONS),
  scope: z.string(),
  externalId: z.string().nullable(),
  requestType: z.enum(REQUEST_TYPES),
  status: z.enum(TRANSFER_STATUSES),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  runAt: isoTime,
  lastErrorCode: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  hubId: z.number().int().nullable(),
  sourceConnection: z.string().nullable(),
  origin: z.string().nullable(),
  reasonCode: z.string().nullable(),
  resolvedBy: z.number().int().nullable(),
  finishedAt: isoTime.nullable(),
  payload: z.object({ hookId: z.number().int(), seq: z.number().int() }).nullable(),
  leaseOwner: z.string().nullable(),
  leaseUntil: isoTime.nullable(),
});

export const activitySchema = z.object({ at: isoTime, step: z.string(), detail: z.string().nullable() });

export const lineageStepSchema = z.object({ transfer: transferSchema, activity: z.array(activitySchema) });

/** What retention pruned of a record's lineage (null: nothing was). */
export const prunedLineageSchema = z.object({
  steps: z.number().int(),
  from: isoTime.meta({ description: "the oldest pruned request's creation" }),
  to: isoTime.meta({ description: "the newest pruned request's last change" }),
  byStatus: z.record(z.string(), z.number().int()),
  byDirection: z.record(z.string(), z.number().int()),
  byConnection: z.record(z.string(), z.number().int()),
});

export const lineagePageSchema = pageOf(lineageStepSchema).extend({ pruned: prunedLineageSchema.nullable() });

export const hubRecordSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  deleted: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const externalIdSchema = z.object({ connection: z.string(), type: z.string(), externalId: z.string(), deletedAt: isoTime.nullable() });

export const replaySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['transfer', 'transfers', 'hook']),
  target: z.string().meta({ description: 'the id, or the filter as JSON' }),
  count: z.number().int(),
  actor: z.string(),
  createdAt: isoTime,
});

export const cancelSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['cancel', 'cancels']),
  target: z.string().meta({ description: 'the id, or the filter as JSON' }),
  count: z.number().int(),
  actor: z.string(),
  createdAt: isoTime,
});

export const feedSchema = z.object({
  connection: z.string(),
  type: z.string(),
  kind: z.enum(['poll', 'init']),
  cursor: z.string().nullable(),
  status: z.enum(['idle', 'running', 'done']),
  nextRunAt: isoTime,
  pages: z.number().int(),
  records: z.number().int(),
  total: z.number().int().nullable(),
  lastError: z.string().nullable(),
  startedAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  leaseOwner: z.string().nullable(),
});

export const connectionSchema = z.object({
  name: z.string(),
  integration: z.object({ id: z.string(), title: z.string() }),
  scopes: z.array(
    z.object({
      scope: z.string(),
      description: z.string().optional(),
      hooks: z.array(z.string()).optional(),
      enabled: z.boolean(),
      reason: z.string().optional(),
    }),
  ),
});

/** The body of every error answer (src/errors.ts errorBody). */
export function errorSchema(codes: readonly ErrorCode[] = Object.keys(ERRORS) as ErrorCode[]) {
  return z.object({ error: z.enum(codes as [ErrorCode, ...ErrorCode[]]), message: z.string() });
}

// --- compile-time checks: each answer schema encodes exactly its domain type -------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function exact<_T extends true>(): void {}
// deliveryId and bodyGuard are what ingest hands the store, not read back.
exact<Same<keyof z.output<typeof hookSummarySchema>, Exclude<keyof HookSummary, 'deliveryId' | 'bodyGuard'>>>();
exact<Same<keyof z.output<typeof notificationSchema>, keyof StoredNotification>>();
exact<Same<keyof z.output<typeof transferSchema>, keyof TransferRequest>>();
exact<Same<keyof z.output<typeof activitySchema>, keyof ActivityEntry>>();
exact<Same<keyof z.output<typeof lineageStepSchema>, keyof LineageStep>>();
exact<Same<keyof z.output<typeof prunedLineageSchema>, keyof PrunedLineage>>();
exact<Same<keyof z.output<typeof lineagePageSchema>, keyof LineagePage>>();
exact<Same<keyof z.output<typeof hubRecordSchema>, keyof HubRecord>>();
exact<Same<keyof z.output<typeof replaySchema>, keyof Replay>>();
exact<Same<keyof z.output<typeof cancelSchema>, keyof Cancel>>();
exact<Same<keyof z.output<typeof feedSchema>, keyof Feed>>();
