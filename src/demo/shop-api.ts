/**
 * The demo shop's REST API, answering as Shopify's Admin REST API does:
 *
 * - paths carry the API version and end in `.json`: `/admin/api/2025-10/products/1001.json`;
 *   the answer names the version it used in `X-Shopify-API-Version`;
 * - bodies are wrapped in the resource name (`{"product": {...}}`, lists `{"products": [...]}`),
 *   `GET …/count.json` answers `{"count": n}`, a delete answers `200 {}`;
 * - lists are paged by cursor: `limit` (default 50, at most 250) and a `Link` header whose
 *   `rel="next"` / `rel="previous"` URLs carry `page_info`; a request with `page_info` may send
 *   only `limit` and `fields` besides it (anything else is a 400), because the cursor already
 *   holds the filters of the first page;
 * - filters as Shopify documents them: products by `ids`, `handle`, `since_id`, `status`;
 *   customers by `ids`, `since_id`; orders by `ids`, `since_id`, `status` (open by default, or
 *   `any`, `closed`, `cancelled`); custom collections by `ids`, `handle`, `title`, `since_id`;
 *   other parameters are ignored, as Shopify ignores them (there is no product search by SKU);
 * - customers are searched with `GET /customers/search.json?query=email:ada@example.com`;
 * - there is no idempotency key: a repeated POST creates again.
 *
 * Every write goes through ShopState (so it fires the same webhook as the merchant would) and is
 * counted.
 */
import { DemoError, notFound } from './demo-error.js';
import type { JsonHandler, JsonReply, JsonRequest } from './json-server.js';
import { Router } from './router.js';
import { SHOP_LOCATION_ID, type ShopState } from './shop-state.js';
import type { Customer, CustomCollection, Order, Product } from './shop-types.js';
import * as v from './validate.js';
import type { WriteCounter } from './writes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;
const VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;

export function shopRouter(state: ShopState, writes: WriteCounter<number>): Router<JsonHandler> {
  const router = new Router<JsonHandler>();
  /** A route under `/admin/api/:version`; the answer names the version. */
  const add = (method: string, path: string, handler: (r: JsonRequest) => JsonReply) =>
    router.add(method, `/admin/api/:version${path}`, (r) => {
      const version = r.params.version ?? '';
      if (!VERSION.test(version)) throw notFound(`API version ${version}`);
      const reply = handler(r);
      return { ...reply, headers: { 'X-Shopify-API-Version': version, ...reply.headers } };
    });
  const ok = (status: number, body: unknown, headers?: Record<string, string>): JsonReply => ({ status, body, ...(headers ? { headers } : {}) });

  add('GET', '/products.json', (r) => {
    const listed = page(r, 'products', state.products, ['ids', 'handle', 'since_id', 'status'], (p: Product, f) =>
      (f.handle === undefined || f.handle.split(',').includes(p.handle)) && (f.status === undefined || f.status.split(',').includes(p.status)),
    );
    return ok(200, { products: listed.records }, listed.headers);
  });
  add('GET', '/products/count.json', () => ok(200, { count: state.products.size }));
  add('GET', '/products/:id.json', (r) => ok(200, { product: state.product(id(r)) }));
  add('POST', '/products.json', (r) => {
    const product = state.createProduct(unwrap(r, 'product'));
    writes.record('products', 'create', product.id);
    return ok(201, { product });
  });
  add('PUT', '/products/:id.json', (r) => {
    const product = state.updateProduct(id(r), unwrap(r, 'product'));
    writes.record('products', 'update', product.id);
    return ok(200, { product });
  });
  add('DELETE', '/products/:id.json', (r) => {
    state.deleteProduct(id(r));
    writes.record('products', 'delete', id(r));
    return ok(200, {});
  });

  add('GET', '/customers.json', (r) => {
    const listed = page(r, 'customers', state.customers, ['ids', 'since_id'], () => true);
    return ok(200, { customers: listed.records }, listed.headers);
  });
  add('GET', '/customers/search.json', (r) => {
    const listed = page(r, 'customers/search', state.customers, ['query'], (c: Customer, f) => matchesQuery(c, f.query ?? ''));
    return ok(200, { customers: listed.records }, listed.headers);
  });
  add('GET', '/customers/count.json', () => ok(200, { count: state.customers.size }));
  add('GET', '/customers/:id.json', (r) => ok(200, { customer: state.customer(id(r)) }));
  add('POST', '/customers.json', (r) => {
    const customer = state.createCustomer(unwrap(r, 'customer'));
    writes.record('customers', 'create', customer.id);
    return ok(201, { customer });
  });
  add('PUT', '/customers/:id.json', (r) => {
    const customer = state.updateCustomer(id(r), unwrap(r, 'customer'));
    writes.record('customers', 'update', customer.id);
    return ok(200, { customer });
  });
  add('DELETE', '/customers/:id.json', (r) => {
    state.deleteCustomer(id(r));
    writes.record('customers', 'delete', id(r));
    return ok(200, {});
  });
  add('PUT', '/customers/:id/addresses/:addressId.json', (r) => {
    const address = state.updateAddress(id(r), id(r, 'addressId'), unwrap(r, 'address'));
    writes.record('customer_addresses', 'update', address.id);
    return ok(200, { customer_address: address });
  });

  add('GET', '/orders.json', (r) => {
    const listed = page(r, 'orders', state.orders, ['ids', 'since_id', 'status'], (o: Order, f) => orderStatusMatches(o, f.status ?? 'open'));
    return ok(200, { orders: listed.records }, listed.headers);
  });
  add('GET', '/orders/count.json', (r) => ok(200, { count: [...state.orders.values()].filter((o) => orderStatusMatches(o, r.query.get('status') ?? 'open')).length }));
  add('GET', '/orders/:id.json', (r) => ok(200, { order: state.order(id(r)) }));
  add('POST', '/orders.json', (r) => {
    const order = state.createOrder(unwrap(r, 'order'));
    writes.record('orders', 'create', order.id);
    return ok(201, { order });
  });
  add('PUT', '/orders/:id.json', (r) => {
    const order = state.updateOrder(id(r), unwrap(r, 'order'));
    writes.record('orders', 'update', order.id);
    return ok(200, { order });
  });

  add('GET', '/custom_collections.json', (r) => {
    const listed = page(r, 'custom_collections', state.collections, ['ids', 'handle', 'title', 'since_id'], (c: CustomCollection, f) =>
      (f.handle === undefined || f.handle === c.handle) && (f.title === undefined || f.title === c.title),
    );
    return ok(200, { custom_collections: listed.records }, listed.headers);
  });
  add('GET', '/custom_collections/count.json', () => ok(200, { count: state.collections.size }));
  add('GET', '/custom_collections/:id.json', (r) => ok(200, { custom_collection: state.collection(id(r)) }));
  // Any collection by id, custom or smart (the demo shop has only custom ones).
  add('GET', '/collections/:id.json', (r) => ok(200, { collection: { ...state.collection(id(r)), collection_type: 'custom', products_count: 0 } }));
  add('POST', '/custom_collections.json', (r) => {
    const collection = state.createCollection(unwrap(r, 'custom_collection'));
    writes.record('custom_collections', 'create', collection.id);
    return ok(201, { custom_collection: collection });
  });
  add('PUT', '/custom_collections/:id.json', (r) => {
    const collection = state.updateCollection(id(r), unwrap(r, 'custom_collection'));
    writes.record('custom_collections', 'update', collection.id);
    return ok(200, { custom_collection: collection });
  });
  add('DELETE', '/custom_collections/:id.json', (r) => {
    state.deleteCollection(id(r));
    writes.record('custom_collections', 'delete', id(r));
    return ok(200, {});
  });

  add('GET', '/inventory_levels.json', (r) => {
    const items = idList(r.query.get('inventory_item_ids'), 'inventory_item_ids');
    const locations = idList(r.query.get('location_ids'), 'location_ids');
    if (items === null && locations === null) throw new DemoError(422, 'inventory_item_ids or location_ids must be given', 'base', 'inventory_item_ids or location_ids must be given');
    const levels = [...state.inventoryLevels.values()].filter(
      (l) => (items === null || items.includes(l.inventory_item_id)) && (locations === null || locations.includes(l.location_id)),
    );
    return ok(200, { inventory_levels: levels.slice(0, limitOf(r)) });
  });
  add('POST', '/inventory_levels/set.json', (r) => {
    const body = v.object(r.body, 'body');
    if (v.integer(body.location_id, 'location_id') !== SHOP_LOCATION_ID) throw notFound(`location ${String(body.location_id)}`);
    const level = state.setInventory(v.integer(body.inventory_item_id, 'inventory_item_id'), v.integer(body.available, 'available'));
    writes.record('inventory_levels', 'update', level.inventory_item_id);
    return ok(200, { inventory_level: level });
  });
  return router;
}

/** A numeric id from the path; anything else cannot name a record. */
function id(request: JsonRequest, param = 'id'): number {
  const raw = request.params[param] ?? '';
  if (!/^\d+$/.test(raw)) throw notFound(`${param} ${raw}`);
  return Number(raw);
}

/** The resource inside Shopify's wrapper, `{"product": {...}}`. Its fields are checked by ShopState. */
function unwrap<T extends object>(request: JsonRequest, name: string): T {
  const inner = (request.body as Record<string, unknown> | null)?.[name];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw new DemoError(400, 'Required parameter missing or invalid', name, 'Required parameter missing or invalid');
  }
  return inner as T;
}

/** What a page_info cursor holds: the filters of the first page and the last id before the page. */
interface PageInfo {
  /** The list it belongs to; a cursor of another list is refused. */
  list: string;
  filters: Record<string, string>;
  /** Records with an id above this one come next. */
  after: number;
  /** For rel="previous": the first id of the page the cursor came from. */
  before?: number;
}

/**
 * One page of `records`, ascending by id, as Shopify pages: the first request carries filters;
 * later ones only `page_info` (and `limit`, `fields`). The Link header points to the next and
 * previous pages on the address the request was sent to.
 */
function page<T extends { id: number }>(
  request: JsonRequest,
  list: string,
  records: ReadonlyMap<number, T>,
  filterNames: readonly string[],
  keep: (record: T, filters: Record<string, string>) => boolean,
): { records: T[]; headers: Record<string, string> } {
  const limit = limitOf(request);
  const token = request.query.get('page_info');
  let info: PageInfo;
  if (token !== null) {
    const others = [...request.query.keys()].filter((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
    if (others.length > 0) throw new DemoError(400, `page_info cannot be sent with ${others.join(', ')}`, 'page_info', `cannot be sent with ${others.join(', ')}: only limit and fields may accompany it`);
    info = readPageInfo(token, list);
  } else {
    const filters: Record<string, string> = {};
    for (const name of filterNames) {
      const value = request.query.get(name);
      if (value !== null && value !== '') filters[name] = value;
    }
    info = { list, filters, after: filters.since_id === undefined ? 0 : positive(filters.since_id, 'since_id') };
  }
  const ids = info.filters.ids === undefined ? null : idList(info.filters.ids, 'ids');
  const matching = [...records.values()]
    .filter((record) => (ids === null || ids.includes(record.id)) && keep(record, info.filters))
    .sort((a, b) => a.id - b.id);
  const backwards = info.before !== undefined;
  const window = backwards
    ? matching.filter((r) => r.id < info.before!).slice(-limit)
    : matching.filter((r) => r.id > info.after).slice(0, limit);
  const links: string[] = [];
  const last = window.at(-1);
  const first = window[0];
  const url = (cursor: PageInfo) => {
    const base = `http://${request.headers.host ?? '127.0.0.1'}`;
    const path = `/admin/api/${request.params.version}/${list}.json`;
    const query = new URLSearchParams({ limit: String(limit), page_info: writePageInfo(cursor) });
    return `<${base}${path}?${query}>`;
  };
  if (last && matching.some((r) => r.id > last.id)) links.push(`${url({ list, filters: info.filters, after: last.id })}; rel="next"`);
  if (first && (token !== null || info.after > 0) && matching.some((r) => r.id < first.id)) {
    links.push(`${url({ list, filters: info.filters, after: 0, before: first.id })}; rel="previous"`);
  }
  return { records: window, headers: links.length > 0 ? { Link: links.join(', ') } : {} };
}

function writePageInfo(info: PageInfo): string {
  return Buffer.from(JSON.stringify(info)).toString('base64url');
}

function readPageInfo(token: string, list: string): PageInfo {
  try {
    const info = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageInfo;
    if (info.list === list && typeof info.after === 'number' && typeof info.filters === 'object' && info.filters !== null) return info;
  } catch {
    // falls through to the refusal
  }
  throw new DemoError(400, 'Invalid value', 'page_info', 'Invalid value');
}

/** `limit`: default 50, at most 250, as Shopify. */
function limitOf(request: JsonRequest): number {
  const raw = request.query.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  return Math.min(positive(raw, 'limit'), MAX_LIMIT);
}

function positive(raw: string, name: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DemoError(400, `${name} must be a positive integer`, name, 'must be a positive integer');
  return Number(raw);
}

/** A comma-separated id list (`ids=1,2,3`), or null when not given. */
function idList(raw: string | null, name: string): number[] | null {
  if (raw === null || raw === '') return null;
  return raw.split(',').map((part) => positive(part.trim(), name));
}

/** Shopify's order list status: open (the default), closed, cancelled or any. */
function orderStatusMatches(order: Order, status: string): boolean {
  switch (status) {
    case 'any':
      return true;
    case 'cancelled':
      return order.cancelled_at !== null;
    case 'closed':
      return order.closed_at !== null;
    default:
      return order.cancelled_at === null && order.closed_at === null;
  }
}

/**
 * Shopify's customer search, for the terms a hub uses: `field:value` (email, first_name,
 * last_name, phone, state), several joined by spaces (all must hold), or a bare word matched
 * against name and email. Matching ignores case; an email matches exactly.
 */
function matchesQuery(customer: Customer, query: string): boolean {
  const terms = query.trim().split(/\s+/).filter((t) => t !== '');
  return terms.every((term) => {
    const colon = term.indexOf(':');
    const value = (colon === -1 ? term : term.slice(colon + 1)).replace(/^"|"$/g, '').toLowerCase();
    if (colon === -1) return [customer.email, customer.first_name, customer.last_name].some((f) => f.toLowerCase().includes(value));
    const field = term.slice(0, colon);
    const actual = (customer as unknown as Record<string, unknown>)[field];
    return typeof actual === 'string' && actual.toLowerCase() === value;
  });
}
