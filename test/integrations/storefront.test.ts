/**
 * The storefront integration against the real demo shop: reads, idempotent creates, updates,
 * deletes (products, customers, product categories as custom collections), listing every record
 * for initialization, and how the shop's failures are classified for the engine's retries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoShop, type DemoShop } from '../../src/demo/shop.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import type { DataType } from '../../src/domain/types.js';
import { storefront } from '../../src/integrations/storefront/index.js';
import type { IntegrationContext, ListPage } from '../../src/integrations/types.js';
import { startReceiver } from '../demo/receiver.js';
import { deadUrl, methodsOf, rejection, writeContext } from './context.js';

const TOKEN = 'shop-token';
const integration = methodsOf(storefront);

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(): Promise<{ shop: DemoShop; settings: Record<string, unknown> }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const shop = await startDemoShop({ hubUrl: receiver.url, webhookKey: 'hook-key', accessToken: TOKEN, retryDelaysMs: [1] });
  closers.push(() => shop.close());
  return { shop, settings: { baseUrl: shop.url, accessToken: TOKEN } };
}

describe('declaration', () => {
  it('is built in, keeps its receiver, and makes address hooks requests for their customer', () => {
    expect(BUILTIN_INTEGRATIONS.get('storefront')).toBe(storefront);
    expect(storefront.receiver.hook).toEqual({ from: 'header', name: 'x-shopify-topic' });
    expect(storefront.parents).toEqual([{ type: 'customer_address', parent: 'customer', parentId: { from: 'body', path: 'customer_id' } }]);
  });

  it('resolves collection hooks to product category scopes, each hook name to one scope only', () => {
    const categories = storefront.scopes.filter((s) => s.scope.startsWith('product_category/'));
    expect(categories.map((s) => [s.scope, s.hooks, s.description])).toEqual([
      ['product_category/created', ['collections/create'], 'Shop collection → product category'],
      ['product_category/updated', ['collections/update'], 'Shop collection → product category'],
      ['product_category/deleted', ['collections/delete'], 'Shop collection → product category'],
    ]);
    const hooks = storefront.scopes.flatMap((s) => s.hooks);
    expect(new Set(hooks).size).toBe(hooks.length);
    expect(typeof storefront.list).toBe('function');
  });
});

describe('get', () => {
  it('reads products, customers and orders unwrapped, and null for a missing record', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings);
    const product = shop.createProduct({ title: 'Mug', variants: [{ sku: 'MUG', price: 9 }] });
    const customer = shop.createCustomer({ email: 'ada@example.com', addresses: [{ city: 'Oslo' }] });
    const order = shop.createOrder({ customer_id: customer.id, line_items: [{ title: 'Mug', price: 9 }] });

    expect(await integration.get('product', String(product.id), ctx)).toEqual(product);
    expect(await integration.get('customer', String(customer.id), ctx)).toEqual(customer);
    expect(await integration.get('transaction', String(order.id), ctx)).toEqual(order);
    expect(await integration.get('product', '9999', ctx)).toBeNull();
    expect(await integration.get('customer', String(product.id), ctx)).toBeNull();
  });

  it('refuses types it cannot read and ids that are not shop ids', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    for (const type of ['customer_address', 'gift_card', 'message'] as const) {
      const error = await rejection(integration.get(type, '1', ctx));
      expect(error).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
      expect(error.message).toContain(type);
    }
    expect(await rejection(integration.get('product', 'Item:1', ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false });
  });
});

describe('writes', () => {
  it('creates a product and a customer, which then read back', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings, { idempotencyKey: 'shop:1' });
    const { externalId } = await integration.create('product', { title: 'Linen Shirt', vendor: 'Northwind', variants: [{ sku: 'S', price: '49' }] }, ctx);
    expect(externalId).toBe('1001');
    expect(await integration.get('product', externalId, ctx)).toMatchObject({ id: 1001, title: 'Linen Shirt', vendor: 'Northwind' });
    expect(ctx.logs).toEqual([{ step: 'create', detail: expect.stringContaining('product 1001') }]);

    const customer = await integration.create('customer', { email: 'ada@example.com', first_name: 'Ada' }, writeContext(settings, { idempotencyKey: 'shop:2' }));
    expect(shop.customers.get(Number(customer.externalId))).toMatchObject({ email: 'ada@example.com', first_name: 'Ada' });
  });

  it('creates once for the same idempotency key, as when a create is retried after a lost answer', async () => {
    const { shop, settings } = await setup();
    const first = await integration.create('product', { title: 'Mug' }, writeContext(settings, { idempotencyKey: 'shop:42' }));
    const again = await integration.create('product', { title: 'Mug' }, writeContext(settings, { idempotencyKey: 'shop:42' }));
    expect(again).toEqual(first);
    expect(shop.products.size).toBe(1);
    expect(shop.writes.count('products', 'create')).toBe(1);
    await integration.create('product', { title: 'Mug' }, writeContext(settings, { idempotencyKey: 'shop:43' }));
    expect(shop.products.size).toBe(2);
  });

  it('updates products and customers', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings);
    const product = shop.createProduct({ title: 'Mug', tags: 'kitchen' });
    const customer = shop.createCustomer({ email: 'ada@example.com' });
    await integration.update('product', String(product.id), { title: 'Big Mug' }, ctx);
    await integration.update('customer', String(customer.id), { last_name: 'Lovelace' }, ctx);
    expect(shop.products.get(product.id)).toMatchObject({ title: 'Big Mug', tags: 'kitchen' });
    expect(shop.customers.get(customer.id)).toMatchObject({ email: 'ada@example.com', last_name: 'Lovelace' });
    const missing = await rejection(integration.update('product', '9999', { title: 'x' }, ctx));
    expect(missing).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false });
  });

  it('deletes, and a delete of a record already gone succeeds', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings);
    const product = shop.createProduct({ title: 'Mug' });
    await integration.delete('product', String(product.id), ctx);
    expect(shop.products.size).toBe(0);
    await integration.delete('product', String(product.id), ctx);
    expect(ctx.logs).toEqual([{ step: 'delete', detail: expect.stringContaining('already gone') }]);
    expect(shop.writes.count('products', 'delete')).toBe(1);
  });

  it('treats transactions as read-only', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    for (const attempt of [
      integration.create('transaction', { note: 'x' }, ctx),
      integration.update('transaction', '3001', { note: 'x' }, ctx),
      integration.delete('transaction', '3001', ctx),
    ]) {
      expect(await rejection(attempt)).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    }
  });
});

describe('find', () => {
  it('finds a product by a variant sku and a customer by email, and null when there is none', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings);
    shop.createProduct({ title: 'Other', variants: [{ sku: 'MUG-10', price: 1 }] });
    const product = shop.createProduct({ title: 'Mug', variants: [{ sku: 'MUG-S', price: 9 }, { sku: 'MUG-1', price: 9 }] });
    const customer = shop.createCustomer({ email: 'ada@example.com' });

    expect(await storefront.find!('product', 'sku', 'MUG-1', ctx)).toBe(String(product.id));
    expect(await storefront.find!('customer', 'email', 'ada@example.com', ctx)).toBe(String(customer.id));
    expect(await storefront.find!('product', 'sku', 'MUG', ctx)).toBeNull();
    expect(await storefront.find!('customer', 'email', 'grace@example.com', ctx)).toBeNull();
  });

  it('refuses fields and types it cannot search by, naming them', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    const byTitle = await rejection(storefront.find!('product', 'title', 'Mug', ctx));
    expect(byTitle).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    expect(byTitle.message).toMatch(/"title"/);
    expect(await rejection(storefront.find!('transaction', 'email', 'ada@example.com', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
  });
});

describe('product categories (custom collections)', () => {
  it('creates, reads, updates and deletes them, unwrapped, by the collection id', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings, { idempotencyKey: 'shop:7' });
    const { externalId } = await integration.create('product_category', { title: 'Kitchen', published: false }, ctx);
    expect(externalId).toBe('5001');
    expect(ctx.logs).toEqual([{ step: 'create', detail: expect.stringContaining('product_category 5001') }]);
    const read = await integration.get('product_category', externalId, ctx);
    expect(read).toEqual({ id: 5001, title: 'Kitchen', handle: 'kitchen', published: false, updated_at: expect.any(String) });
    expect(read).toEqual(shop.collections.get(5001));

    await integration.update('product_category', externalId, { title: 'Kitchen & Dining', published: true }, ctx);
    expect(await integration.get('product_category', externalId, ctx)).toMatchObject({ title: 'Kitchen & Dining', handle: 'kitchen', published: true });

    await integration.delete('product_category', externalId, ctx);
    expect(await integration.get('product_category', externalId, ctx)).toBeNull();
    await integration.delete('product_category', externalId, ctx); // already gone: still a success
    expect(shop.writes.log.map((w) => [w.kind, w.op, w.id])).toEqual([
      ['custom_collections', 'create', 5001],
      ['custom_collections', 'update', 5001],
      ['custom_collections', 'delete', 5001],
    ]);
    await shop.settle();
    expect(shop.hooksSent.map((h) => h.topic)).toEqual(['collections/create', 'collections/update', 'collections/delete']);
  });

  it('creates once for the same idempotency key', async () => {
    const { shop, settings } = await setup();
    const first = await integration.create('product_category', { title: 'Toys' }, writeContext(settings, { idempotencyKey: 'shop:9' }));
    const again = await integration.create('product_category', { title: 'Toys' }, writeContext(settings, { idempotencyKey: 'shop:9' }));
    expect(again).toEqual(first);
    expect(shop.collections.size).toBe(1);
    expect(shop.writes.count('custom_collections', 'create')).toBe(1);
  });

  it('makes a collection the shop refuses a permanent failure, and a missing one null', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    const refused = await rejection(integration.create('product_category', { handle: 'no-title' }, ctx));
    expect(refused).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false });
    expect(refused.message).toContain("can't be blank");
    expect(await integration.get('product_category', '5999', ctx)).toBeNull();
    expect(await rejection(integration.update('product_category', '5999', { title: 'x' }, ctx))).toMatchObject({ retryable: false });
    expect(await rejection(integration.get('product_category', 'Cat:1000', ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED' });
  });
});

const list = storefront.list!;

/** Lists every page of a type from the start. */
async function listAll(type: DataType, ctx: IntegrationContext): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let cursor: string | null = null;
  do {
    const page: ListPage = await list(type, cursor, ctx);
    pages.push(page);
    cursor = page.cursor;
    if (pages.length > 100) throw new Error('list never ends');
  } while (cursor !== null);
  return pages;
}

const range = (first: number, count: number) => Array.from({ length: count }, (_, i) => String(first + i));

describe('list', () => {
  it('lists every product, customer and collection exactly once, in 3 pages of at most 100 for 250, ending with cursor null', async () => {
    const { shop, settings } = await setup();
    shop.pauseHooks(); // 750 hooks are beside the point here
    for (let i = 0; i < 250; i++) {
      shop.createProduct({ title: `Product ${i}` });
      shop.createCustomer({ email: `customer${i}@example.com` });
      shop.createCollection({ title: `Collection ${i}` });
    }
    const ctx = writeContext(settings);
    for (const [type, first] of [
      ['product', 1001],
      ['customer', 2001],
      ['product_category', 5001],
    ] as const) {
      const pages = await listAll(type, ctx);
      expect(pages.map((p) => p.ids.length)).toEqual([100, 100, 50]);
      expect(pages.map((p) => p.cursor)).toEqual([String(first + 99), String(first + 199), null]);
      // The total comes with the first page.
      expect(pages.map((p) => p.total)).toEqual([250, undefined, undefined]);
      expect(pages.flatMap((p) => p.ids)).toEqual(range(first, 250));
    }
  });

  it('ends with an empty page when the last full page was exactly the end, and skips deleted ids', async () => {
    const { shop, settings } = await setup();
    for (let i = 0; i < 4; i++) shop.createCollection({ title: `Collection ${i}` });
    shop.deleteCollection(5002);
    const pages = await listAll('product_category', writeContext({ ...settings, pageSize: 3 }));
    expect(pages).toEqual([
      { ids: ['5001', '5003', '5004'], cursor: '5004', total: 3 },
      { ids: [], cursor: null },
    ]);
    expect(await list('customer', null, writeContext(settings))).toEqual({ ids: [], cursor: null, total: 0 });
  });

  it('never asks for more than the shop serves, so a page of 250 is not taken for the last', async () => {
    const { shop, settings } = await setup();
    shop.pauseHooks();
    for (let i = 0; i < 260; i++) shop.createProduct({ title: `Product ${i}` });
    const pages = await listAll('product', writeContext({ ...settings, pageSize: 1000 }));
    expect(pages.map((p) => p.ids.length)).toEqual([250, 10]);
  });

  it('refuses orders and other types, cursors that are not shop ids, and a wrong pageSize', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    for (const type of ['transaction', 'customer_address', 'message'] as const) {
      expect(await rejection(list(type, null, ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    }
    for (const cursor of ['', 'abc', '-1', '1.5']) {
      expect(await rejection(list('product', cursor, ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION', retryable: false });
    }
    expect(await rejection(list('product', null, writeContext({ ...settings, pageSize: 0 })))).toMatchObject({ code: 'HY_ERR_CONFIG_INVALID' });
  });
});

describe('failures', () => {
  it('makes a 500 retryable and a 422 permanent', async () => {
    const { shop, settings } = await setup();
    const ctx = writeContext(settings);
    shop.failRequests({ method: 'POST', pathIncludes: '/admin/products', times: 1 });
    expect(await rejection(integration.create('product', { title: 'Mug' }, ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_FAILED', retryable: true });
    expect(shop.products.size).toBe(0);

    const refused = await rejection(integration.create('product', { vendor: 'no title' }, ctx));
    expect(refused).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false });
    expect(refused.message).toContain("can't be blank");
  });

  it('makes a 429 retryable', async () => {
    const { shop, settings } = await setup();
    shop.failRequests({ method: 'GET', status: 429, times: 1 });
    // The demo shop sends no Retry-After, so there is no wait to pass on.
    expect(await rejection(integration.get('product', '1001', writeContext(settings)))).toMatchObject({
      code: 'HY_ERR_RATE_LIMITED',
      retryable: true,
      retryAfterMs: null,
    });
  });

  it('makes an unreachable shop retryable', async () => {
    const ctx = writeContext({ baseUrl: await deadUrl(), accessToken: TOKEN });
    expect(await rejection(integration.get('product', '1001', ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_UNREACHABLE', retryable: true });
  });

  it('makes a wrong access token permanent', async () => {
    const { settings } = await setup();
    const ctx = writeContext({ ...settings, accessToken: 'wrong' });
    expect(await rejection(integration.get('product', '1001', ctx))).toMatchObject({ code: 'HY_ERR_CREDENTIALS_REJECTED', retryable: false });
  });

  it('fails permanently, naming the setting, when a setting is missing or wrong', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ accessToken: TOKEN }, /setting "baseUrl" .* is missing/],
      [{ baseUrl: 'http://127.0.0.1:1' }, /setting "accessToken" .* is missing/],
      [{ baseUrl: 'http://127.0.0.1:1', accessToken: 7 }, /setting "accessToken" .* not a non-empty string/],
      [{ baseUrl: 'not a url', accessToken: TOKEN }, /setting "baseUrl" .* is not a URL/],
    ];
    for (const [settings, message] of cases) {
      const error = await rejection(integration.get('product', '1001', writeContext(settings, { connection: 'shop' })));
      expect(error).toMatchObject({ code: 'HY_ERR_CONFIG_INVALID', retryable: false });
      expect(error.message).toMatch(message);
      expect(error.message).toContain('connection shop');
    }
  });
});
