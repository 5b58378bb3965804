/**
 * Idempotent creates in the demo ERP: a repeated Idempotency-Key answers 200 with the record the
 * first request made (as it is now), creates nothing and counts no write. The demo shop, like
 * Shopify, has no such key.
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
  const started = await startDemoShop({ hubUrl: receiver.url, signingSecret: 's', accessToken: 't', retryDelaysMs: [1] });
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
  it("has no idempotency key, as Shopify's REST API has none: a repeated create makes a second record", async () => {
    const s = await shop();
    const first = await shopCall(s, 'POST', '/admin/api/2025-10/products.json', { product: { title: 'Mug' } }, 'key-1');
    const again = await shopCall(s, 'POST', '/admin/api/2025-10/products.json', { product: { title: 'Mug' } }, 'key-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect([first.body.product.id, again.body.product.id]).toEqual([1001, 1002]);
    // A hub finds the first one instead, by its handle (taken, so the second got "-1").
    expect([first.body.product.handle, again.body.product.handle]).toEqual(['mug', 'mug-1']);
    expect(s.writes.count('products', 'create')).toBe(2);
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
