/**
 * Acme ERP over real HTTP: its REST API with prefixed codes, failure injection, the category
 * change feed, and the generic notification hooks it sends to a real receiver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp, type DemoErp, type DemoErpOptions } from '../../src/demo/erp.js';
import { call, startReceiver, type Receiver } from './receiver.js';

const TOKEN = 'erp-token';
const KEY = 'erp-hook-key';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: Partial<DemoErpOptions> = {}): Promise<{ erp: DemoErp; receiver: Receiver }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: KEY, apiToken: TOKEN, retryDelaysMs: [1, 1, 1], ...options });
  closers.push(() => erp.close());
  return { erp, receiver };
}

function api(erp: DemoErp, method: string, path: string, body?: unknown) {
  return call(erp.url, method, path, { headers: { Authorization: `Bearer ${TOKEN}` }, body });
}

const notifications = (receiver: Receiver) => receiver.hooks.map((h) => (h.json as { notifications: unknown[] }).notifications);

describe('REST API', () => {
  it('answers 401 without the right bearer token', async () => {
    const { erp } = await setup();
    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: TOKEN }] as Array<Record<string, string>>) {
      const response = await call(erp.url, 'GET', '/api/items', { headers });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'unauthorized' });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('creates, reads (encoded or raw code), updates and deletes items, counting each write', async () => {
    const { erp } = await setup();
    const created = await api(erp, 'POST', '/api/items', { name: 'Mug', sku: 'MUG', price: 12.5 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ code: 'Item:1000', name: 'Mug', sku: 'MUG', price: 12.5, status: 'ACTIVE', updatedAt: expect.any(String) });
    expect((await api(erp, 'GET', '/api/items/Item%3A1000')).body).toEqual(created.body);
    expect((await api(erp, 'GET', '/api/items/Item:1000')).body).toEqual(created.body);

    const updated = await api(erp, 'PUT', `/api/items/${encodeURIComponent('Item:1000')}`, { price: 13, status: 'INACTIVE' });
    expect(updated).toMatchObject({ status: 200, body: { code: 'Item:1000', name: 'Mug', price: 13, status: 'INACTIVE' } });
    expect(await api(erp, 'DELETE', '/api/items/Item%3A1000')).toMatchObject({ status: 200, body: { code: 'Item:1000', deleted: true } });
    expect(await api(erp, 'GET', '/api/items/Item%3A1000')).toMatchObject({ status: 404, body: { error: 'Item:1000 not found' } });
    expect((await api(erp, 'GET', '/api/items/Cust%3A1000')).status).toBe(404);

    expect(erp.writes.log).toEqual([
      { kind: 'items', op: 'create', id: 'Item:1000' },
      { kind: 'items', op: 'update', id: 'Item:1000' },
      { kind: 'items', op: 'delete', id: 'Item:1000' },
    ]);
    expect((await api(erp, 'POST', '/api/items', { name: 'Next' })).body.code).toBe('Item:1001');
    expect(erp.writes.count('items', 'create')).toBe(2);
  });

  it('validates bodies and keeps customers apart from items', async () => {
    const { erp } = await setup();
    expect(await api(erp, 'POST', '/api/items', { price: 1 })).toMatchObject({ status: 422, body: { error: "name can't be blank" } });
    expect((await api(erp, 'POST', '/api/items', { name: 'x', price: -1 })).status).toBe(422);
    expect((await api(erp, 'POST', '/api/items', [])).status).toBe(400);
    const customer = await api(erp, 'POST', '/api/customers', { name: 'Ada', email: 'ada@example.com' });
    expect(customer).toMatchObject({ status: 201, body: { code: 'Cust:1000', name: 'Ada', status: 'ACTIVE' } });
    expect((await api(erp, 'PUT', '/api/customers/Cust%3A1000', { status: 'INACTIVE' })).body.status).toBe('INACTIVE');
    expect((await api(erp, 'GET', '/api/customers')).body).toEqual({ items: [expect.objectContaining({ code: 'Cust:1000' })], next: null, total: 1 });
    expect((await api(erp, 'DELETE', '/api/customers/Cust%3A1000')).status).toBe(200);
    expect(erp.writes.count('customers')).toBe(3);
    expect(erp.writes.count('items')).toBe(0);
  });

  it('pages items by code number with after and limit', async () => {
    const { erp } = await setup();
    for (let i = 0; i < 5; i++) erp.createItem({ name: `Item ${i}` });
    const first = await api(erp, 'GET', '/api/items?limit=2');
    expect(first.body.items.map((i: { code: string }) => i.code)).toEqual(['Item:1000', 'Item:1001']);
    expect(first.body.next).toBe('Item:1001');
    const second = await api(erp, 'GET', `/api/items?limit=2&after=${encodeURIComponent(first.body.next)}`);
    expect(second.body.items.map((i: { code: string }) => i.code)).toEqual(['Item:1002', 'Item:1003']);
    const last = await api(erp, 'GET', '/api/items?limit=2&after=1003');
    expect(last.body).toEqual({ items: [expect.objectContaining({ code: 'Item:1004' })], next: null, total: 5 });
  });

  it('pages customers and categories the same way, with the total of all records', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { erp } = await setup({ now: () => now });
    for (let i = 0; i < 3; i++) erp.createCustomer({ name: `Customer ${i}` });
    for (const name of ['Apparel', 'Home', 'Garden']) {
      erp.upsertCategory({ name });
      now -= 1000; // later codes changed earlier: a list orders by code, not by change
    }
    const codes = (body: { items: Array<{ code: string }> }) => body.items.map((i) => i.code);

    const customers = await api(erp, 'GET', '/api/customers?limit=2');
    expect(customers.body).toMatchObject({ next: 'Cust:1001', total: 3 });
    expect(codes(customers.body)).toEqual(['Cust:1000', 'Cust:1001']);
    expect((await api(erp, 'GET', '/api/customers?limit=2&after=Cust%3A1001')).body).toEqual({
      items: [expect.objectContaining({ code: 'Cust:1002' })],
      next: null,
      total: 3,
    });

    const categories = await api(erp, 'GET', '/api/categories?limit=2');
    expect(categories.body).toMatchObject({ next: 'Cat:1001', total: 3 });
    expect(codes(categories.body)).toEqual(['Cat:1000', 'Cat:1001']);
    const rest = await api(erp, 'GET', '/api/categories?limit=2&after=Cat%3A1001');
    expect(rest.body).toEqual({ items: [{ code: 'Cat:1002', name: 'Garden', updatedAt: expect.any(String) }], next: null, total: 3 });
    // With changedSince it is the change feed again, ordered by updatedAt.
    expect(codes((await api(erp, 'GET', '/api/categories?changedSince=0')).body)).toEqual(['Cat:1002', 'Cat:1001', 'Cat:1000']);
    expect((await api(erp, 'GET', '/api/categories?limit=0')).status).toBe(400);
  });

  it('fails chosen requests n times, until cleared, or by predicate', async () => {
    const { erp } = await setup();
    for (let i = 0; i < 4; i++) erp.createItem({ name: `Item ${i}` });
    const twice = erp.failRequests({ method: 'GET', pathIncludes: 'Item:1003', times: 2 });
    expect(await api(erp, 'GET', '/api/items/Item%3A1003')).toMatchObject({ status: 500, body: { error: 'injected failure' } });
    expect((await api(erp, 'GET', '/api/items/Item:1003')).status).toBe(500);
    expect((await api(erp, 'GET', '/api/items/Item%3A1003')).status).toBe(200);
    expect((await api(erp, 'GET', '/api/items/Item%3A1002')).status).toBe(200);
    expect(twice.hits).toBe(2);

    erp.failRequests({ pathIncludes: 'Item:1002', status: 404, body: { error: 'Item:1002 not found' } });
    erp.failRequests(({ method }) => method === 'PUT');
    for (let i = 0; i < 3; i++) expect((await api(erp, 'GET', '/api/items/Item%3A1002')).status).toBe(404);
    expect((await api(erp, 'PUT', '/api/items/Item%3A1001', { name: 'x' })).status).toBe(500);
    expect(erp.items.get('Item:1001')!.name).toBe('Item 1');
    // Failures come after authentication.
    expect((await call(erp.url, 'GET', '/api/items/Item%3A1002')).status).toBe(401);
    erp.clearFailures();
    expect((await api(erp, 'GET', '/api/items/Item%3A1002')).status).toBe(200);
    expect((await api(erp, 'PUT', '/api/items/Item%3A1001', { name: 'x' })).status).toBe(200);
  });

  it('gives new records the current prefixes and keeps existing codes', async () => {
    const { erp } = await setup({ prefixes: { item: 'Art' } });
    expect(erp.createItem({ name: 'a' }).code).toBe('Art:1000');
    expect(erp.createCustomer({ name: 'c' }).code).toBe('Cust:1000');
    expect(erp.setPrefixes({ item: 'Article', customer: 'Kunde' })).toEqual({ item: 'Article', customer: 'Kunde', category: 'Cat' });
    expect((await api(erp, 'POST', '/api/items', { name: 'b' })).body.code).toBe('Article:1001');
    expect(erp.createCustomer({ name: 'd' }).code).toBe('Kunde:1001');
    expect((await api(erp, 'GET', '/api/items/Art%3A1000')).status).toBe(200);
    expect((await api(erp, 'GET', '/api/items')).body.items.map((i: { code: string }) => i.code)).toEqual(['Art:1000', 'Article:1001']);
    expect(() => erp.setPrefixes({ item: 'Bad:Prefix' })).toThrow(/plain word/);
  });

  it('feeds category changes by (updatedAt, code), paging through changes in the same millisecond', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { erp, receiver } = await setup({ now: () => now });
    for (const name of ['Apparel', 'Home', 'Garden']) erp.upsertCategory({ name }); // all at t0
    now += 1000;
    erp.upsertCategory({ code: 'Cat:1000', name: 'Clothing' }); // Cat:1000 moves to t0+1s
    const t0 = Date.UTC(2026, 0, 1);

    const page1 = await api(erp, 'GET', `/api/categories?changedSince=${t0}&limit=2`);
    expect(page1.body.items.map((c: { code: string }) => c.code)).toEqual(['Cat:1001', 'Cat:1002']);
    expect(page1.body.next).toEqual({ changedSince: t0, after: 'Cat:1002' });
    const page2 = await api(erp, 'GET', `/api/categories?changedSince=${t0}&after=Cat%3A1002&limit=2`);
    expect(page2.body).toEqual({ items: [{ code: 'Cat:1000', name: 'Clothing', updatedAt: new Date(t0 + 1000).toISOString() }], next: null });
    expect((await api(erp, 'GET', `/api/categories?changedSince=${t0 + 1}`)).body.items).toHaveLength(1);
    expect((await api(erp, 'GET', '/api/categories/Cat%3A1001')).body.name).toBe('Home');
    expect(() => erp.upsertCategory({ code: 'Cat:9', name: 'x' })).toThrow(/not found/);
    await erp.settle();
    expect(receiver.hooks).toHaveLength(0); // categories have no webhook
  });
});

describe('webhooks', () => {
  it('sends one notification per change, after the API answers, with Acme headers', async () => {
    const { erp, receiver } = await setup();
    await api(erp, 'POST', '/api/items', { name: 'Mug' });
    await api(erp, 'PUT', '/api/items/Item%3A1000', { price: 3 });
    erp.createCustomer({ name: 'Ada' });
    erp.deleteItem('Item:1000');
    erp.deleteCustomer('Cust:1000');
    await erp.settle();

    const hook = receiver.hooks[0]!;
    expect(hook.method).toBe('POST');
    expect(hook.path).toBe('/hooks/erp');
    expect(hook.headers).toMatchObject({ 'content-type': 'application/json', authorization: `Bearer ${KEY}` });
    expect(hook.headers['x-acme-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook.raw).toBe('{"notifications":[{"event":"item.changed","id":"Item:1000"}]}');
    expect(notifications(receiver)).toEqual([
      [{ event: 'item.changed', id: 'Item:1000' }],
      [{ event: 'item.changed', id: 'Item:1000' }],
      [{ event: 'customer.changed', id: 'Cust:1000' }],
      [{ event: 'item.deleted', id: 'Item:1000' }],
      [{ event: 'customer.deleted', id: 'Cust:1000' }],
    ]);
    expect(erp.hooksSent.map((s) => s.status)).toEqual([202, 202, 202, 202, 202]);
  });

  it('lists several ids in one hook for touchMany, and sends raw notifications as given', async () => {
    const { erp, receiver } = await setup({ connection: 'acme' });
    const a = erp.createItem({ name: 'a' });
    const b = erp.createItem({ name: 'b' });
    const c = erp.createCustomer({ name: 'c' });
    await erp.settle();
    const before = receiver.hooks.length;
    erp.touchMany([a.code, c.code, b.code]);
    erp.sendNotifications([{ event: 'record.changed', id: 'Thing:1' }]);
    expect(() => erp.touchMany(['Item:999'])).toThrow(/not found/);
    await erp.settle();
    expect(receiver.hooks.slice(before).map((h) => h.json)).toEqual([
      {
        notifications: [
          { event: 'item.changed', id: 'Item:1000' },
          { event: 'customer.changed', id: 'Cust:1000' },
          { event: 'item.changed', id: 'Item:1001' },
        ],
      },
      { notifications: [{ event: 'record.changed', id: 'Thing:1' }] },
    ]);
    expect(receiver.hooks.every((h) => h.path === '/hooks/acme')).toBe(true);
  });

  it('retries 500 with the same delivery id, in order, and never retries 4xx', async () => {
    const { erp, receiver } = await setup();
    receiver.answerNext(500, 202, 404); // 202 answers the retry
    erp.createItem({ name: 'retried' });
    erp.createItem({ name: 'rejected' });
    erp.createItem({ name: 'plain' });
    await erp.settle();
    expect(receiver.hooks.map((h) => [(h.json as { notifications: Array<{ id: string }> }).notifications[0]!.id, h.status])).toEqual([
      ['Item:1000', 500],
      ['Item:1000', 202],
      ['Item:1001', 404],
      ['Item:1002', 202],
    ]);
    expect(receiver.hooks[0]!.headers['x-acme-delivery']).toBe(receiver.hooks[1]!.headers['x-acme-delivery']);
    expect(erp.hooksSent.map((s) => s.attempt)).toEqual([1, 2, 1, 1]);
  });

  it('holds hooks while paused', async () => {
    const { erp, receiver } = await setup();
    erp.pauseHooks();
    erp.createItem({ name: 'a' });
    await api(erp, 'GET', '/api/items');
    expect(receiver.hooks).toHaveLength(0);
    erp.resumeHooks();
    await erp.settle();
    expect(notifications(receiver)).toEqual([[{ event: 'item.changed', id: 'Item:1000' }]]);
  });
});
