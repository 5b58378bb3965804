/**
 * The transfer engine end to end, over real HTTP, against the demo shop and ERP: hooks in,
 * records read from the source, mapped into hub records, written out to the other system.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const erpItemsWithSku = (w: World, sku: string) => [...w.erp.items.values()].filter((item) => item.sku === sku);

describe('shop → hub → ERP', () => {
  it('creates the ERP item once, and a second update updates the same item', async () => {
    world = await startWorld();
    const w = world;
    const product = w.shop.createProduct({ title: 'Enamel mug', status: 'active', variants: [{ sku: 'MUG-1', price: '12.50' }] });
    await w.settle();

    const items = erpItemsWithSku(w, 'MUG-1');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: 'Enamel mug', price: 12.5, status: 'ACTIVE' });

    w.shop.updateProduct(product.id, { title: 'Enamel mug, blue', variants: [{ sku: 'MUG-1', price: '14.00' }] });
    await w.settle();
    const after = erpItemsWithSku(w, 'MUG-1');
    expect(after).toHaveLength(1);
    expect(after[0]!.code).toBe(items[0]!.code);
    expect(after[0]).toMatchObject({ name: 'Enamel mug, blue', price: 14 });
    expect(w.erp.writes.count('items', 'create')).toBe(1);

    // The hub record links both systems' ids.
    const toErp = (await transfers(w, 'connection=erp&status=succeeded')).filter((t) => t.direction === 'from_hub');
    expect(toErp).toHaveLength(2); // the create, then the update
    const hubId = toErp[0].hubId;
    const record = await w.api(`/api/records/product/${hubId}`);
    expect(record.record.data).toMatchObject({ sku: 'MUG-1', name: 'Enamel mug, blue', price: 14, active: true });
    expect(record.externalIds.map((x: any) => [x.connection, x.externalId]).sort()).toEqual([
      ['erp', items[0]!.code],
      ['shop', String(product.id)],
    ]);
    // Every step of a transfer is in its activity log.
    const shown = await w.api(`/api/transfers/${toErp.at(-1).id}`);
    expect(shown.activity.map((a: any) => a.step)).toEqual(expect.arrayContaining(['start', 'created']));
  });
});

describe('echoes and loops', () => {
  it('drops the echo of its own write to the ERP and does not loop', async () => {
    world = await startWorld();
    const w = world;
    w.shop.createProduct({ title: 'Teapot', status: 'active', variants: [{ sku: 'POT-1', price: '30.00' }] });
    await w.settle();
    const counts = await w.hub.store.counts();
    expect(counts.reasons.echo).toBeGreaterThanOrEqual(1);
    const echo = (await transfers(w, 'connection=erp&status=skipped')).find((t) => t.reasonCode === 'echo');
    expect(echo).toMatchObject({ type: 'product', direction: 'to_hub' });

    // Nothing moves any more: the same counts after another quiet period.
    const itemWrites = w.erp.writes.count('items');
    const productWrites = w.shop.writes.count('products');
    const total = (await transfers(w, '')).length;
    await new Promise((r) => setTimeout(r, 300));
    await w.settle();
    expect((await transfers(w, '')).length).toBe(total);
    expect(w.erp.writes.count('items')).toBe(itemWrites);
    expect(w.shop.writes.count('products')).toBe(productWrites);
  });
});

describe('orders', () => {
  it('lands orders/updated, orders/paid and orders/fulfilled on transaction/updated, each taking the order from its body', async () => {
    world = await startWorld();
    const w = world;
    const order = w.shop.createOrder({ email: 'ada@example.com', line_items: [{ sku: 'MUG-1', title: 'Mug', quantity: 1, price: '12.50' }] });
    await w.settle();
    w.shop.updateOrder(order.id, { financial_status: 'paid' });
    await w.settle();
    w.shop.fulfillOrder(order.id);
    await w.settle();
    const hooks = (await w.api('/api/hooks?connection=shop&limit=50')).items;
    const names: string[] = [];
    for (const hook of hooks) names.push(...(await w.api(`/api/hooks/${hook.id}`)).notifications.map((n: any) => `${n.hookName}→${n.scope}`));
    expect(names).toEqual(
      expect.arrayContaining(['orders/updated→transaction/updated', 'orders/paid→transaction/updated', 'orders/fulfilled→transaction/updated']),
    );
    const updates = (await transfers(w, 'connection=shop&scope=transaction/updated')).filter((t) => t.status === 'succeeded');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    // Every one of them is the same order, whichever topic announced it.
    expect(new Set(updates.map((t) => t.externalId))).toEqual(new Set([String(order.id)]));
    const hub = await w.api(`/api/records/transaction/${updates[0].hubId}`);
    expect(hub.record.data).toMatchObject({ email: 'ada@example.com', payment: 'paid', fulfillment: 'fulfilled' });
  });
});

describe('the ERP catch-all: message hooks with prefixed ids', () => {
  it('resolves Item:… through the productPrefix preset into a product transfer, resolved by its child', async () => {
    world = await startWorld((config) => {
      config.connections.erp.scopes = ['message/created'];
      delete config.connections.erp.poll; // this test is about the catch-all alone
    });
    const w = world;
    const item = w.erp.createItem({ name: 'Desk lamp', sku: 'LAMP-1', price: 45, status: 'ACTIVE' });
    await w.settle();
    const message = (await transfers(w, 'connection=erp&scope=message/created')).at(-1);
    expect(message).toMatchObject({ status: 'succeeded', reasonCode: 'resolved_by_child', externalId: item.code });
    const shown = await w.api(`/api/transfers/${message.id}`);
    expect(shown.children).toHaveLength(1);
    expect(shown.children[0]).toMatchObject({ scope: 'product/updated', type: 'product', externalId: item.code, status: 'succeeded', requestType: 'child' });
    // And on to the shop.
    const products = [...w.shop.products.values()].filter((p) => p.variants[0]?.sku === 'LAMP-1');
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ title: 'Desk lamp', status: 'active' });
  });

  it('follows a changed preset: the new prefix routes, the old one is refused with the reason', async () => {
    world = await startWorld((config) => {
      config.connections.erp.presets = { productPrefix: 'Article', customerPrefix: 'Cust' };
    });
    const w = world;
    w.erp.setPrefixes({ item: 'Article' });
    const article = w.erp.createItem({ name: 'Chair', sku: 'CH-1', price: 80, status: 'ACTIVE' });
    w.erp.sendNotifications([{ event: 'item.changed', id: 'Item:77' }]);
    await w.settle();
    const messages = await transfers(w, 'connection=erp&scope=message/created');
    const routed = messages.find((t) => t.externalId === article.code);
    expect(article.code.startsWith('Article:')).toBe(true);
    expect(routed).toMatchObject({ status: 'succeeded', reasonCode: 'resolved_by_child' });
    const refused = messages.find((t) => t.externalId === 'Item:77');
    expect(refused).toMatchObject({ status: 'dead', lastErrorCode: 'HY_ERR_PREREQUISITE' });
    expect(refused.lastError).toMatch(/"Item"/);
  });

  it('turns one hook listing five ids into five independent transfers; one failing fails only itself', async () => {
    world = await startWorld();
    const w = world;
    w.erp.pauseHooks();
    const codes = ['A', 'B', 'C', 'D', 'E'].map((letter) => w.erp.createItem({ name: `Item ${letter}`, sku: `SKU-${letter}`, price: 10, status: 'ACTIVE' }).code);
    w.erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(codes[2]!), status: 422 });
    w.erp.resumeHooks();
    w.erp.touchMany(codes);
    await w.settle();
    const oneHook = (await w.api('/api/hooks?connection=erp&limit=100')).items;
    const listing = [];
    for (const hook of oneHook) {
      const detail = await w.api(`/api/hooks/${hook.id}`);
      if (detail.notifications.length === 5) listing.push(detail);
    }
    expect(listing).toHaveLength(1);
    const children = (await transfers(w, 'connection=erp&scope=product/updated')).filter((t) => codes.includes(t.externalId));
    const byCode = new Map<string, any[]>();
    for (const child of children) byCode.set(child.externalId, [...(byCode.get(child.externalId) ?? []), child]);
    for (const [i, code] of codes.entries()) {
      const statuses = (byCode.get(code) ?? []).map((t) => t.status);
      // A set, not every(): an empty list (no child made for the failing id) must not pass.
      if (i === 2) expect(new Set(statuses), code).toEqual(new Set(['dead']));
      else expect(statuses).toContain('succeeded');
    }
    const failed = (await transfers(w, 'connection=erp&scope=message/created')).filter((t) => t.externalId === codes[2]);
    expect(new Set(failed.map((t) => `${t.status} ${t.lastErrorCode}`))).toEqual(new Set(['dead HY_ERR_CHILD_FAILED']));
    for (const [i, letter] of ['A', 'B', 'C', 'D', 'E'].entries()) {
      const inShop = [...w.shop.products.values()].filter((p) => p.variants[0]?.sku === `SKU-${letter}`);
      expect(inShop, letter).toHaveLength(i === 2 ? 0 : 1);
    }
  });
});

describe('noisy hooks', () => {
  it('debounces a burst of 50 customers/update hooks (address changes: Shopify has no address topic) into at most 2 transfers', async () => {
    world = await startWorld((config) => {
      config.connections.shop.noise = { customer: { debounce: '1s' } };
    });
    const w = world;
    const customer = w.shop.createCustomer({
      email: 'grace@example.com',
      first_name: 'Grace',
      last_name: 'Hopper',
      addresses: [{ address1: '1 Navy Way', city: 'Arlington', zip: '22201', country_code: 'US' }],
    });
    await w.settle();
    const addressId = customer.addresses[0]!.id;
    w.shop.updateCustomer(customer.id, { last_name: 'Hopper-Murray' });
    for (let i = 0; i < 50; i++) w.shop.updateAddress(customer.id, addressId, { address2: `Flat ${i}` });
    await w.settle();

    const updates = (await transfers(w, 'connection=shop&scope=customer/updated')).filter((t) => t.direction === 'to_hub');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(updates[0]).toMatchObject({ type: 'customer', externalId: String(customer.id) });
    // Debounced: planned to run one window after the hook that made it.
    for (const t of updates) expect(Date.parse(t.runAt) - Date.parse(t.createdAt)).toBe(1000);
    // Every customers/update hook is accounted for: the ones not planned as a transfer were absorbed.
    const hooks = (await w.api('/api/hooks?connection=shop&limit=500')).items;
    let absorbed = 0;
    for (const hook of hooks) {
      for (const n of (await w.api(`/api/hooks/${hook.id}`)).notifications) if (/coalesced into transfer/.test(n.reason ?? '')) absorbed += 1;
    }
    expect(absorbed).toBeGreaterThanOrEqual(50 - updates.length);
    const inErp = [...w.erp.customers.values()].filter((c) => c.email === 'grace@example.com');
    expect(inErp).toHaveLength(1);
    expect(inErp[0]).toMatchObject({ name: 'Grace Hopper-Murray', status: 'ACTIVE' });
    // The last address change is the one the hub holds.
    const hub = await w.api(`/api/records/customer/${updates[0].hubId ?? updates.at(-1).hubId}`);
    expect(hub.record.data).toMatchObject({ city: 'Arlington' });
  });
});

describe('deletes', () => {
  it('skips a shop delete while delete hooks are off', async () => {
    world = await startWorld();
    const w = world;
    const product = w.shop.createProduct({ title: 'Vase', status: 'active', variants: [{ sku: 'VASE-1', price: '20.00' }] });
    await w.settle();
    w.shop.deleteProduct(product.id);
    await w.settle();
    const deletes = await transfers(w, 'connection=shop&scope=product/deleted');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ status: 'skipped', reasonCode: 'delete_off', requestType: 'delete' });
    expect(erpItemsWithSku(w, 'VASE-1')).toMatchObject([{ status: 'ACTIVE' }]);
  });

  it('with a delete_triggered_update mapping deactivates the ERP item and deletes nothing', async () => {
    world = await startWorld((config) => {
      config.connections.shop.scopes.push('product/deleted');
    });
    const w = world;
    const product = w.shop.createProduct({ title: 'Bowl', status: 'active', variants: [{ sku: 'BOWL-1', price: '9.00' }] });
    await w.settle();
    w.shop.deleteProduct(product.id);
    await w.settle();
    const deletes = await transfers(w, 'connection=shop&scope=product/deleted');
    expect(deletes[0]).toMatchObject({ status: 'succeeded', reasonCode: 'delete_triggered_update' });
    expect(erpItemsWithSku(w, 'BOWL-1')).toMatchObject([{ status: 'INACTIVE', name: 'Bowl' }]);
    expect(w.erp.writes.count('items', 'delete')).toBe(0);
    const hub = await w.api(`/api/records/product/${deletes[0].hubId}`);
    expect(hub.record).toMatchObject({ deleted: false, data: { active: false } });
  });
});

describe('the same product created in both systems at once', () => {
  it('never strands a transfer: every one ends, and a duplicate is reported as a collision', async () => {
    world = await startWorld();
    const w = world;
    for (let i = 0; i < 4; i++) {
      w.shop.createProduct({ title: `Twin ${i}`, status: 'active', variants: [{ sku: `TWIN-${i}`, price: '7.00' }] });
      w.erp.createItem({ name: `Twin ${i}`, sku: `TWIN-${i}`, price: 7, status: 'ACTIVE' });
    }
    await w.settle(); // fails if a transfer stays running
    const all = await transfers(w, '');
    expect(all.filter((t) => t.status === 'running')).toEqual([]);
    const dead = all.filter((t) => t.status === 'dead');
    for (const t of dead) expect(['HY_ERR_COLLISION', 'HY_ERR_CHILD_FAILED']).toContain(t.lastErrorCode);
    // Each hub product is linked at most once per connection.
    const hubIds = new Set(all.filter((t) => t.hubId !== null && t.type === 'product').map((t) => t.hubId));
    const skus = new Set<string>();
    for (const hubId of hubIds) {
      const { record, externalIds } = await w.api(`/api/records/product/${hubId}`);
      skus.add(record.data.sku);
      const connections = externalIds.map((x: any) => x.connection);
      expect(new Set(connections).size).toBe(connections.length);
    }
    // The loop above checked every SKU: each made at least one hub product.
    expect([...skus].sort()).toEqual(['TWIN-0', 'TWIN-1', 'TWIN-2', 'TWIN-3']);
  });
});

describe('a record both systems had before hookyard linked them', () => {
  it('links the existing ERP item by its SKU (from_hub match) instead of creating a duplicate', async () => {
    world = await startWorld();
    const w = world;
    // Both exist before hookyard hears of either.
    w.shop.pauseHooks();
    w.erp.pauseHooks();
    const product = w.shop.createProduct({ title: 'Twin lamp', status: 'active', variants: [{ sku: 'TWIN-X', price: '19.90' }] });
    const existing = w.erp.createItem({ name: 'TWIN LAMP (legacy)', sku: 'TWIN-X', price: 15, status: 'ACTIVE' });
    const createsBefore = w.erp.writes.count('items', 'create');
    w.shop.resumeHooks();
    // The ERP's hooks stay held back: wait for the shop's to arrive, then for the hub.
    await w.shop.settle();
    await w.settleHub();

    // One item: the existing one, updated with the shop's values; nothing created.
    const items = erpItemsWithSku(w, 'TWIN-X');
    expect(items).toHaveLength(1);
    expect(items[0]!.code).toBe(existing.code);
    expect(items[0]).toMatchObject({ name: 'Twin lamp', price: 19.9, status: 'ACTIVE' });
    expect(w.erp.writes.count('items', 'create')).toBe(createsBefore);
    expect(w.erp.writes.count('items', 'update', existing.code)).toBe(1);

    const toErp = (await transfers(w, 'connection=erp')).filter((t) => t.direction === 'from_hub');
    expect(toErp).toHaveLength(1);
    expect(toErp[0]).toMatchObject({ status: 'succeeded', reasonCode: 'matched' });
    const shown = await w.api(`/api/transfers/${toErp[0].id}`);
    const steps = shown.activity.map((a: any) => a.step);
    expect(steps).toEqual(expect.arrayContaining(['matched', 'updated']));
    expect(steps).not.toContain('created');
    expect(shown.activity.find((a: any) => a.step === 'matched').detail).toBe(
      `found ${existing.code} in erp by sku = "TWIN-X": linking instead of creating`,
    );
    const hubId = toErp[0].hubId;
    const record = await w.api(`/api/records/product/${hubId}`);
    expect(record.externalIds.map((x: any) => [x.connection, x.externalId]).sort()).toEqual([
      ['erp', existing.code],
      ['shop', String(product.id)],
    ]);

    // The ERP's held-back hooks (its own create, the hub's update) change nothing.
    w.erp.resumeHooks();
    await w.settle();
    expect(erpItemsWithSku(w, 'TWIN-X').map((i) => i.code)).toEqual([existing.code]);
    expect([...w.shop.products.values()].filter((p) => p.variants.some((v) => v.sku === 'TWIN-X')).map((p) => p.id)).toEqual([product.id]);
    expect(w.erp.writes.count('items', 'create')).toBe(createsBefore);
    expect(await transfers(w, 'status=dead')).toEqual([]);
    const after = await w.api(`/api/records/product/${hubId}`);
    expect(after.externalIds).toHaveLength(2);
    expect(after.record.data).toMatchObject({ sku: 'TWIN-X', name: 'Twin lamp', price: 19.9, active: true });
  });

  it('fails permanently, naming the remedy, when the integration cannot look records up', async () => {
    world = await startWorld();
    const w = world;
    // The ERP's integration as the hub loaded it from examples/integrations/acme-erp.yaml, without find.
    const acmeErp = w.config.connections.get('erp')!.integration;
    const find = acmeErp.find;
    delete acmeErp.find;
    try {
      w.shop.createProduct({ title: 'Lone lamp', status: 'active', variants: [{ sku: 'LONE-1', price: '5.00' }] });
      await w.settle();
    } finally {
      acmeErp.find = find;
    }
    const toErp = (await transfers(w, 'connection=erp')).filter((t) => t.direction === 'from_hub');
    expect(toErp).toHaveLength(1);
    expect(toErp[0]).toMatchObject({ status: 'dead', lastErrorCode: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect(toErp[0].lastError).toBe('integration acme-erp cannot look records up (no find); remove match from the from_hub mapping');
    expect(erpItemsWithSku(w, 'LONE-1')).toEqual([]);
  });
});
