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
