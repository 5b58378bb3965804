/**
 * The demo shop over real HTTP: Shopify's Admin REST API (versioned .json paths, wrappers, Link
 * paging with page_info, the call-limit header) and Shopify's webhooks, signed, sent to a real
 * receiver standing in for the hub.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoShop, type DemoShop, type DemoShopOptions } from '../../src/demo/shop.js';
import { call, startReceiver, type Receiver } from './receiver.js';

const TOKEN = 'shop-token';
const SECRET = 'shop-app-secret';
const A = '/admin/api/2025-10';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: Partial<DemoShopOptions> = {}): Promise<{ shop: DemoShop; receiver: Receiver }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const shop = await startDemoShop({ hubUrl: receiver.url, signingSecret: SECRET, accessToken: TOKEN, retryDelaysMs: [1, 1, 1], ...options });
  closers.push(() => shop.close());
  return { shop, receiver };
}

function admin(shop: DemoShop, method: string, path: string, body?: unknown) {
  return call(shop.url, method, path, { headers: { 'X-Shopify-Access-Token': TOKEN }, body });
}

const topics = (receiver: Receiver) => receiver.hooks.map((h) => h.headers['x-shopify-topic']);

describe('REST API', () => {
  it('answers 401 with a JSON error without the right access token', async () => {
    const { shop } = await setup();
    shop.createProduct({ title: 'Mug' });
    for (const headers of [{}, { 'X-Shopify-Access-Token': 'wrong' }] as Array<Record<string, string>>) {
      const response = await call(shop.url, 'GET', `${A}/products/1001.json`, { headers });
      expect(response.status).toBe(401);
      expect(response.body.errors).toMatch(/Invalid API key or access token/);
    }
  });

  it('answers in the version of the path, and 404 for one Shopify never released', async () => {
    const { shop } = await setup();
    shop.createProduct({ title: 'Mug' });
    const answer = await fetch(`${shop.url}/admin/api/2025-07/products/1001.json`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    expect(answer.headers.get('x-shopify-api-version')).toBe('2025-07');
    expect(answer.headers.get('x-shopify-shop-api-call-limit')).toMatch(/^\d+\/400$/);
    expect((await admin(shop, 'GET', '/admin/api/2025-13/products/1001.json')).status).toBe(404);
    expect(await admin(shop, 'GET', '/admin/products/1001.json')).toMatchObject({ status: 404, body: { errors: 'Not Found' } });
  });

  it('keeps a leaky bucket of calls: the header counts them, a full bucket answers 429 with Retry-After', async () => {
    let now = 1_000_000;
    const { shop } = await setup({ callLimit: { bucket: 3, leakPerSecond: 1 }, now: () => now });
    const get = () => fetch(`${shop.url}${A}/products/count.json`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    const limits: Array<[number, string | null]> = [];
    for (let i = 0; i < 4; i++) {
      const answer = await get();
      limits.push([answer.status, answer.headers.get('x-shopify-shop-api-call-limit')]);
      if (answer.status === 429) {
        expect(answer.headers.get('retry-after')).toBe('2.0');
        expect(await answer.json()).toEqual({ errors: expect.stringMatching(/^Exceeded 2 calls per second/) });
      }
    }
    expect(limits).toEqual([[200, '1/3'], [200, '2/3'], [200, '3/3'], [429, '3/3']]);
    now += 2000; // two leak away
    expect((await get()).headers.get('x-shopify-shop-api-call-limit')).toBe('2/3');
  });

  it('creates, reads, updates and deletes products, counting each write', async () => {
    const { shop } = await setup();
    const created = await admin(shop, 'POST', `${A}/products.json`, {
      product: { title: 'Linen Shirt', vendor: 'Northwind', tags: 'summer', variants: [{ sku: 'SHIRT', price: 49, inventory_quantity: 3 }] },
    });
    expect(created.status).toBe(201);
    const product = created.body.product;
    expect(product).toMatchObject({ id: 1001, title: 'Linen Shirt', handle: 'linen-shirt', vendor: 'Northwind', status: 'active', tags: 'summer', body_html: '', admin_graphql_api_id: 'gid://shopify/Product/1001' });
    expect(product.variants).toEqual([
      expect.objectContaining({ id: expect.any(Number), product_id: 1001, title: 'Default Title', sku: 'SHIRT', price: '49.00', inventory_quantity: 3, inventory_item_id: expect.any(Number) }),
    ]);
    expect(product.created_at).toBe(product.updated_at);

    expect((await admin(shop, 'GET', `${A}/products/1001.json`)).body).toEqual({ product });

    const updated = await admin(shop, 'PUT', `${A}/products/1001.json`, {
      product: { title: 'Linen Shirt II', variants: [{ id: product.variants[0].id, price: '52.5' }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.product).toMatchObject({ id: 1001, title: 'Linen Shirt II', vendor: 'Northwind' });
    expect(updated.body.product.variants).toEqual([{ ...product.variants[0], price: '52.50', updated_at: expect.any(String) }]);

    expect(await admin(shop, 'DELETE', `${A}/products/1001.json`)).toMatchObject({ status: 200, body: {} });
    expect((await admin(shop, 'GET', `${A}/products/1001.json`)).status).toBe(404);
    expect(shop.products.size).toBe(0);

    expect(shop.writes.count('products')).toBe(3);
    expect(shop.writes.count('products', 'create', 1001)).toBe(1);
    expect(shop.writes.log.map((w) => w.op)).toEqual(['create', 'update', 'delete']);
    expect((await admin(shop, 'POST', `${A}/products.json`, { product: { title: 'Second' } })).body.product.id).toBe(1002);
  });

  it('rejects invalid bodies the way Shopify does, without using up ids', async () => {
    const { shop } = await setup();
    const blank = await admin(shop, 'POST', `${A}/products.json`, { product: { vendor: 'x' } });
    expect(blank).toMatchObject({ status: 422, body: { errors: { title: ["can't be blank"] } } });
    const unwrapped = await admin(shop, 'POST', `${A}/products.json`, { title: 'no wrapper' });
    expect(unwrapped).toMatchObject({ status: 400, body: { errors: { product: ['Required parameter missing or invalid'] } } });
    const status = await admin(shop, 'POST', `${A}/products.json`, { product: { title: 'x', status: 'gone' } });
    expect(status.status).toBe(422);
    expect((await admin(shop, 'PUT', `${A}/products/9999.json`, { product: { title: 'x' } })).status).toBe(404);
    expect((await admin(shop, 'GET', `${A}/products/abc.json`)).status).toBe(404);
    expect((await admin(shop, 'POST', `${A}/products.json`, '{not json')).status).toBe(400);
    expect((await admin(shop, 'POST', `${A}/products.json`, { product: { title: 'ok' } })).body.product.id).toBe(1001);
    expect(shop.writes.count('products')).toBe(1);
  });

  it('pages by limit (default 50, at most 250) and Link headers with page_info, which refuse other parameters', async () => {
    const { shop } = await setup();
    for (let i = 1; i <= 5; i++) shop.createProduct({ title: `Product ${i}`, status: i === 3 ? 'draft' : 'active' });
    const first = await fetch(`${shop.url}${A}/products.json?limit=2&status=active`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    expect(((await first.json()) as { products: Array<{ id: number }> }).products.map((p) => p.id)).toEqual([1001, 1002]);
    const link = first.headers.get('link')!;
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    expect(link).not.toContain('rel="previous"');
    expect(new URL(next).pathname).toBe(`${A}/products.json`);
    expect([...new URL(next).searchParams.keys()].sort()).toEqual(['limit', 'page_info']);
    // The cursor keeps the first page's filter: the draft is not listed.
    const second = await fetch(next, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    expect(((await second.json()) as { products: Array<{ id: number }> }).products.map((p) => p.id)).toEqual([1004, 1005]);
    expect(second.headers.get('link')).toMatch(/rel="previous"/);
    expect(second.headers.get('link')).not.toMatch(/rel="next"/);
    const info = new URL(next).searchParams.get('page_info')!;
    expect(await admin(shop, 'GET', `${A}/products.json?page_info=${info}&status=draft`)).toMatchObject({ status: 400, body: { errors: { page_info: [expect.stringMatching(/only limit and fields/)] } } });
    expect((await admin(shop, 'GET', `${A}/products.json?page_info=nonsense`)).status).toBe(400);
  });

  it('pages products by since_id and limit (default 50, at most 250)', async () => {
    const { shop } = await setup();
    for (let i = 1; i <= 60; i++) shop.createProduct({ title: `Product ${i}` });
    const ids = (body: { products: Array<{ id: number }> }) => body.products.map((p) => p.id);
    expect(ids((await admin(shop, 'GET', `${A}/products.json?limit=2`)).body)).toEqual([1001, 1002]);
    expect(ids((await admin(shop, 'GET', `${A}/products.json?since_id=1002&limit=3`)).body)).toEqual([1003, 1004, 1005]);
    expect(ids((await admin(shop, 'GET', `${A}/products.json`)).body)).toHaveLength(50);
    expect(ids((await admin(shop, 'GET', `${A}/products.json?limit=1000`)).body)).toHaveLength(60);
    expect(ids((await admin(shop, 'GET', `${A}/products.json?since_id=1060`)).body)).toEqual([]);
    expect((await admin(shop, 'GET', `${A}/products.json?limit=0`)).status).toBe(400);
  });

  it('manages customers, their addresses (announced as customers/update) and orders', async () => {
    const { shop } = await setup();
    const customer = (
      await admin(shop, 'POST', `${A}/customers.json`, {
        customer: {
          email: 'ada@example.com',
          first_name: 'Ada',
          addresses: [
            { address1: '1 High St', city: 'London', zip: 'N1', country_code: 'GB' },
            { address1: '2 Work Ave', city: 'London', zip: 'N2', country_code: 'GB', default: true },
          ],
        },
      })
    ).body.customer;
    expect(customer).toMatchObject({ email: 'ada@example.com', first_name: 'Ada', last_name: '', state: 'enabled', default_address: { address1: '2 Work Ave' } });
    expect(customer.addresses.map((a: { default: boolean }) => a.default)).toEqual([false, true]);
    expect(customer.addresses.every((a: { customer_id: number }) => a.customer_id === customer.id)).toBe(true);
    expect((await admin(shop, 'POST', `${A}/customers.json`, { customer: { email: 'ADA@example.com' } })).status).toBe(422);

    const addressId = customer.addresses[0].id;
    const address = await admin(shop, 'PUT', `${A}/customers/${customer.id}/addresses/${addressId}.json`, { address: { city: 'Leeds', default: true } });
    expect(address.body.customer_address).toMatchObject({ id: addressId, customer_id: customer.id, city: 'Leeds', default: true });
    expect(shop.customers.get(customer.id)!.addresses.map((a) => a.default)).toEqual([true, false]);
    expect((await admin(shop, 'PUT', `${A}/customers/${customer.id}.json`, { customer: { state: 'disabled' } })).body.customer.state).toBe('disabled');
    expect((await admin(shop, 'GET', `${A}/customers.json`)).body.customers).toHaveLength(1);

    const order = (
      await admin(shop, 'POST', `${A}/orders.json`, {
        order: { customer: { id: customer.id }, line_items: [{ sku: 'MUG', title: 'Mug', quantity: 3, price: '12.50' }] },
      })
    ).body.order;
    expect(order).toMatchObject({ name: '#1001', order_number: 1001, email: 'ada@example.com', customer: { id: customer.id }, financial_status: 'pending', total_price: '37.50', note: null });
    const paid = await admin(shop, 'PUT', `${A}/orders/${order.id}.json`, { order: { financial_status: 'paid', note: 'gift' } });
    expect(paid.body.order).toMatchObject({ financial_status: 'paid', note: 'gift', total_price: '37.50' });
    shop.fulfillOrder(order.id);
    expect((await admin(shop, 'GET', `${A}/orders/${order.id}.json`)).body.order.fulfillment_status).toBe('fulfilled');
    expect((await admin(shop, 'POST', `${A}/orders.json`, { order: { customer: { id: 1 } } })).status).toBe(422);
    expect(shop.writes.count('customer_addresses', 'update', addressId)).toBe(1);
  });

  it('pages customers by since_id and limit, and counts products, customers and orders', async () => {
    const { shop } = await setup();
    for (let i = 1; i <= 5; i++) shop.createCustomer({ email: `c${i}@example.com` });
    shop.createProduct({ title: 'Mug' });
    const ids = (body: { customers: Array<{ id: number }> }) => body.customers.map((c) => c.id);
    expect(ids((await admin(shop, 'GET', `${A}/customers.json?limit=2`)).body)).toEqual([2001, 2002]);
    expect(ids((await admin(shop, 'GET', `${A}/customers.json?since_id=2002&limit=2`)).body)).toEqual([2003, 2004]);
    expect(ids((await admin(shop, 'GET', `${A}/customers.json?since_id=2004&limit=2`)).body)).toEqual([2005]);
    expect((await admin(shop, 'GET', `${A}/customers/count.json`)).body).toEqual({ count: 5 });
    expect((await admin(shop, 'GET', `${A}/products/count.json`)).body).toEqual({ count: 1 });
    expect((await admin(shop, 'GET', `${A}/orders/count.json`)).body).toEqual({ count: 0 });
    expect((await admin(shop, 'GET', `${A}/customers.json?since_id=x`)).status).toBe(400);
  });

  it("searches customers by Shopify's query syntax, and ignores list parameters Shopify does not have", async () => {
    const { shop } = await setup();
    shop.createCustomer({ email: 'ada@example.com', first_name: 'Ada' });
    shop.createCustomer({ email: 'grace@example.com', first_name: 'Grace' });
    const found = (query: string) => admin(shop, 'GET', `${A}/customers/search.json?query=${encodeURIComponent(query)}`).then((r) => r.body.customers.map((c: { id: number }) => c.id));
    expect(await found('email:ada@example.com')).toEqual([2001]);
    expect(await found('email:nobody@example.com')).toEqual([]);
    expect(await found('grace')).toEqual([2002]);
    // No email filter on customers.json and no sku filter on products.json: both list everything.
    expect((await admin(shop, 'GET', `${A}/customers.json?email=ada@example.com`)).body.customers).toHaveLength(2);
    shop.createProduct({ title: 'Mug', handle: 'mug-1', variants: [{ sku: 'MUG-1' }] });
    shop.createProduct({ title: 'Cup' });
    expect((await admin(shop, 'GET', `${A}/products.json?sku=MUG-1`)).body.products).toHaveLength(2);
    expect((await admin(shop, 'GET', `${A}/products.json?handle=mug-1`)).body.products.map((p: { id: number }) => p.id)).toEqual([1001]);
  });

  it("keeps each variant's stock as an inventory level at the shop's location", async () => {
    const { shop, receiver } = await setup();
    const product = shop.createProduct({ title: 'Mug', variants: [{ sku: 'MUG-1', inventory_quantity: 4 }] });
    const item = product.variants[0]!.inventory_item_id;
    const levels = await admin(shop, 'GET', `${A}/inventory_levels.json?inventory_item_ids=${item}`);
    expect(levels.body).toEqual({ inventory_levels: [{ inventory_item_id: item, location_id: 7001, available: 4, updated_at: expect.any(String), admin_graphql_api_id: expect.any(String) }] });
    const set = await admin(shop, 'POST', `${A}/inventory_levels/set.json`, { location_id: 7001, inventory_item_id: item, available: 9 });
    expect(set.body.inventory_level).toMatchObject({ available: 9 });
    expect(shop.products.get(product.id)!.variants[0]!.inventory_quantity).toBe(9);
    expect((await admin(shop, 'GET', `${A}/inventory_levels.json`)).status).toBe(422);
    await shop.settle();
    expect(topics(receiver)).toEqual(['products/create', 'inventory_levels/update']);
    expect(receiver.hooks[1]!.json).toMatchObject({ inventory_item_id: item, location_id: 7001, available: 9 });
  });

  it('fails chosen requests on demand', async () => {
    const { shop } = await setup();
    shop.createProduct({ title: 'Mug' });
    const failure = shop.failRequests({ method: 'GET', pathIncludes: `${A}/products/1001.json`, times: 1, status: 503 });
    expect((await admin(shop, 'GET', `${A}/products/1001.json`)).status).toBe(503);
    expect((await admin(shop, 'GET', `${A}/products/1001.json`)).status).toBe(200);
    expect(failure.hits).toBe(1);
  });
});

describe('webhooks', () => {
  it('sends products/create after the API answers, with Shopify headers and the product as body', async () => {
    const { shop, receiver } = await setup();
    const created = await admin(shop, 'POST', `${A}/products.json`, { product: { title: 'Mug', variants: [{ sku: 'MUG', price: 12.5 }] } });
    await shop.settle();
    expect(receiver.hooks).toHaveLength(1);
    const hook = receiver.hooks[0]!;
    expect(hook.method).toBe('POST');
    expect(hook.path).toBe('/hooks/shop');
    expect(hook.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'products/create',
      'x-shopify-shop-domain': 'demo-shop.myshopify.com',
      'x-shopify-api-version': '2025-10',
    });
    expect(hook.headers['x-shopify-webhook-id']).toMatch(UUID);
    expect(new Date(hook.headers['x-shopify-triggered-at'] as string).toISOString()).toBe(hook.headers['x-shopify-triggered-at']);
    expect(hook.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', SECRET).update(hook.raw, 'utf8').digest('base64'));
    expect(hook.json).toEqual(created.body.product);
    expect(shop.hooksSent).toEqual([{ topic: 'products/create', id: 1001, deliveryId: hook.headers['x-shopify-webhook-id'], attempt: 1, status: 202 }]);
  });

  it('sends every topic with its body, in order, to the configured connection', async () => {
    const { shop, receiver } = await setup({ connection: 'my-shop' });
    const product = shop.createProduct({ title: 'Mug' });
    shop.updateProduct(product.id, { title: 'Big Mug' });
    shop.deleteProduct(product.id);
    const customer = shop.createCustomer({ email: 'a@example.com', addresses: [{ address1: '1 High St', city: 'Leeds' }] });
    const addressId = customer.addresses[0]!.id;
    shop.updateCustomer(customer.id, { last_name: 'Lovelace' });
    shop.updateAddress(customer.id, addressId, { zip: 'LS1' });
    shop.updateCustomer(customer.id, { state: 'disabled' });
    const order = shop.createOrder({ line_items: [{ title: 'Mug', price: 5 }] });
    shop.updateOrder(order.id, { financial_status: 'paid' });
    shop.fulfillOrder(order.id);
    await shop.settle();

    expect(topics(receiver)).toEqual([
      'products/create',
      'products/update',
      'products/delete',
      'customers/create',
      'customers/update',
      'customers/update',
      'customers/update',
      'customers/disable',
      'orders/create',
      'orders/updated',
      'orders/paid',
      'orders/fulfilled',
      'orders/updated',
    ]);
    expect(receiver.hooks.every((h) => h.path === '/hooks/my-shop')).toBe(true);
    const bodies = receiver.hooks.map((h) => h.json as Record<string, any>);
    expect(bodies[1]).toMatchObject({ id: product.id, title: 'Big Mug' });
    expect(bodies[2]).toEqual({ id: product.id });
    expect(bodies[4]).toMatchObject({ id: customer.id, last_name: 'Lovelace' });
    // An address change is the customer's update, with the address inside.
    expect(bodies[5]).toMatchObject({ id: customer.id, addresses: [{ id: addressId, zip: 'LS1' }] });
    expect(bodies[7]).toMatchObject({ id: customer.id, state: 'disabled' });
    expect(bodies[10]).toMatchObject({ id: order.id, financial_status: 'paid' });
    expect(bodies[11]).toMatchObject({ id: order.id, fulfillment_status: 'fulfilled' });
    // Each delivery has its own id; each body is the record as it was when it changed.
    expect(new Set(receiver.hooks.map((h) => h.headers['x-shopify-webhook-id'])).size).toBe(13);
    expect(bodies[0]).toMatchObject({ title: 'Mug' });
  });

  it('signs X-Shopify-Hmac-Sha256 over the raw bytes', async () => {
    const { shop, receiver } = await setup({ signingSecret: 's3cret' });
    shop.createProduct({ title: 'Ünïcode Mug' });
    await shop.settle();
    const hook = receiver.hooks[0]!;
    expect(hook.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 's3cret').update(hook.raw, 'utf8').digest('base64'));
  });

  it('retries a delivery that got 500 with the same webhook id, and keeps later hooks behind it', async () => {
    const { shop, receiver } = await setup();
    receiver.answerNext(500, 502);
    shop.createProduct({ title: 'First' });
    shop.createProduct({ title: 'Second' });
    await shop.settle();
    expect(receiver.hooks.map((h) => [(h.json as { title: string }).title, h.status])).toEqual([
      ['First', 500],
      ['First', 502],
      ['First', 202],
      ['Second', 202],
    ]);
    const ids = receiver.hooks.map((h) => h.headers['x-shopify-webhook-id']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(shop.hooksSent.map((s) => [s.id, s.attempt, s.status])).toEqual([
      [1001, 1, 500],
      [1001, 2, 502],
      [1001, 3, 202],
      [1002, 1, 202],
    ]);
  });

  it('does not retry a 4xx, and gives up after the last retry', async () => {
    const { shop, receiver } = await setup();
    receiver.answerNext(401);
    shop.createProduct({ title: 'Rejected' });
    await shop.settle();
    receiver.answerAlways(503);
    shop.createProduct({ title: 'Never arrives' });
    await shop.settle();
    expect(shop.hooksSent.map((s) => [s.id, s.attempt, s.status])).toEqual([
      [1001, 1, 401],
      [1002, 1, 503],
      [1002, 2, 503],
      [1002, 3, 503],
      [1002, 4, 503],
    ]);
  });

  it('retries network errors and settles when the hub is unreachable', async () => {
    const { receiver } = await setup();
    await receiver.close(); // a port nothing listens on any more
    const shop = await startDemoShop({ hubUrl: receiver.url, signingSecret: SECRET, accessToken: TOKEN, retryDelaysMs: [1, 1] });
    closers.push(() => shop.close());
    shop.createProduct({ title: 'Lost' });
    await shop.settle();
    expect(shop.hooksSent.map((s) => [s.attempt, s.status])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(shop.hooksSent[0]!.error).toBeTruthy();
  });

  it('holds hooks while paused and sends them in order on resume', async () => {
    const { shop, receiver } = await setup();
    shop.pauseHooks();
    shop.createProduct({ title: 'A' });
    shop.createProduct({ title: 'B' });
    // A full HTTP round trip gives an unpaused queue every chance to have sent.
    await admin(shop, 'GET', `${A}/products.json`);
    expect(receiver.hooks).toHaveLength(0);
    expect(shop.hooksSent).toHaveLength(0);
    shop.resumeHooks();
    await shop.settle();
    expect(receiver.hooks.map((h) => (h.json as { title: string }).title)).toEqual(['A', 'B']);
  });

  it('settles at once when nothing is queued, and close drops what is left', async () => {
    const { shop, receiver } = await setup();
    await shop.settle();
    shop.pauseHooks();
    shop.createProduct({ title: 'Dropped' });
    await shop.close();
    await shop.settle();
    expect(receiver.hooks).toHaveLength(0);
  });
});

describe('custom collections', () => {
  it('creates, reads, updates, lists and deletes them over REST, counting each write', async () => {
    const { shop } = await setup();
    const created = await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'Summer Sale!' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      custom_collection: {
        id: 5001,
        title: 'Summer Sale!',
        handle: 'summer-sale',
        body_html: null,
        published_at: expect.any(String),
        published_scope: 'web',
        sort_order: 'best-selling',
        template_suffix: null,
        updated_at: expect.any(String),
        admin_graphql_api_id: 'gid://shopify/Collection/5001',
      },
    });
    expect((await admin(shop, 'GET', `${A}/collections/5001.json`)).body.collection).toMatchObject({ id: 5001, title: 'Summer Sale!', collection_type: 'custom' });
    expect((await admin(shop, 'GET', `${A}/custom_collections/5001.json`)).body).toEqual(created.body);

    // Handles are unique: a clash gets a number, a given handle is made URL-safe.
    const twin = await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'Summer sale', published: false } });
    expect(twin.body.custom_collection).toMatchObject({ id: 5002, handle: 'summer-sale-1', published_at: null });
    const named = await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'Home', handle: 'Home & Garden' } });
    expect(named.body.custom_collection).toMatchObject({ id: 5003, handle: 'home-garden' });

    // A new title keeps the handle; a handle taken by another collection gets a number.
    const updated = await admin(shop, 'PUT', `${A}/custom_collections/5001.json`, { custom_collection: { title: 'Winter Sale', published: false } });
    expect(updated.body.custom_collection).toMatchObject({ id: 5001, title: 'Winter Sale', handle: 'summer-sale', published_at: null });
    const rehandled = await admin(shop, 'PUT', `${A}/custom_collections/5003.json`, { custom_collection: { handle: 'summer-sale' } });
    expect(rehandled.body.custom_collection).toMatchObject({ title: 'Home', handle: 'summer-sale-2' });

    const ids = (body: { custom_collections: Array<{ id: number }> }) => body.custom_collections.map((c) => c.id);
    expect(ids((await admin(shop, 'GET', `${A}/custom_collections.json?limit=2`)).body)).toEqual([5001, 5002]);
    expect(ids((await admin(shop, 'GET', `${A}/custom_collections.json?since_id=5002`)).body)).toEqual([5003]);
    expect((await admin(shop, 'GET', `${A}/custom_collections/count.json`)).body).toEqual({ count: 3 });

    expect(await admin(shop, 'DELETE', `${A}/custom_collections/5002.json`)).toMatchObject({ status: 200, body: {} });
    expect((await admin(shop, 'GET', `${A}/custom_collections/5002.json`)).status).toBe(404);
    expect((await admin(shop, 'DELETE', `${A}/custom_collections/5002.json`)).status).toBe(404);
    expect(shop.collections.size).toBe(2);
    expect(shop.writes.log.filter((w) => w.kind === 'custom_collections').map((w) => [w.op, w.id])).toEqual([
      ['create', 5001],
      ['create', 5002],
      ['create', 5003],
      ['update', 5001],
      ['update', 5003],
      ['delete', 5002],
    ]);
  });

  it('rejects invalid collections without using up ids', async () => {
    const { shop } = await setup();
    const blank = await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { handle: 'x' } });
    expect(blank).toMatchObject({ status: 422, body: { errors: { title: ["can't be blank"] } } });
    expect((await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'x', published: 'yes' } })).status).toBe(422);
    expect((await admin(shop, 'POST', `${A}/custom_collections.json`, { title: 'no wrapper' })).status).toBe(400);
    expect((await admin(shop, 'PUT', `${A}/custom_collections/5999.json`, { custom_collection: { title: 'x' } })).status).toBe(404);
    expect((await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'ok' } })).body.custom_collection.id).toBe(5001);
    expect(shop.writes.count('custom_collections')).toBe(1);
  });

  it('sends collections/create and /update with the collection as body and /delete with its id, for API and merchant changes alike', async () => {
    const { shop, receiver } = await setup();
    const created = (await admin(shop, 'POST', `${A}/custom_collections.json`, { custom_collection: { title: 'Kitchen' } })).body.custom_collection;
    const updated = shop.updateCollection(created.id, { title: 'Kitchen & Dining' });
    const merchant = shop.createCollection({ title: 'Garden', published: false });
    shop.deleteCollection(created.id);
    await shop.settle();

    expect(topics(receiver)).toEqual(['collections/create', 'collections/update', 'collections/create', 'collections/delete']);
    expect(receiver.hooks.map((h) => h.json)).toEqual([created, updated, merchant, { id: created.id, published_scope: 'web' }]);
    expect(merchant).toMatchObject({ id: 5002, handle: 'garden', published_at: null });
    expect(shop.hooksSent.map((h) => [h.topic, h.id])).toEqual([
      ['collections/create', 5001],
      ['collections/update', 5001],
      ['collections/create', 5002],
      ['collections/delete', 5001],
    ]);
    // Merchant changes are not API writes.
    expect(shop.writes.count('custom_collections')).toBe(1);
  });
});
