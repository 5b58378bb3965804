/**
 * The demo shop over real HTTP: its Admin-style REST API and the webhooks it sends to a real
 * receiver standing in for the hub.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoShop, type DemoShop, type DemoShopOptions } from '../../src/demo/shop.js';
import { call, startReceiver, type Receiver } from './receiver.js';

const TOKEN = 'shop-token';
const KEY = 'shop-hook-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: Partial<DemoShopOptions> = {}): Promise<{ shop: DemoShop; receiver: Receiver }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const shop = await startDemoShop({ hubUrl: receiver.url, webhookKey: KEY, accessToken: TOKEN, retryDelaysMs: [1, 1, 1], ...options });
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
      const response = await call(shop.url, 'GET', '/admin/products/1001', { headers });
      expect(response.status).toBe(401);
      expect(response.body.errors).toMatch(/Invalid API key or access token/);
    }
  });

  it('creates, reads, updates and deletes products, counting each write', async () => {
    const { shop } = await setup();
    const created = await admin(shop, 'POST', '/admin/products', {
      product: { title: 'Linen Shirt', vendor: 'Northwind', tags: 'summer', variants: [{ sku: 'SHIRT', price: 49, inventory_quantity: 3 }] },
    });
    expect(created.status).toBe(201);
    const product = created.body.product;
    expect(product).toMatchObject({ id: 1001, title: 'Linen Shirt', vendor: 'Northwind', status: 'active', tags: 'summer', body_html: '' });
    expect(product.variants).toEqual([{ id: expect.any(Number), sku: 'SHIRT', price: '49.00', inventory_quantity: 3 }]);
    expect(product.created_at).toBe(product.updated_at);

    expect((await admin(shop, 'GET', '/admin/products/1001')).body).toEqual({ product });

    const updated = await admin(shop, 'PUT', '/admin/products/1001', {
      product: { title: 'Linen Shirt II', variants: [{ id: product.variants[0].id, price: '52.5' }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.product).toMatchObject({ id: 1001, title: 'Linen Shirt II', vendor: 'Northwind' });
    expect(updated.body.product.variants).toEqual([{ ...product.variants[0], price: '52.50' }]);

    expect(await admin(shop, 'DELETE', '/admin/products/1001')).toMatchObject({ status: 200, body: {} });
    expect((await admin(shop, 'GET', '/admin/products/1001')).status).toBe(404);
    expect(shop.products.size).toBe(0);

    expect(shop.writes.count('products')).toBe(3);
    expect(shop.writes.count('products', 'create', 1001)).toBe(1);
    expect(shop.writes.log.map((w) => w.op)).toEqual(['create', 'update', 'delete']);
    expect((await admin(shop, 'POST', '/admin/products', { product: { title: 'Second' } })).body.product.id).toBe(1002);
  });

  it('rejects invalid bodies the way Shopify does, without using up ids', async () => {
    const { shop } = await setup();
    const blank = await admin(shop, 'POST', '/admin/products', { product: { vendor: 'x' } });
    expect(blank).toMatchObject({ status: 422, body: { errors: { title: ["can't be blank"] } } });
    const unwrapped = await admin(shop, 'POST', '/admin/products', { title: 'no wrapper' });
    expect(unwrapped).toMatchObject({ status: 400, body: { errors: { product: [expect.any(String)] } } });
    const status = await admin(shop, 'POST', '/admin/products', { product: { title: 'x', status: 'gone' } });
    expect(status.status).toBe(422);
    expect((await admin(shop, 'PUT', '/admin/products/9999', { product: { title: 'x' } })).status).toBe(404);
    expect((await admin(shop, 'GET', '/admin/products/abc')).status).toBe(404);
    expect((await admin(shop, 'POST', '/admin/products', '{not json')).status).toBe(400);
    expect((await admin(shop, 'POST', '/admin/products', { product: { title: 'ok' } })).body.product.id).toBe(1001);
    expect(shop.writes.count('products')).toBe(1);
  });

  it('pages products by since_id and limit (default 50, at most 250)', async () => {
    const { shop } = await setup();
    for (let i = 1; i <= 60; i++) shop.createProduct({ title: `Product ${i}` });
    const ids = (body: { products: Array<{ id: number }> }) => body.products.map((p) => p.id);
    expect(ids((await admin(shop, 'GET', '/admin/products?limit=2')).body)).toEqual([1001, 1002]);
    expect(ids((await admin(shop, 'GET', '/admin/products?since_id=1002&limit=3')).body)).toEqual([1003, 1004, 1005]);
    expect(ids((await admin(shop, 'GET', '/admin/products')).body)).toHaveLength(50);
    expect(ids((await admin(shop, 'GET', '/admin/products?limit=1000')).body)).toHaveLength(60);
    expect(ids((await admin(shop, 'GET', '/admin/products?since_id=1060')).body)).toEqual([]);
    expect((await admin(shop, 'GET', '/admin/products?limit=0')).status).toBe(400);
  });

  it('manages customers, their addresses and orders with messages', async () => {
    const { shop } = await setup();
    const customer = (
      await admin(shop, 'POST', '/admin/customers', {
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
    expect(customer).toMatchObject({ email: 'ada@example.com', first_name: 'Ada', last_name: '', state: 'enabled' });
    expect(customer.addresses.map((a: { default: boolean }) => a.default)).toEqual([false, true]);
    expect(customer.addresses.every((a: { customer_id: number }) => a.customer_id === customer.id)).toBe(true);
    expect((await admin(shop, 'POST', '/admin/customers', { customer: { email: 'ADA@example.com' } })).status).toBe(422);

    const addressId = customer.addresses[0].id;
    const address = await admin(shop, 'PUT', `/admin/customers/${customer.id}/addresses/${addressId}`, { address: { city: 'Leeds', default: true } });
    expect(address.body.customer_address).toMatchObject({ id: addressId, customer_id: customer.id, city: 'Leeds', default: true });
    expect(shop.customers.get(customer.id)!.addresses.map((a) => a.default)).toEqual([true, false]);
    expect((await admin(shop, 'PUT', `/admin/customers/${customer.id}`, { customer: { state: 'disabled' } })).body.customer.state).toBe('disabled');
    expect((await admin(shop, 'GET', '/admin/customers')).body.customers).toHaveLength(1);

    const order = (
      await admin(shop, 'POST', '/admin/orders', {
        order: { customer_id: customer.id, line_items: [{ sku: 'MUG', title: 'Mug', quantity: 3, price: '12.50' }] },
      })
    ).body.order;
    expect(order).toMatchObject({ name: '#1001', email: 'ada@example.com', financial_status: 'pending', total_price: '37.50', note: '', messages: [] });
    const paid = await admin(shop, 'PUT', `/admin/orders/${order.id}`, { order: { financial_status: 'paid', note: 'gift' } });
    expect(paid.body.order).toMatchObject({ financial_status: 'paid', note: 'gift', total_price: '37.50' });
    const messaged = await admin(shop, 'POST', `/admin/orders/${order.id}/messages`, { message: { text: 'Packed' } });
    expect(messaged.status).toBe(201);
    expect(messaged.body.order.messages).toEqual([{ text: 'Packed', created_at: expect.any(String) }]);
    expect((await admin(shop, 'GET', `/admin/orders/${order.id}`)).body.order.messages).toHaveLength(1);
    expect((await admin(shop, 'POST', '/admin/orders', { order: { customer_id: 1 } })).status).toBe(422);
    expect(shop.writes.count('customer_addresses', 'update', addressId)).toBe(1);
    expect(shop.writes.count('order_messages', 'create', order.id)).toBe(1);
  });

  it('pages customers by since_id and limit, and counts products, customers and orders', async () => {
    const { shop } = await setup();
    for (let i = 1; i <= 5; i++) shop.createCustomer({ email: `c${i}@example.com` });
    shop.createProduct({ title: 'Mug' });
    const ids = (body: { customers: Array<{ id: number }> }) => body.customers.map((c) => c.id);
    expect(ids((await admin(shop, 'GET', '/admin/customers?limit=2')).body)).toEqual([2001, 2002]);
    expect(ids((await admin(shop, 'GET', '/admin/customers?since_id=2002&limit=2')).body)).toEqual([2003, 2004]);
    expect(ids((await admin(shop, 'GET', '/admin/customers?since_id=2004&limit=2')).body)).toEqual([2005]);
    expect((await admin(shop, 'GET', '/admin/customers/count')).body).toEqual({ count: 5 });
    expect((await admin(shop, 'GET', '/admin/products/count')).body).toEqual({ count: 1 });
    expect((await admin(shop, 'GET', '/admin/orders/count')).body).toEqual({ count: 0 });
    expect((await admin(shop, 'GET', '/admin/customers?since_id=x')).status).toBe(400);
  });

  it('fails chosen requests on demand', async () => {
    const { shop } = await setup();
    shop.createProduct({ title: 'Mug' });
    const failure = shop.failRequests({ method: 'GET', pathIncludes: '/admin/products/1001', times: 1, status: 503 });
    expect((await admin(shop, 'GET', '/admin/products/1001')).status).toBe(503);
    expect((await admin(shop, 'GET', '/admin/products/1001')).status).toBe(200);
    expect(failure.hits).toBe(1);
  });
});

describe('webhooks', () => {
  it('sends products/create after the API answers, with Shopify headers and the product as body', async () => {
    const { shop, receiver } = await setup();
    const created = await admin(shop, 'POST', '/admin/products', { product: { title: 'Mug', variants: [{ sku: 'MUG', price: 12.5 }] } });
    await shop.settle();
    expect(receiver.hooks).toHaveLength(1);
    const hook = receiver.hooks[0]!;
    expect(hook.method).toBe('POST');
    expect(hook.path).toBe('/hooks/shop');
    expect(hook.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'products/create',
      'x-shopify-shop-domain': 'demo-shop.local',
      'x-shop-webhook-key': KEY,
    });
    expect(hook.headers['x-shopify-webhook-id']).toMatch(UUID);
    expect(new Date(hook.headers['x-shopify-triggered-at'] as string).toISOString()).toBe(hook.headers['x-shopify-triggered-at']);
    expect(hook.headers['x-shopify-hmac-sha256']).toBeUndefined();
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
    shop.useAddress(customer.id, addressId);
    const order = shop.createOrder({ customer_id: customer.id, line_items: [{ title: 'Mug', price: 5 }] });
    shop.updateOrder(order.id, { financial_status: 'paid' });
    shop.addOrderMessage(order.id, 'Packed');
    await shop.settle();

    expect(topics(receiver)).toEqual([
      'products/create',
      'products/update',
      'products/delete',
      'customers/create',
      'customers/update',
      'customer_addresses/update',
      'customer_addresses/update',
      'orders/create',
      'orders/updated',
      'orders/message_added',
    ]);
    expect(receiver.hooks.every((h) => h.path === '/hooks/my-shop')).toBe(true);
    const bodies = receiver.hooks.map((h) => h.json as Record<string, any>);
    expect(bodies[1]).toMatchObject({ id: product.id, title: 'Big Mug' });
    expect(bodies[2]).toEqual({ id: product.id });
    expect(bodies[4]).toMatchObject({ id: customer.id, last_name: 'Lovelace' });
    expect(bodies[5]).toEqual({ ...customer.addresses[0], zip: 'LS1' });
    expect(bodies[6]).toEqual(bodies[5]);
    expect(bodies[8]).toMatchObject({ id: order.id, financial_status: 'paid' });
    expect(bodies[9]).toMatchObject({ id: order.id, messages: [{ text: 'Packed' }] });
    // Each delivery has its own id; each body is the record as it was when it changed.
    expect(new Set(receiver.hooks.map((h) => h.headers['x-shopify-webhook-id'])).size).toBe(10);
    expect(bodies[0]).toMatchObject({ title: 'Mug' });
  });

  it('adds X-Shopify-Hmac-Sha256 over the raw body when given a signing secret', async () => {
    const { shop, receiver } = await setup({ signingSecret: 's3cret' });
    shop.createProduct({ title: 'Ünïcode Mug' });
    await shop.settle();
    const hook = receiver.hooks[0]!;
    expect(hook.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 's3cret').update(hook.raw, 'utf8').digest('base64'));
    expect(hook.headers['x-shop-webhook-key']).toBe(KEY);
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
    const shop = await startDemoShop({ hubUrl: receiver.url, webhookKey: KEY, accessToken: TOKEN, retryDelaysMs: [1, 1] });
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
    await admin(shop, 'GET', '/admin/products');
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
    const created = await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Summer Sale!' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      custom_collection: { id: 5001, title: 'Summer Sale!', handle: 'summer-sale', published: true, updated_at: expect.any(String) },
    });
    expect((await admin(shop, 'GET', '/admin/custom_collections/5001')).body).toEqual(created.body);

    // Handles are unique: a clash gets a number, a given handle is made URL-safe.
    const twin = await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Summer sale', published: false } });
    expect(twin.body.custom_collection).toMatchObject({ id: 5002, handle: 'summer-sale-1', published: false });
    const named = await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Home', handle: 'Home & Garden' } });
    expect(named.body.custom_collection).toMatchObject({ id: 5003, handle: 'home-garden' });

    // A new title keeps the handle; a handle taken by another collection gets a number.
    const updated = await admin(shop, 'PUT', '/admin/custom_collections/5001', { custom_collection: { title: 'Winter Sale', published: false } });
    expect(updated.body.custom_collection).toMatchObject({ id: 5001, title: 'Winter Sale', handle: 'summer-sale', published: false });
    const rehandled = await admin(shop, 'PUT', '/admin/custom_collections/5003', { custom_collection: { handle: 'summer-sale' } });
    expect(rehandled.body.custom_collection).toMatchObject({ title: 'Home', handle: 'summer-sale-2' });

    const ids = (body: { custom_collections: Array<{ id: number }> }) => body.custom_collections.map((c) => c.id);
    expect(ids((await admin(shop, 'GET', '/admin/custom_collections?limit=2')).body)).toEqual([5001, 5002]);
    expect(ids((await admin(shop, 'GET', '/admin/custom_collections?since_id=5002')).body)).toEqual([5003]);
    expect((await admin(shop, 'GET', '/admin/custom_collections/count')).body).toEqual({ count: 3 });

    expect(await admin(shop, 'DELETE', '/admin/custom_collections/5002')).toMatchObject({ status: 200, body: {} });
    expect((await admin(shop, 'GET', '/admin/custom_collections/5002')).status).toBe(404);
    expect((await admin(shop, 'DELETE', '/admin/custom_collections/5002')).status).toBe(404);
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
    const blank = await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { handle: 'x' } });
    expect(blank).toMatchObject({ status: 422, body: { errors: { title: ["can't be blank"] } } });
    expect((await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'x', published: 'yes' } })).status).toBe(422);
    expect((await admin(shop, 'POST', '/admin/custom_collections', { title: 'no wrapper' })).status).toBe(400);
    expect((await admin(shop, 'PUT', '/admin/custom_collections/5999', { custom_collection: { title: 'x' } })).status).toBe(404);
    expect((await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'ok' } })).body.custom_collection.id).toBe(5001);
    expect(shop.writes.count('custom_collections')).toBe(1);
  });

  it('sends collections/create, /update and /delete with the collection as body, for API and merchant changes alike', async () => {
    const { shop, receiver } = await setup();
    const created = (await admin(shop, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Kitchen' } })).body.custom_collection;
    const updated = shop.updateCollection(created.id, { title: 'Kitchen & Dining' });
    const merchant = shop.createCollection({ title: 'Garden', published: false });
    shop.deleteCollection(created.id);
    await shop.settle();

    expect(topics(receiver)).toEqual(['collections/create', 'collections/update', 'collections/create', 'collections/delete']);
    expect(receiver.hooks.map((h) => h.json)).toEqual([created, updated, merchant, updated]);
    expect(merchant).toMatchObject({ id: 5002, handle: 'garden', published: false });
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
