/**
 * Listing every shop record of a type for initialization, Shopify's way: `GET
 * /admin/{products,customers,custom_collections}?since_id=<id>&limit=`, ascending by id. The list
 * cursor is the last id of the page as a string; a page shorter than the limit is the last one
 * (cursor null). The first page also asks `GET …/count` for the total, for progress.
 */
import type { DataType } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { IntegrationContext, ListPage } from '../types.js';
import { pageSizeSetting, shopClient } from './client.js';
import { resourceFor } from './records.js';

/** The most records the shop answers in one page, as Shopify. */
const SHOP_MAX_LIMIT = 250;

/** Orders are left out: the hub only reads them as they happen, it does not initialize them. */
const LISTABLE: ReadonlySet<DataType> = new Set(['product', 'customer', 'product_category']);

export async function listRecords(type: DataType, cursor: string | null, ctx: IntegrationContext): Promise<ListPage> {
  const resource = resourceFor(type, 'list');
  if (!LISTABLE.has(type)) {
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `storefront cannot list ${type}: it lists products, customers and product categories`);
  }
  if (cursor !== null && !/^\d+$/.test(cursor)) {
    throw permanentError('HY_ERR_INTEGRATION', `list cursor ${JSON.stringify(cursor)} is not a shop id`);
  }
  // The shop never answers more than its maximum, so a page that short must not read as the last.
  const limit = pageSizeSetting(ctx, SHOP_MAX_LIMIT);
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('since_id', cursor);
  const client = shopClient(ctx);
  const request = `GET ${resource.path}?${query}`;
  const answer = await client.getJson<Record<string, unknown>>(`${resource.path}?${query}`);
  const records = answer?.[resource.plural];
  if (!Array.isArray(records)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered without a "${resource.plural}" list`);
  }
  const ids = records.map((record: unknown) => {
    const id = (record as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' && typeof id !== 'string') {
      throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered a ${resource.wrapper} without an id`);
    }
    return String(id);
  });
  const page: ListPage = { ids, cursor: ids.length === limit ? ids[ids.length - 1]! : null };
  if (cursor === null) {
    const count = (await client.getJson<{ count?: unknown }>(`${resource.path}/count`))?.count;
    if (typeof count === 'number') page.total = count;
  }
  return page;
}
