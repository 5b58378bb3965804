/**
 * examples/integrations/acme-erp.yaml — the demo ERP through its integration file alone — against
 * the real demo ERP: the declared catch-all routes a generic message by its id's prefix, records
 * are read, found and written over the declared api (bearer token, idempotency key), the
 * category change feed is polled with a two-part cursor and every type lists with Acme's paging.
 * Also the catch-all of a file with another separator and control type.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp, type DemoErp, type DemoErpOptions } from '../../src/demo/erp.js';
import { loadIntegrationFile } from '../../src/integrations/registry.js';
import type { DataType } from '../../src/domain/types.js';
import type { Integration, IntegrationContext, ListPage, PollPage, TransferInfo } from '../../src/integrations/types.js';
import { startReceiver } from '../demo/receiver.js';
import { methodsOf, prerequisiteContext, rejection, writeContext } from './context.js';

const TOKEN = 'erp-token';
const T0 = Date.UTC(2026, 0, 1);

function load(file: string): Integration {
  const loaded = loadIntegrationFile(file);
  if (!loaded.integration) throw new Error(JSON.stringify(loaded.problems));
  return loaded.integration;
}

const acme = load(resolve(import.meta.dirname, '../../examples/integrations/acme-erp.yaml'));
const integration = methodsOf(acme);
const prerequisites = acme.handlePrerequisites!;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: Partial<DemoErpOptions> = {}): Promise<{ erp: DemoErp; settings: Record<string, unknown> }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'hook-key', apiToken: TOKEN, retryDelaysMs: [1], ...options });
  closers.push(() => erp.close());
  return { erp, settings: { baseUrl: erp.url, apiToken: TOKEN } };
}

function request(scope: TransferInfo['scope'], externalId: string | null): TransferInfo {
  const [type, action] = scope.split('/') as [TransferInfo['type'], TransferInfo['action']];
  return { id: 1, trackingId: 't-1', connection: 'erp', type, action, scope, direction: 'to_hub', externalId, requestType: 'standard', parentId: null };
}

describe('the declared catch-all', () => {
  it('resolves an Item message by a product/updated child with the same id, naming the preset', async () => {
    const ctx = prerequisiteContext(acme, { productPrefix: 'Item' });
    const result = await prerequisites(request('message/created', 'Item:1234'), ctx);
    expect(ctx.children).toEqual([{ scope: 'product/updated', externalId: 'Item:1234' }]);
    expect(result).toEqual({ resolvedBy: { id: 101, status: 'succeeded', reason: null, hubId: 7 } });
    expect(ctx.logs).toEqual([{ step: 'prerequisites', detail: '"Item:1234": prefix "Item" is productPrefix → product/updated' }]);
  });

  it('routes deletes, customers and categories; follows a changed preset; refuses what it cannot route', async () => {
    const ctx = prerequisiteContext(acme, { productPrefix: 'Article' });
    await prerequisites(request('message/deleted', 'Article:5'), ctx);
    await prerequisites(request('message/created', 'Cust:77'), ctx);
    await prerequisites(request('message/created', 'Cat:5'), ctx);
    expect(ctx.children).toEqual([
      { scope: 'product/deleted', externalId: 'Article:5' },
      { scope: 'customer/updated', externalId: 'Cust:77' },
      { scope: 'product_category/updated', externalId: 'Cat:5' },
    ]);
    const unknown = await rejection(prerequisites(request('message/created', 'Item:9'), ctx));
    expect(unknown).toMatchObject({ code: 'HY_ERR_PREREQUISITE', retryable: false });
    expect(unknown.message).toBe('no preset of connection erp has the value "Item" (id "Item:9"); set productPrefix/customerPrefix/categoryPrefix to route it');
    for (const id of ['1234', ':1234', null]) {
      expect(await rejection(prerequisites(request('message/created', id), ctx))).toMatchObject({ code: 'HY_ERR_PREREQUISITE' });
    }
    // Categories cannot be deleted in Acme: the file declares no product_category/deleted.
    expect((await rejection(prerequisites(request('message/deleted', 'Cat:5'), ctx))).message).toBe(
      'id "Cat:5" is a product_category, but integration acme-erp has no scope product_category/deleted to route it to',
    );
    expect(ctx.children).toHaveLength(3);
    // Real types are left alone.
    expect(await prerequisites(request('product/updated', 'Article:1'), ctx)).toBeUndefined();
    expect(ctx.children).toHaveLength(3);
  });

  it('takes its separator and control type from the file, and a file without one has no prerequisites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-catch-all-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, extra: string) => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(
        path,
        [
          `id: ${name}`,
          'types: { ticket: {}, event: {} }',
          'scopes:',
          '  - { scope: event/created, hooks: [changed], description: any record }',
          '  - { scope: ticket/updated, hooks: [], description: a ticket }',
          'presets: [{ name: ticketPrefix, type: ticket, default: TKT }]',
          extra,
        ].join('\n'),
      );
      return load(path);
    };
    const tickets = file('tickets', 'prerequisites: { catchAll: { type: event, separator: "-" } }');
    const ctx = prerequisiteContext(tickets);
    await tickets.handlePrerequisites!(request('event/created', 'TKT-12'), ctx);
    expect(ctx.children).toEqual([{ scope: 'ticket/updated', externalId: 'TKT-12' }]);
    expect(await tickets.handlePrerequisites!(request('message/created', 'TKT-12'), ctx)).toBeUndefined();
    expect((await rejection(tickets.handlePrerequisites!(request('event/created', 'TKT:12'), ctx))).message).toMatch(/no prefix ending in "-"/);
    expect(file('plain', '').handlePrerequisites).toBeUndefined();
  });

  it('refuses a catch-all without a separator, or for a type no scope carries, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-catch-all-'));
    try {
      const path = join(dir, 'bad.yaml');
      writeFileSync(path, 'id: bad\nscopes: [{ scope: message/created, description: x }]\nprerequisites: { catchAll: { separator: "" } }\n');
      const loaded = loadIntegrationFile(path);
      expect(loaded.integration).toBeNull();
      expect(loaded.problems).toEqual([expect.objectContaining({ path: ['prerequisites', 'catchAll', 'separator'] })]);
      writeFileSync(path, 'id: bad\nscopes: [{ scope: message/created, description: x }]\nprerequisites: { catchAll: { type: event, separator: ":" } }\n');
      expect(loadIntegrationFile(path).problems).toEqual([
        {
          path: ['prerequisites', 'catchAll', 'type'],
          message: 'the catch-all routes event requests, but no scope of this file carries event: declare one (e.g. event/created) with the hooks that announce any record',
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('routes the ids of real ERP hooks to children whose get finds the record', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'hook-key', apiToken: TOKEN, retryDelaysMs: [1] });
    closers.push(() => erp.close());
    erp.createItem({ name: 'Mug' });
    erp.createCustomer({ name: 'Ada' });
    await erp.settle();
    const sent = receiver.hooks.flatMap((h) => (h.json as { notifications: Array<{ id: string }> }).notifications);
    const ctx = prerequisiteContext(acme);
    for (const { id } of sent) await prerequisites(request('message/created', id), ctx);
    const settings = { baseUrl: erp.url, apiToken: TOKEN };
    const records = await Promise.all(ctx.children.map((child) => integration.get(child.scope.split('/')[0] as DataType, child.externalId, writeContext(settings))));
    expect(records).toEqual([expect.objectContaining({ name: 'Mug' }), expect.objectContaining({ name: 'Ada' })]);
  });
});

describe('records over the declared api', () => {
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
    expect(await integration.get('product', 'Item:1000/../x?y#z', ctx)).toBeNull();
    expect(await rejection(integration.get('message', 'Item:1000', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect(await rejection(integration.get('product', 'Item:1000', writeContext({ ...settings, apiToken: 'wrong' })))).toMatchObject({ retryable: false });
  });

  it('creates once per idempotency key, updates, deletes, and refuses to write categories', async () => {
    const { erp, settings } = await setup();
    const first = await integration.create('product', { name: 'Mug', sku: 'MUG', price: 12.5, status: 'ACTIVE' }, writeContext(settings, { idempotencyKey: 'erp:42' }));
    const again = await integration.create('product', { name: 'Mug', sku: 'MUG', price: 12.5, status: 'ACTIVE' }, writeContext(settings, { idempotencyKey: 'erp:42' }));
    expect(first).toEqual({ externalId: 'Item:1000' });
    expect(again).toEqual(first);
    expect(erp.writes.count('items', 'create')).toBe(1);
    const customer = await integration.create('customer', { name: 'Ada', email: 'ada@example.com' }, writeContext(settings, { idempotencyKey: 'erp:43' }));
    expect(erp.customers.get(customer.externalId)).toMatchObject({ name: 'Ada', email: 'ada@example.com' });

    await integration.update('product', 'Item:1000', { price: 3, status: 'INACTIVE' }, writeContext(settings));
    expect(erp.items.get('Item:1000')).toMatchObject({ name: 'Mug', price: 3, status: 'INACTIVE' });
    const ctx = writeContext(settings);
    await integration.delete('customer', customer.externalId, ctx);
    await integration.delete('customer', customer.externalId, ctx);
    expect(erp.customers.size).toBe(0);
    expect(ctx.logs).toEqual([{ step: 'delete', detail: expect.stringContaining('already gone') }]);
    expect(await rejection(integration.create('product_category', { name: 'x' }, ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
  });

  it('finds an item by sku and a customer by email, exactly, and refuses other fields', async () => {
    const { erp, settings } = await setup();
    const ctx = writeContext(settings);
    erp.createItem({ name: 'Other', sku: 'MUG-10', price: 1 });
    const item = erp.createItem({ name: 'Mug', sku: 'MUG-1', price: 12.5 });
    const customer = erp.createCustomer({ name: 'Ada', email: 'ada@example.com' });
    expect(await acme.find!('product', 'sku', 'MUG-1', ctx)).toBe(item.code);
    expect(await acme.find!('customer', 'email', 'ada@example.com', ctx)).toBe(customer.code);
    expect(await acme.find!('product', 'sku', 'MUG', ctx)).toBeNull();
    expect(await rejection(acme.find!('product', 'name', 'Mug', ctx))).toMatchObject({ code: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    erp.createItem({ name: 'Twin', sku: 'MUG-1', price: 1 });
    expect(await rejection(acme.find!('product', 'sku', 'MUG-1', ctx))).toMatchObject({ code: 'HY_ERR_COLLISION' });
  });
});

async function pollUntilDone(cursor: string | null, ctx: IntegrationContext): Promise<{ pages: PollPage[]; cursor: string | null }> {
  const pages: PollPage[] = [];
  for (;;) {
    const page = await acme.poll!('product_category', cursor, ctx);
    pages.push(page);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { pages, cursor };
    if (pages.length > 100) throw new Error('poll never ends');
  }
}

describe('the category change feed', () => {
  it('reads the feed from the start, then only what changed since, with the position as cursor', async () => {
    let now = T0;
    const { erp, settings } = await setup({ now: () => now });
    for (const name of ['Apparel', 'Home', 'Garden']) {
      erp.upsertCategory({ name });
      now += 10;
    }
    const ctx = writeContext(settings);
    const first = await acme.poll!('product_category', null, ctx);
    expect(first).toEqual({ ids: ['Cat:1000', 'Cat:1001', 'Cat:1002'], cursor: JSON.stringify({ changedSince: T0 + 20, after: 'Cat:1002' }) });
    // Nothing changed: no ids, and the cursor stays where it was.
    expect(await acme.poll!('product_category', first.cursor, ctx)).toEqual({ ids: [], cursor: first.cursor });
    now += 1000;
    erp.upsertCategory({ code: 'Cat:1001', name: 'Home & Living' });
    expect(await acme.poll!('product_category', first.cursor, ctx)).toEqual({ ids: ['Cat:1001'], cursor: JSON.stringify({ changedSince: now, after: 'Cat:1001' }) });
    // An empty feed polled from the start keeps the start.
    const { settings: empty } = await setup();
    expect(await acme.poll!('product_category', null, writeContext(empty))).toEqual({ ids: [], cursor: '{"changedSince": 0}' });
  });

  it('neither skips nor repeats categories changed in one millisecond, across pages and polls', async () => {
    const now = T0;
    const { erp, settings } = await setup({ now: () => now });
    erp.pauseHooks();
    for (let i = 0; i < 150; i++) erp.upsertCategory({ name: `Same ms ${i}` });
    const ctx = writeContext(settings);
    const all = await pollUntilDone(null, ctx);
    expect(all.pages.map((p) => [p.ids.length, p.more ?? false])).toEqual([
      [100, true],
      [50, false],
    ]);
    expect(new Set(all.pages.flatMap((p) => p.ids)).size).toBe(150);
    erp.upsertCategory({ name: 'Same ms, later' }); // Cat:1150, still at T0
    const later = await pollUntilDone(all.cursor, ctx);
    expect(later.pages.map((p) => p.ids)).toEqual([['Cat:1150']]);
    expect(later.cursor).toBe(JSON.stringify({ changedSince: T0, after: 'Cat:1150' }));
  });
});

describe('list', () => {
  it('lists every record of a type once, by 100, following Acme\'s next code, with the total', async () => {
    const { erp, settings } = await setup();
    erp.pauseHooks();
    for (let i = 0; i < 250; i++) erp.createCustomer({ name: `Customer ${i}` });
    const pages: ListPage[] = [];
    let cursor: string | null = null;
    do {
      const page: ListPage = await acme.list!('customer', cursor, writeContext(settings));
      pages.push(page);
      cursor = page.cursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((p) => [p.ids.length, p.total, p.cursor])).toEqual([
      [100, 250, 'Cust:1099'],
      [100, 250, 'Cust:1199'],
      [50, 250, null],
    ]);
    expect(new Set(pages.flatMap((p) => p.ids)).size).toBe(250);
  });
});
