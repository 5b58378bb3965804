/**
 * Idempotent creates in both demo systems: a repeated Idempotency-Key answers 200 with the record
 * the first request made (as it is now), creates nothing and counts no write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp, type DemoErp } from '../../src/demo/erp.js';
import { startDemoShop, type DemoShop } from '../../src/demo/shop.js';
import { call, startReceiver } from './receiver.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function shop(): Promise<DemoShop> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const started = await startDemoShop({ hubUrl: receiver.url, webhookKey: 'k', accessToken: 't', retryDelaysMs: [1] });
  closers.push(() => started.close());
  return started;
}

async function erp(): Promise<DemoErp> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const started = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'k', apiToken: 't', retryDelaysMs: [1] });
  closers.push(() => started.close());
  return started;
}

const shopCall = (s: DemoShop, method: string, path: string, body?: unknown, key?: string) =>
  call(s.url, method, path, { headers: { 'X-Shopify-Access-Token': 't', ...(key ? { 'Idempotency-Key': key } : {}) }, body });
const erpCall = (e: DemoErp, method: string, path: string, body?: unknown, key?: string) =>
  call(e.url, method, path, { headers: { Authorization: 'Bearer t', ...(key ? { 'Idempotency-Key': key } : {}) }, body });

describe('shop', () => {
  it('creates a product once per key and answers a repeat with its current state', async () => {
    const s = await shop();
    const first = await shopCall(s, 'POST', '/admin/products', { product: { title: 'Mug' } }, 'key-1');
    expect(first.status).toBe(201);
    await shopCall(s, 'PUT', '/admin/products/1001', { product: { title: 'Big Mug' } });

    // A different body does not matter: the key alone decides.
    const again = await shopCall(s, 'POST', '/admin/products', { product: { title: 'Other' } }, 'key-1');
    expect(again.status).toBe(200);
    expect(again.body.product).toMatchObject({ id: 1001, title: 'Big Mug' });
    expect(s.products.size).toBe(1);
    expect(s.writes.count('products', 'create')).toBe(1);
    await s.settle();
    expect(s.hooksSent.map((h) => h.topic)).toEqual(['products/create', 'products/update']);

    expect((await shopCall(s, 'POST', '/admin/products', { product: { title: 'Two' } }, 'key-2')).body.product.id).toBe(1002);
    expect((await shopCall(s, 'POST', '/admin/products', { product: { title: 'Three' } })).body.product.id).toBe(1003);
    expect((await shopCall(s, 'POST', '/admin/products', { product: { title: 'Four' } })).body.product.id).toBe(1004);
    expect(s.writes.count('products', 'create')).toBe(4);
  });

  it('keeps keys per resource kind, frees a key whose create was refused, and refuses a key of a deleted record', async () => {
    const s = await shop();
    expect((await shopCall(s, 'POST', '/admin/products', { product: { title: 'Mug' } }, 'same')).status).toBe(201);
    const customer = await shopCall(s, 'POST', '/admin/customers', { customer: { email: 'a@example.com' } }, 'same');
    expect(customer).toMatchObject({ status: 201, body: { customer: { id: 2001 } } });
    const repeat = await shopCall(s, 'POST', '/admin/customers', { customer: { email: 'b@example.com' } }, 'same');
    expect(repeat).toMatchObject({ status: 200, body: { customer: { id: 2001, email: 'a@example.com' } } });
    expect(s.writes.count('customers', 'create')).toBe(1);

    expect((await shopCall(s, 'POST', '/admin/customers', { customer: {} }, 'fix-me')).status).toBe(422);
    expect((await shopCall(s, 'POST', '/admin/customers', { customer: { email: 'c@example.com' } }, 'fix-me')).status).toBe(201);

    await shopCall(s, 'DELETE', '/admin/products/1001');
    const gone = await shopCall(s, 'POST', '/admin/products', { product: { title: 'Mug' } }, 'same');
    expect(gone).toMatchObject({ status: 422, body: { errors: { 'Idempotency-Key': [expect.stringMatching(/deleted/)] } } });
    expect(s.products.size).toBe(0);
  });
});

describe('shop custom collections', () => {
  it('creates a collection once per key, answering a repeat with its current state', async () => {
    const s = await shop();
    const first = await shopCall(s, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Kitchen' } }, 'coll-1');
    expect(first).toMatchObject({ status: 201, body: { custom_collection: { id: 5001, title: 'Kitchen' } } });
    await shopCall(s, 'PUT', '/admin/custom_collections/5001', { custom_collection: { title: 'Kitchen & Dining' } });
    const again = await shopCall(s, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Other' } }, 'coll-1');
    expect(again).toMatchObject({ status: 200, body: { custom_collection: { id: 5001, title: 'Kitchen & Dining' } } });
    expect(s.collections.size).toBe(1);
    expect(s.writes.count('custom_collections', 'create')).toBe(1);
    await s.settle();
    expect(s.hooksSent.map((h) => h.topic)).toEqual(['collections/create', 'collections/update']);

    // Keys are per kind: the same key still creates a product.
    expect((await shopCall(s, 'POST', '/admin/products', { product: { title: 'Mug' } }, 'coll-1')).status).toBe(201);
    expect((await shopCall(s, 'POST', '/admin/custom_collections', { custom_collection: { title: 'Two' } }, 'coll-2')).body.custom_collection.id).toBe(5002);
  });
});

describe('ERP', () => {
  it('creates items and customers once per key, answering repeats with the current record', async () => {
    const e = await erp();
    expect((await erpCall(e, 'POST', '/api/items', { name: 'Mug', price: 2 }, 'k1')).status).toBe(201);
    await erpCall(e, 'PUT', '/api/items/Item%3A1000', { price: 3 });
    const again = await erpCall(e, 'POST', '/api/items', { name: 'Mug', price: 2 }, 'k1');
    expect(again).toMatchObject({ status: 200, body: { code: 'Item:1000', price: 3 } });
    expect(e.items.size).toBe(1);
    expect(e.writes.count('items', 'create')).toBe(1);

    expect((await erpCall(e, 'POST', '/api/customers', { name: 'Ada' }, 'k1')).body.code).toBe('Cust:1000');
    expect((await erpCall(e, 'POST', '/api/customers', { name: 'Ada' }, 'k1')).status).toBe(200);
    expect((await erpCall(e, 'POST', '/api/customers', { name: 'Ada' })).body.code).toBe('Cust:1001');
    expect(e.writes.count('customers', 'create')).toBe(2);
    await e.settle();
    expect(e.hooksSent.flatMap((h) => h.notifications.map((n) => n.id))).toEqual(['Item:1000', 'Item:1000', 'Cust:1000', 'Cust:1001']);

    await erpCall(e, 'DELETE', '/api/items/Item%3A1000');
    expect(await erpCall(e, 'POST', '/api/items', { name: 'Mug' }, 'k1')).toMatchObject({ status: 422, body: { error: expect.stringMatching(/deleted/) } });
  });
});
