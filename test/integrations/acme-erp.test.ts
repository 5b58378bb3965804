/**
 * The acme-erp integration against the real demo ERP: reads by prefixed code, idempotent
 * creates, updates, deletes, failure classification, the prerequisites that route a generic
 * message to its real type by the connection's prefix presets, polling the category change feed
 * and listing every record for initialization.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp, type DemoErp, type DemoErpOptions } from '../../src/demo/erp.js';
import { acmeErp } from '../../src/integrations/acme-erp/index.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import type { DataType } from '../../src/domain/types.js';
import type { IntegrationContext, ListPage, PollPage, TransferInfo } from '../../src/integrations/types.js';
import { startReceiver, type Receiver } from '../demo/receiver.js';
import { deadUrl, methodsOf, prerequisiteContext, rejection, writeContext } from './context.js';

const TOKEN = 'erp-token';
const integration = methodsOf(acmeErp);
const prerequisites = acmeErp.handlePrerequisites!;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: Partial<DemoErpOptions> = {}): Promise<{ erp: DemoErp; receiver: Receiver; settings: Record<string, unknown> }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'hook-key', apiToken: TOKEN, retryDelaysMs: [1], ...options });
  closers.push(() => erp.close());
  return { erp, receiver, settings: { baseUrl: erp.url, apiToken: TOKEN } };
}

/** A to_hub request as the engine would hand it over. */
function request(scope: TransferInfo['scope'], externalId: string | null): TransferInfo {
  const [type, action] = scope.split('/') as [TransferInfo['type'], TransferInfo['action']];
  return {
    id: 1,
    trackingId: 't-1',
    connection: 'erp',
    type,
    action,
    scope,
    direction: 'to_hub',
    externalId,
    requestType: 'standard',
    parentId: null,
  };
}

describe('declaration', () => {
  it('is built in, reads Acme hooks, and maps every hook name to one scope only', () => {
    expect(BUILTIN_INTEGRATIONS.get('acme-erp')).toBe(acmeErp);
    expect(acmeErp.receiver).toEqual({
      multiple: 'notifications',
      hook: { from: 'body', path: 'event' },
      externalId: { from: 'body', path: 'id' },
      auth: { from: 'header', name: 'authorization', prefix: 'Bearer ' },
    });
    const hooks = acmeErp.scopes.flatMap((s) => s.hooks);
    expect(new Set(hooks).size).toBe(hooks.length);
    expect(acmeErp.scopes.find((s) => s.scope === 'product/updated')).toMatchObject({ hooks: [] });
    expect(acmeErp.scopes.find((s) => s.scope === 'product_category/poll')).toEqual({
      scope: 'product_category/poll',
      hooks: ['category.poll'],
      description: 'Acme categories, polled (Acme sends no hook for them)',
    });
    // The polled codes flow through these.
    expect(acmeErp.scopes.filter((s) => s.scope.startsWith('product_category/')).map((s) => s.scope).sort()).toEqual([
      'product_category/created',
      'product_category/poll',
      'product_category/updated',
    ]);
    expect(typeof acmeErp.poll).toBe('function');
    expect(typeof acmeErp.list).toBe('function');
    expect(acmeErp.presets.map((p) => [p.name, p.type, p.default])).toEqual([
      ['productPrefix', 'product', 'Item'],
      ['customerPrefix', 'customer', 'Cust'],
      ['categoryPrefix', 'product_category', 'Cat'],
    ]);
  });
});

describe('get', () => {
  it('reads items, customers and categories by code, and null for a missing one', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    const item = erp.createItem({ name: 'Mug', sku: 'MUG', price: 12.5 });
    const customer = erp.createCustomer({ name: 'Ada', email: 'ada@example.com' });
    const category = erp.upsertCategory({ name: 'Kitchen' });

    expect(await integration.get('product', 'Item:1000', ctx)).toEqual(item);
    expect(await integration.get('customer', 'Cust:1000', ctx)).toEqual(customer);
    expect(await integration.get('product_category', 'Cat:1000', ctx)).toEqual(category);
    expect(await integration.get('product', 'Item:9999', ctx)).toBeNull();
    expect(await integration.get('product', 'Cust:1000', ctx)).toBeNull();
    // An id with characters that mean something in a URL is still one path segment.
    expect(await integration.get('product', 'Item:1000/../x?y#z', ctx)).toBeNull();
  });

  it('refuses messages and types it does not know, and empty codes', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    const message = await rejection(integration.get('message', 'Item:1000', ctx));
    expect(message).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    expect(message.message).toMatch(/prerequisites/);
    expect(await rejection(integration.get('transaction', '1', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect(await rejection(integration.get('product', '', ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false });
  });
});

describe('writes', () => {
  it('creates an item and a customer from records in Acme field names, which then read back', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings, { idempotencyKey: 'erp:1' });
    const { externalId } = await integration.create('product', { name: 'Mug', sku: 'MUG', price: '12.50', status: 'ACTIVE' }, ctx);
    expect(externalId).toBe('Item:1000');
    expect(await integration.get('product', externalId, ctx)).toMatchObject({ code: 'Item:1000', name: 'Mug', sku: 'MUG', price: 12.5 });
    expect(ctx.logs).toEqual([{ step: 'create', detail: expect.stringContaining('Item:1000') }]);

    const customer = await integration.create('customer', { name: 'Ada', email: 'ada@example.com' }, writeContext(settings, { idempotencyKey: 'erp:2' }));
    expect(erp.customers.get(customer.externalId)).toMatchObject({ name: 'Ada', email: 'ada@example.com', status: 'ACTIVE' });
  });

  it('creates once for the same idempotency key', async () => {
    const { erp, settings } = await setup();
    const first = await integration.create('product', { name: 'Mug' }, writeContext(settings, { idempotencyKey: 'erp:42' }));
    const again = await integration.create('product', { name: 'Mug' }, writeContext(settings, { idempotencyKey: 'erp:42' }));
    expect(again).toEqual(first);
    expect(erp.items.size).toBe(1);
    expect(erp.writes.count('items', 'create')).toBe(1);
  });

  it('updates, passing fields Acme does not know without harm', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    erp.createItem({ name: 'Mug', price: 1 });
    erp.createCustomer({ name: 'Ada' });
    await integration.update('product', 'Item:1000', { price: 3, status: 'INACTIVE', code: 'Item:77', updatedAt: 'yesterday' }, ctx);
    await integration.update('customer', 'Cust:1000', { email: 'ada@example.com' }, ctx);
    expect(erp.items.get('Item:1000')).toMatchObject({ code: 'Item:1000', name: 'Mug', price: 3, status: 'INACTIVE' });
    expect(erp.customers.get('Cust:1000')).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  });

  it('deletes, and a delete of a record already gone succeeds', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    erp.createCustomer({ name: 'Ada' });
    await integration.delete('customer', 'Cust:1000', ctx);
    expect(erp.customers.size).toBe(0);
    await integration.delete('customer', 'Cust:1000', ctx);
    expect(ctx.logs).toEqual([{ step: 'delete', detail: expect.stringContaining('already gone') }]);
  });

  it('refuses to write categories and messages', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    for (const attempt of [
      integration.create('product_category', { name: 'x' }, ctx),
      integration.update('product_category', 'Cat:1000', { name: 'x' }, ctx),
      integration.create('message', {}, ctx),
    ]) {
      expect(await rejection(attempt)).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    }
  });
});

describe('find', () => {
  it('finds an item by sku and a customer by email (exact), and null when there is none', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    erp.createItem({ name: 'Other', sku: 'MUG-10', price: 1 });
    const item = erp.createItem({ name: 'Mug', sku: 'MUG-1', price: 12.5 });
    const customer = erp.createCustomer({ name: 'Ada', email: 'ada@example.com' });

    expect(await acmeErp.find!('product', 'sku', 'MUG-1', ctx)).toBe(item.code);
    expect(await acmeErp.find!('customer', 'email', 'ada@example.com', ctx)).toBe(customer.code);
    expect(await acmeErp.find!('product', 'sku', 'MUG', ctx)).toBeNull();
    expect(await acmeErp.find!('customer', 'email', 'grace@example.com', ctx)).toBeNull();
    // The list endpoint filters exactly and keeps its shape.
    const page = await (await fetch(`${erp.url}/api/items?sku=MUG-1`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    expect(page).toEqual({ items: [item], next: null, total: 1 });
  });

  it('refuses fields and types it cannot search by, naming them', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    const byName = await rejection(acmeErp.find!('product', 'name', 'Mug', ctx));
    expect(byName).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    expect(byName.message).toMatch(/"name"/);
    expect(await rejection(acmeErp.find!('product_category', 'name', 'Kitchen', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect(await rejection(acmeErp.find!('message', 'sku', 'x', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
  });
});

describe('failures', () => {
  it('makes a 500 retryable and a 422 permanent', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    erp.failRequests({ method: 'POST', times: 1 });
    // A 500 may come after the change was made: not known to be refused.
    expect(await rejection(integration.create('product', { name: 'Mug' }, ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_FAILED', retryable: true, refused: false });
    expect(erp.items.size).toBe(0);
    const refused = await rejection(integration.create('product', { price: 1 }, ctx));
    expect(refused).toMatchObject({ code: 'HY_ERR_DESTINATION_REJECTED', retryable: false, refused: true });
    expect(refused.message).toContain("name can't be blank");
  });

  it('tells a refusal (4xx, 429, 503: nothing was done) from a failure that may follow a change', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    for (const [status, code, refused] of [
      [503, 'HY_ERR_DESTINATION_FAILED', true],
      [429, 'HY_ERR_RATE_LIMITED', true],
      [401, 'HY_ERR_CREDENTIALS_REJECTED', true],
      [404, 'HY_ERR_DESTINATION_REJECTED', true],
      [502, 'HY_ERR_DESTINATION_FAILED', false],
      [504, 'HY_ERR_DESTINATION_FAILED', false],
    ] as const) {
      erp.failRequests({ method: 'POST', times: 1, status });
      expect(await rejection(integration.create('product', { name: 'Mug' }, ctx))).toMatchObject({ code, refused });
    }
  });

  it('makes an unreachable ERP retryable, not known to be refused', async () => {
    const ctx = writeContext({ baseUrl: await deadUrl(), apiToken: TOKEN });
    expect(await rejection(integration.get('product', 'Item:1000', ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_UNREACHABLE', retryable: true, refused: false });
  });

  it('fails permanently, naming the setting, when a setting is missing', async () => {
    for (const [settings, name] of [
      [{ apiToken: TOKEN }, 'baseUrl'],
      [{ baseUrl: 'http://127.0.0.1:1' }, 'apiToken'],
    ] as const) {
      const error = await rejection(integration.get('product', 'Item:1000', writeContext(settings)));
      expect(error).toMatchObject({ code: 'HY_ERR_CONFIG_INVALID', retryable: false });
      expect(error.message).toContain(`setting "${name}"`);
    }
  });
});

describe('prerequisites', () => {
  it('resolves an Item message by a product/updated child with the same id', async () => {
    const ctx = prerequisiteContext(acmeErp, { productPrefix: 'Item' });
    const result = await prerequisites(request('message/created', 'Item:1234'), ctx);
    expect(ctx.children).toEqual([{ scope: 'product/updated', externalId: 'Item:1234' }]);
    expect(result).toEqual({ resolvedBy: { id: 101, status: 'succeeded', reason: null, hubId: 7 } });
    expect(ctx.logs).toEqual([{ step: 'prerequisites', detail: expect.stringContaining('productPrefix') }]);
  });

  it('follows a changed preset and refuses a prefix no preset has', async () => {
    const ctx = prerequisiteContext(acmeErp, { productPrefix: 'Article' });
    await prerequisites(request('message/created', 'Article:9'), ctx);
    expect(ctx.children).toEqual([{ scope: 'product/updated', externalId: 'Article:9' }]);

    const refused = await rejection(prerequisites(request('message/created', 'Item:9'), ctx));
    expect(refused).toMatchObject({ code: 'HY_ERR_PREREQUISITE', retryable: false });
    expect(refused.message).toBe(
      'no preset of connection erp has the value "Item" (id "Item:9"); set productPrefix/customerPrefix/categoryPrefix to route it',
    );
    expect(ctx.children).toHaveLength(1);
  });

  it('routes deletes to the real delete scope, and customers and categories by their prefixes', async () => {
    const ctx = prerequisiteContext(acmeErp);
    await prerequisites(request('message/deleted', 'Item:5'), ctx);
    await prerequisites(request('message/deleted', 'Cust:77'), ctx);
    await prerequisites(request('message/created', 'Cust:77'), ctx);
    await prerequisites(request('message/created', 'Cat:5'), ctx);
    expect(ctx.children).toEqual([
      { scope: 'product/deleted', externalId: 'Item:5' },
      { scope: 'customer/deleted', externalId: 'Cust:77' },
      { scope: 'customer/updated', externalId: 'Cust:77' },
      { scope: 'product_category/updated', externalId: 'Cat:5' },
    ]);
  });

  it('refuses ids without a prefix and deletes of categories, which have no scope', async () => {
    const ctx = prerequisiteContext(acmeErp);
    for (const id of ['1234', ':1234', null]) {
      expect(await rejection(prerequisites(request('message/created', id), ctx))).toMatchObject({ code: 'HY_ERR_PREREQUISITE' });
    }
    const category = await rejection(prerequisites(request('message/deleted', 'Cat:5'), ctx));
    expect(category.message).toMatch(/no scope product_category\/deleted/);
    expect(ctx.children).toEqual([]);
  });

  it('leaves requests of real types alone', async () => {
    const ctx = prerequisiteContext(acmeErp);
    expect(await prerequisites(request('product/updated', 'Item:1'), ctx)).toBeUndefined();
    expect(await prerequisites(request('customer/deleted', 'Cust:1'), ctx)).toBeUndefined();
    expect(ctx.children).toEqual([]);
    expect(ctx.logs).toEqual([]);
  });

  it('routes the ids of real ERP hooks to children whose get finds the record', async () => {
    const { erp, receiver, settings } = await setup();
    erp.setPrefixes({ item: 'Article' });
    erp.createItem({ name: 'Mug' });
    erp.createCustomer({ name: 'Ada' });
    await erp.settle();
    const sent = receiver.hooks.flatMap((h) => (h.json as { notifications: Array<{ event: string; id: string }> }).notifications);
    expect(sent).toEqual([
      { event: 'item.changed', id: 'Article:1000' },
      { event: 'customer.changed', id: 'Cust:1000' },
    ]);

    const ctx = prerequisiteContext(acmeErp, { productPrefix: 'Article' });
    for (const { id } of sent) await prerequisites(request('message/created', id), ctx);
    const records = await Promise.all(
      ctx.children.map((child) => integration.get(child.scope === 'product/updated' ? 'product' : 'customer', child.externalId, writeContext(settings))),
    );
    expect(records).toEqual([expect.objectContaining({ name: 'Mug' }), expect.objectContaining({ name: 'Ada' })]);
  });
});

const poll = acmeErp.poll!;
const list = acmeErp.list!;
const T0 = Date.UTC(2026, 0, 1);

/** Polls from `cursor` while pages say there is more, as the scheduler would; the cursor carries over. */
async function pollUntilDone(cursor: string | null, ctx: IntegrationContext): Promise<{ pages: PollPage[]; cursor: string | null }> {
  const pages: PollPage[] = [];
  for (;;) {
    const page = await poll('product_category', cursor, ctx);
    pages.push(page);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { pages, cursor };
    if (pages.length > 100) throw new Error('poll never ends');
  }
}

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

const codes = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}:${1000 + i}`);

describe('poll', () => {
  it('reads the whole feed from a null cursor in pages with more, then only what changed since', async () => {
    let now = T0;
    const { erp, settings } = await setup({ now: () => now });
    for (const name of ['Apparel', 'Home', 'Garden', 'Toys', 'Books']) {
      erp.upsertCategory({ name });
      now += 10;
    }
    const ctx = writeContext({ ...settings, pageSize: 2 });

    const first = await poll('product_category', null, ctx);
    expect(first).toEqual({ ids: ['Cat:1000', 'Cat:1001'], cursor: JSON.stringify({ changedSince: T0 + 10, after: 'Cat:1001' }), more: true });
    const { pages, cursor } = await pollUntilDone(first.cursor, ctx);
    expect(pages.map((p) => [p.ids, p.more])).toEqual([
      [['Cat:1002', 'Cat:1003'], true],
      [['Cat:1004'], false],
    ]);
    expect(cursor).toBe(JSON.stringify({ changedSince: T0 + 40, after: 'Cat:1004' }));

    // Nothing changed: no ids, and the cursor stays where it was.
    expect(await poll('product_category', cursor, ctx)).toEqual({ ids: [], cursor, more: false });

    now += 1000;
    erp.upsertCategory({ code: 'Cat:1002', name: 'Garden & Outdoor' });
    const changed = await poll('product_category', cursor, ctx);
    expect(changed).toEqual({ ids: ['Cat:1002'], cursor: JSON.stringify({ changedSince: now, after: 'Cat:1002' }), more: false });
    expect(await integration.get('product_category', 'Cat:1002', ctx)).toMatchObject({ name: 'Garden & Outdoor' });
    expect((await poll('product_category', changed.cursor, ctx)).ids).toEqual([]);
    expect(ctx.logs.filter((l) => l.step === 'poll')).toHaveLength(4);
  });

  it('neither skips nor repeats categories changed in the same millisecond, across pages and polls', async () => {
    let now = T0;
    const { erp, settings } = await setup({ now: () => now });
    for (let i = 0; i < 7; i++) erp.upsertCategory({ name: `Same ms ${i}` }); // all at T0
    now += 1;
    erp.upsertCategory({ name: 'Next ms' }); // Cat:1007 at T0+1
    erp.upsertCategory({ code: 'Cat:1001', name: 'Moved' }); // Cat:1001 leaves T0 for T0+1
    const ctx = writeContext({ ...settings, pageSize: 3 });

    const all = await pollUntilDone(null, ctx);
    expect(all.pages.map((p) => p.ids)).toEqual([
      ['Cat:1000', 'Cat:1002', 'Cat:1003'],
      ['Cat:1004', 'Cat:1005', 'Cat:1006'],
      ['Cat:1001', 'Cat:1007'],
    ]);
    expect(all.pages.map((p) => p.more)).toEqual([true, true, false]);
    const seen = all.pages.flatMap((p) => p.ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(codes('Cat', 8));

    // More changes in that same millisecond, after the poll: only they come next, each once.
    erp.upsertCategory({ name: 'Same ms, later' }); // Cat:1008 at T0+1
    erp.upsertCategory({ name: 'Same ms, later still' }); // Cat:1009 at T0+1
    const later = await pollUntilDone(all.cursor, writeContext({ ...settings, pageSize: 1 }));
    expect(later.pages.map((p) => [p.ids, p.more])).toEqual([
      [['Cat:1008'], true],
      [['Cat:1009'], false],
    ]);
    expect(later.cursor).toBe(JSON.stringify({ changedSince: T0 + 1, after: 'Cat:1009' }));
  });

  it('pages by 100 by default', async () => {
    const { erp, settings } = await setup();
    for (let i = 0; i < 150; i++) erp.upsertCategory({ name: `Category ${i}` });
    const { pages } = await pollUntilDone(null, writeContext(settings));
    expect(pages.map((p) => [p.ids.length, p.more])).toEqual([
      [100, true],
      [50, false],
    ]);
    expect(new Set(pages.flatMap((p) => p.ids))).toEqual(new Set(codes('Cat', 150)));
  });

  it('answers an empty feed with no ids and a null cursor', async () => {
    const { settings } = await setup();
    expect(await poll('product_category', null, writeContext(settings))).toEqual({ ids: [], cursor: null, more: false });
  });

  it('refuses types without a feed, cursors it did not make and a wrong pageSize; a failing ERP is retryable', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    for (const type of ['product', 'customer', 'message'] as const) {
      expect(await rejection(poll(type, null, ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    }
    for (const cursor of ['', 'nonsense', '{}', '{"changedSince":"1","after":"Cat:1"}', '{"changedSince":1}', 'null']) {
      const error = await rejection(poll('product_category', cursor, ctx));
      expect(error).toMatchObject({ code: 'HY_ERR_INTEGRATION', retryable: false });
      expect(error.message).toContain('cursor');
    }
    for (const pageSize of [0, -1, 1.5, '100']) {
      const error = await rejection(poll('product_category', null, writeContext({ ...settings, pageSize })));
      expect(error).toMatchObject({ code: 'HY_ERR_CONFIG_INVALID', retryable: false });
      expect(error.message).toContain('pageSize');
    }
    erp.failRequests({ method: 'GET', pathIncludes: '/api/categories', times: 1 });
    expect(await rejection(poll('product_category', null, ctx))).toMatchObject({ code: 'HY_ERR_DESTINATION_FAILED', retryable: true });
  });
});

describe('list', () => {
  it('lists every item, customer and category exactly once, in 3 pages of at most 100 for 250, ending with cursor null', async () => {
    let now = T0;
    const { erp, settings } = await setup({ now: () => now });
    erp.pauseHooks(); // 500 hooks are beside the point here
    for (let i = 0; i < 250; i++) {
      erp.createItem({ name: `Item ${i}` });
      erp.createCustomer({ name: `Customer ${i}` });
      erp.upsertCategory({ name: `Category ${i}` });
      now -= 1; // later categories changed earlier: a list is by code, not by change
    }
    const ctx = writeContext(settings);
    for (const [type, prefix] of [
      ['product', 'Item'],
      ['customer', 'Cust'],
      ['product_category', 'Cat'],
    ] as const) {
      const pages = await listAll(type, ctx);
      expect(pages.map((p) => [p.ids.length, p.total])).toEqual([
        [100, 250],
        [100, 250],
        [50, 250],
      ]);
      expect(pages.map((p) => p.cursor)).toEqual([`${prefix}:1099`, `${prefix}:1199`, null]);
      expect(pages.flatMap((p) => p.ids)).toEqual(codes(prefix, 250));
    }
  });

  it('follows pageSize, and lists nothing from an empty ERP', async () => {
    const { erp, settings } = await setup();
    expect(await list('customer', null, writeContext(settings))).toEqual({ ids: [], cursor: null, total: 0 });
    for (let i = 0; i < 4; i++) erp.createCustomer({ name: `Customer ${i}` });
    const pages = await listAll('customer', writeContext({ ...settings, pageSize: 2 }));
    expect(pages).toEqual([
      { ids: ['Cust:1000', 'Cust:1001'], cursor: 'Cust:1001', total: 4 },
      { ids: ['Cust:1002', 'Cust:1003'], cursor: null, total: 4 },
    ]);
  });

  it('refuses messages, types Acme does not have and an empty cursor', async () => {
    const { settings } = await setup();
    const ctx = writeContext(settings);
    for (const type of ['message', 'transaction', 'gift_card'] as const) {
      expect(await rejection(list(type, null, ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED', retryable: false });
    }
    expect(await rejection(list('product', '', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION', retryable: false });
  });
});
