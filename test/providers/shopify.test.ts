/**
 * The shipped shopify integration file, read as hookyard reads it: Shopify's topics and the scope
 * each becomes, where a topic body keeps the record's id and the record itself (payload records
 * with their version), and the requests its api section makes — paths with the pinned version,
 * wrappers, the access token header, find by handle and by customer search.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import { compileReceiver } from '../../src/resolve/receiver.js';
import { readPayloadRecord } from '../../src/resolve/payload.js';
import { resolveHook, type ScopeIndex } from '../../src/resolve/resolve.js';
import type { IncomingHook, Scope } from '../../src/domain/types.js';
import { makeScope } from '../../src/domain/scope.js';
import { rejection, writeContext } from '../integrations/context.js';
import { header, startApi, type Route } from '../integrations/declarative-server.js';

const shopify = BUILTIN_INTEGRATIONS.get('shopify')!;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('the file', () => {
  it('is a built-in found by id, verified the Shopify way, with the API version as a pinned preset', () => {
    expect(shopify.verifyScheme).toBe('shopify');
    expect(shopify.presets).toEqual([expect.objectContaining({ name: 'apiVersion', default: '2025-10' })]);
    expect(shopify.types).toEqual(['inventory_level']);
    // Shopify's REST limit on standard plans: 2 calls a second.
    expect(shopify.throttle).toEqual({ calls: 2, perMs: 1000 });
  });

  it('resolves every Shopify topic it declares to its scope', () => {
    const table = Object.fromEntries(shopify.scopes.flatMap((s) => s.hooks.map((hook) => [hook, s.scope])));
    expect(table).toEqual({
      'products/create': 'product/created',
      'products/update': 'product/updated',
      'products/delete': 'product/deleted',
      'customers/create': 'customer/created',
      'customers/update': 'customer/updated',
      'customers/enable': 'customer/updated',
      'customers/disable': 'customer/updated',
      'customers/delete': 'customer/deleted',
      'orders/create': 'transaction/created',
      'orders/updated': 'transaction/updated',
      'orders/paid': 'transaction/updated',
      'orders/fulfilled': 'transaction/updated',
      'orders/partially_fulfilled': 'transaction/updated',
      'orders/cancelled': 'transaction/updated',
      'orders/edited': 'transaction/updated',
      'orders/delete': 'transaction/deleted',
      'collections/create': 'product_category/created',
      'collections/update': 'product_category/updated',
      'collections/delete': 'product_category/deleted',
      'inventory_levels/update': 'inventory_level/updated',
      'inventory_levels/connect': 'inventory_level/updated',
      'inventory_levels/disconnect': 'inventory_level/updated',
    });
  });

  it('declares no customer address topic: Shopify has none (address changes arrive as customers/update)', () => {
    expect(shopify.scopes.filter((s) => s.scope.startsWith('customer_address/'))).toEqual([]);
    expect(shopify.parents ?? []).toEqual([]);
  });
});

// Topic bodies shaped as Shopify's published samples (trimmed to the fields that matter here), with
// ids of a real shop's size: the samples' 18-digit ids lie beyond what a JSON number keeps exactly.
const PRODUCT = {
  id: 7880321196742,
  title: 'Example T-Shirt',
  handle: 'example-t-shirt',
  status: 'active',
  updated_at: '2021-12-31T19:00:00-05:00',
  variants: [{ id: 44626670414727, product_id: 7880321196742, sku: 'TS-S', price: '19.99', inventory_item_id: 49148385 }],
};
const ORDER = { id: 5820982911946, name: '#9999', email: 'jon@example.com', total_price: '403.00', financial_status: 'paid', updated_at: '2021-12-31T19:00:00-05:00' };
const ORDER_EDIT = { order_edit: { id: 78912328, app_id: null, created_at: '2021-12-31T19:00:00-05:00', notify_customer: false, order_id: 5820982911946, staff_note: '', user_id: null } };
const LEVEL = { inventory_item_id: 47187834659688, location_id: 24826418, available: 6, updated_at: '2021-12-31T19:00:00-05:00', admin_graphql_api_id: 'gid://shopify/InventoryLevel/24826418?inventory_item_id=47187834659688' };

const receiver = (() => {
  const compiled = compileReceiver(shopify.receiver);
  if (!compiled.receiver) throw new Error(JSON.stringify(compiled.problems));
  return compiled.receiver;
})();
const index: ScopeIndex = {
  integrationId: 'shopify',
  byHook: new Map<string, Scope>(shopify.scopes.flatMap((s) => s.hooks.map((hook): [string, Scope] => [hook, makeScope(s.scope, s.description)]))),
};

function hook(topic: string, body: unknown): IncomingHook {
  return {
    headers: { 'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'demo.myshopify.com' },
    segments: [],
    body: Buffer.from(JSON.stringify(body)),
    contentType: 'application/json',
  } as unknown as IncomingHook;
}

async function read(topic: string, body: unknown) {
  const h = hook(topic, body);
  const resolution = await resolveHook(receiver, index, h, 10);
  const [n] = resolution.notifications;
  const payload = await readPayloadRecord(receiver, h, 0);
  return { scope: n?.scope?.name ?? null, externalId: n?.externalId ?? null, status: n?.status, record: payload?.record ?? null, version: payload?.version ?? null };
}

describe('topic bodies', () => {
  it('takes a product from its body, with updated_at as its version', async () => {
    expect(await read('products/update', PRODUCT)).toEqual({
      scope: 'product/updated',
      externalId: '7880321196742',
      status: 'planned',
      record: PRODUCT,
      version: '2021-12-31T19:00:00-05:00',
    });
  });

  it('reads a delete as an id only, never as a record', async () => {
    expect(await read('products/delete', { id: 7880321196742 })).toMatchObject({ scope: 'product/deleted', externalId: '7880321196742', record: null });
    expect(await read('collections/delete', { id: 841564295, published_scope: 'web' })).toMatchObject({ scope: 'product_category/deleted', externalId: '841564295', record: null });
  });

  it("reads orders/edited as the edited order's id, and reads the order with get (the body is the edit)", async () => {
    expect(await read('orders/edited', ORDER_EDIT)).toMatchObject({ scope: 'transaction/updated', externalId: '5820982911946', record: null });
    expect(await read('orders/paid', ORDER)).toMatchObject({ scope: 'transaction/updated', externalId: '5820982911946', record: ORDER });
  });

  it("reads an inventory level as its inventory item, whose levels get reads (one location's level is not the item's stock)", async () => {
    expect(await read('inventory_levels/update', LEVEL)).toMatchObject({ scope: 'inventory_level/updated', externalId: '47187834659688', record: null });
    expect(await read('inventory_levels/disconnect', { inventory_item_id: 47187834659688, location_id: 24826418 })).toMatchObject({ externalId: '47187834659688' });
  });

  it('keeps a topic it does not declare as unmatched', async () => {
    expect(await read('carts/update', { id: 1 })).toMatchObject({ scope: null, status: 'unmatched' });
  });
});

describe('requests', () => {
  async function api(route: Route) {
    const server = await startApi(route);
    closers.push(server.close);
    return server;
  }
  const ctx = (url: string, token = 'shpat_x') => ({ ...writeContext({ baseUrl: url, accessToken: token }), presets: { apiVersion: '2025-10' } });

  it('reads and writes in the version it is pinned to, in Shopify wrappers, with the access token header', async () => {
    const server = await api((r) => {
      if (r.method === 'GET' && r.path === '/admin/api/2025-10/products/7.json') return { json: { product: { id: 7, title: 'Mug' } } };
      if (r.method === 'POST' && r.path === '/admin/api/2025-10/products.json') return { status: 201, json: { product: { id: 8, ...r.json().product } } };
      if (r.method === 'PUT' && r.path === '/admin/api/2025-10/products/8.json') return { json: { product: { id: 8 } } };
      if (r.method === 'GET' && r.path === '/admin/api/2025-10/products/9.json') return { status: 404, json: { errors: 'Not Found' } };
      return undefined;
    });
    const c = ctx(server.url);
    expect(await shopify.get!('product', '7', c)).toEqual({ id: 7, title: 'Mug' });
    expect(await shopify.get!('product', '9', c)).toBeNull();
    expect(await shopify.create!('product', { title: 'Cup', handle: 'cup-1' }, c)).toEqual({ externalId: '8' });
    await shopify.update!('product', '8', { title: 'Cup 2' }, c);
    expect(server.received.map((r) => JSON.parse(r.body || 'null'))).toEqual([null, null, { product: { title: 'Cup', handle: 'cup-1' } }, { product: { title: 'Cup 2' } }]);
    expect(server.received.every((r) => header(r, 'x-shopify-access-token') === 'shpat_x')).toBe(true);
    // Shopify has no idempotency key; none is claimed.
    expect(server.received.some((r) => header(r, 'idempotency-key') !== undefined)).toBe(false);
  });

  it("finds customers by Shopify's search (email:…) and products by handle, and nothing by a field Shopify cannot search", async () => {
    const server = await api((r) => {
      if (r.path === '/admin/api/2025-10/customers/search.json') return { json: { customers: r.query.get('query') === 'email:ada@example.com' ? [{ id: 31 }] : [] } };
      if (r.path === '/admin/api/2025-10/products.json') return { json: { products: r.query.get('handle') === 'mug' ? [{ id: 7 }] : [] } };
      return undefined;
    });
    const c = ctx(server.url);
    expect(await shopify.find!('customer', 'email', 'ada@example.com', c)).toBe('31');
    expect(await shopify.find!('product', 'handle', 'mug', c)).toBe('7');
    expect(await shopify.find!('product', 'handle', 'cup', c)).toBeNull();
    expect(await rejection(shopify.find!('product', 'sku', 'MUG-1', c))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect(server.received.map((r) => r.url)).toEqual([
      '/admin/api/2025-10/customers/search.json?query=email%3Aada%40example.com&limit=2',
      '/admin/api/2025-10/products.json?handle=mug&limit=2',
      '/admin/api/2025-10/products.json?handle=cup&limit=2',
    ]);
  });

  it("reads an inventory item's levels at every location and their sum", async () => {
    const levels = [
      { inventory_item_id: 5, location_id: 1, available: 6, updated_at: '2026-01-01T00:00:00Z' },
      { inventory_item_id: 5, location_id: 2, available: 4, updated_at: '2026-01-01T00:00:00Z' },
    ];
    const server = await api((r) => (r.path === '/admin/api/2025-10/inventory_levels.json' ? { json: { inventory_levels: levels } } : undefined));
    expect(await shopify.get!('inventory_level', '5', ctx(server.url))).toEqual({ available: 10, levels });
    expect(server.received[0]!.url).toBe('/admin/api/2025-10/inventory_levels.json?inventory_item_ids=5&limit=250');
  });

  it('a revoked token (401) is HY_ERR_CREDENTIALS_REJECTED; a 429 waits its Retry-After', async () => {
    const server = await api((r) =>
      header(r, 'x-shopify-access-token') === 'revoked'
        ? { status: 401, json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } }
        : { status: 429, headers: { 'retry-after': '2.0', 'x-shopify-shop-api-call-limit': '40/40' }, json: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' } },
    );
    expect(await rejection(shopify.get!('product', '1', ctx(server.url, 'revoked')))).toMatchObject({ code: 'HY_ERR_CREDENTIALS_REJECTED', retryable: false });
    expect(await rejection(shopify.get!('product', '1', ctx(server.url)))).toMatchObject({ code: 'HY_ERR_RATE_LIMITED', retryable: true, retryAfterMs: 2000 });
  });
});
