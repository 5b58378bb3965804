/**
 * The echo of an update, end to end: hookyard registers the echo before it updates a linked record,
 * so the hook the ERP fires back for that update is dropped as an echo, not read and found unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('echo of an update to a linked record', () => {
  it('drops the hook the ERP fires for hookyard\'s update with reason echo, and reads nothing', async () => {
    world = await startWorld();
    const w = world;
    const product = w.shop.createProduct({ title: 'Kettle', status: 'active', variants: [{ sku: 'KET-1', price: '25.00' }] });
    await w.settle();
    const before = new Set((await transfers(w, '')).map((t) => t.id));
    const code = [...w.erp.items.values()].find((i) => i.sku === 'KET-1')!.code;

    w.shop.updateProduct(product.id, { title: 'Kettle, steel', variants: [{ sku: 'KET-1', price: '27.00' }] });
    await w.settle();
    const after = (await transfers(w, '')).filter((t) => !before.has(t.id));
    const update = after.find((t) => t.connection === 'erp' && t.direction === 'from_hub');
    expect(update).toMatchObject({ status: 'succeeded', reason: `updated ${code} in erp` });
    // The ERP's hook about the item hookyard updated: dropped as its echo.
    const fromErp = after.filter((t) => t.connection === 'erp' && t.direction === 'to_hub' && t.type === 'product');
    expect(fromErp.map((t) => [t.externalId, t.status, t.reasonCode])).toEqual([[code, 'skipped', 'echo']]);
    const shown = await w.api(`/api/transfers/${fromErp[0].id}`);
    expect(shown.activity.map((a: any) => a.step)).not.toContain('fetch');
  });
});
