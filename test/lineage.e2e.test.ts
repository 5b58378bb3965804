/**
 * A hub record's lineage over real HTTP, against the demo shop and ERP: the hook that brought the
 * record in, the to_hub request that wrote it, the from_hub request that wrote it out — oldest
 * first, each with its activity — and the errors for records that are not there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function raw(w: World, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${w.url}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('GET /api/records/:type/:id/lineage', () => {
  it('lists the to_hub request and the from_hub fan-out of a record in order, with their hook and activity, paged', async () => {
    world = await startWorld();
    const w = world;
    const product = w.shop.createProduct({ title: 'Lineage mug', status: 'active', variants: [{ sku: 'LIN-1', price: '9.00' }] });
    await w.settle();

    const fromShop = (await transfers(w, 'connection=shop&status=succeeded')).find((t) => t.direction === 'to_hub' && t.externalId === String(product.id));
    expect(fromShop).toBeDefined();
    const hubId = fromShop.hubId as number;
    const hook = await w.api(`/api/hooks/${fromShop.hookId}`);
    expect(hook.hook.connection).toBe('shop');
    expect(hook.notifications.map((n: any) => n.externalId)).toContain(String(product.id));

    const lineage = await w.api(`/api/records/product/${hubId}/lineage`);
    expect(lineage.next).toBeNull();
    const ids = lineage.items.map((s: any) => s.transfer.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(lineage.items.every((s: any) => s.transfer.hubId === hubId)).toBe(true);

    const [first, second] = lineage.items;
    expect(first.transfer).toMatchObject({
      id: fromShop.id,
      direction: 'to_hub',
      connection: 'shop',
      scope: 'product/created',
      externalId: String(product.id),
      status: 'succeeded',
      hookId: fromShop.hookId,
    });
    expect(first.activity.map((a: any) => a.step)).toEqual(expect.arrayContaining(['start']));
    expect(first.activity).toEqual((await w.api(`/api/transfers/${fromShop.id}`)).activity);

    const item = [...w.erp.items.values()].find((i) => i.sku === 'LIN-1')!;
    expect(second.transfer).toMatchObject({ direction: 'from_hub', connection: 'erp', sourceConnection: 'shop', status: 'succeeded', parentId: fromShop.id });
    expect(second.activity.map((a: any) => a.step)).toEqual(expect.arrayContaining(['start', 'created']));
    expect(second.activity).toEqual((await w.api(`/api/transfers/${second.transfer.id}`)).activity);
    expect((await w.api(`/api/records/product/${hubId}`)).externalIds.map((x: any) => [x.connection, x.externalId]).sort()).toEqual([
      ['erp', item.code],
      ['shop', String(product.id)],
    ]);

    // One step a page: the cursor walks forwards to the end.
    const page1 = await w.api(`/api/records/product/${hubId}/lineage?limit=1`);
    expect(page1.items.map((s: any) => s.transfer.id)).toEqual([ids[0]]);
    expect(page1.next).toBe(ids[0]);
    const page2 = await w.api(`/api/records/product/${hubId}/lineage?limit=1&after=${page1.next}`);
    expect(page2.items.map((s: any) => s.transfer.id)).toEqual([ids[1]]);
  });

  it('answers 404 for an unknown record or one of another type, and 400 for a bad type, id or query', async () => {
    world = await startWorld();
    const w = world;
    w.shop.createProduct({ title: 'Lineage cup', status: 'active', variants: [{ sku: 'LIN-2', price: '5.00' }] });
    await w.settle();
    const hubId = (await transfers(w, 'connection=shop&status=succeeded')).find((t) => t.direction === 'to_hub' && t.hubId !== null).hubId;

    expect(await raw(w, '/api/records/product/999999/lineage')).toMatchObject({ status: 404, body: { error: 'HY_ERR_RECORD_NOT_FOUND' } });
    expect(await raw(w, `/api/records/customer/${hubId}/lineage`)).toMatchObject({ status: 404, body: { error: 'HY_ERR_RECORD_NOT_FOUND' } });
    for (const path of [
      `/api/records/nonsense/${hubId}/lineage`,
      '/api/records/product/abc/lineage',
      '/api/records/product/0/lineage',
      `/api/records/product/${hubId}/lineage?limit=0`,
      `/api/records/product/${hubId}/lineage?after=-1`,
      `/api/records/product/${hubId}/lineage?before=3`,
    ]) {
      const answer = await raw(w, path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.body.error, path).toMatch(/^HY_ERR_/);
    }
  });
});
