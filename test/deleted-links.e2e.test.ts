/**
 * Links of deleted records, end to end over real HTTP: after a system deleted its record, the hub
 * record's link to it is marked deleted, and later changes of that hub record follow the from_hub
 * mapping's on_deleted (skip, or create it anew) instead of dying on a 404 there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const shopProductsWithSku = (w: World, sku: string) => [...w.shop.products.values()].filter((p) => p.variants[0]?.sku === sku);

/** A product made in the shop and carried to the ERP, then deleted in the shop (delete_triggered_update in the hub). */
async function deletedInShop(w: World, sku: string) {
  const product = w.shop.createProduct({ title: 'Jug', status: 'active', variants: [{ sku, price: '8.00' }] });
  await w.settle();
  const item = [...w.erp.items.values()].find((i) => i.sku === sku)!;
  w.shop.deleteProduct(product.id);
  await w.settle();
  const deletes = await transfers(w, 'connection=shop&scope=product/deleted');
  expect(deletes[0]).toMatchObject({ status: 'succeeded', reasonCode: 'delete_triggered_update' });
  return { product, item, hubId: deletes[0].hubId as number };
}

describe('a record deleted in a system', () => {
  it('marks its link deleted, and a later change of the hub record is skipped there (deleted_in_destination), not sent to a 404', async () => {
    world = await startWorld((config) => {
      config.connections.shop.scopes.push('product/deleted');
    });
    const w = world;
    const { product, item, hubId } = await deletedInShop(w, 'JUG-1');
    const links = (await w.api(`/api/records/product/${hubId}`)).externalIds;
    expect(links.find((x: any) => x.connection === 'shop')).toMatchObject({ externalId: String(product.id), deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(links.find((x: any) => x.connection === 'erp')).toMatchObject({ deletedAt: null }); // deactivated there, not deleted

    w.erp.updateItem(item.code, { price: 9.5 });
    await w.settle();
    const toShop = (await transfers(w, 'connection=shop')).filter((t) => t.direction === 'from_hub' && t.hubId === hubId);
    expect(toShop.at(0)).toMatchObject({ status: 'skipped', reasonCode: 'deleted_in_destination' });
    expect(await transfers(w, 'status=dead')).toEqual([]);
    expect(shopProductsWithSku(w, 'JUG-1')).toEqual([]);
  });

  it('with on_deleted: recreate, creates the record anew there and links the new one', async () => {
    world = await startWorld((config) => {
      config.connections.shop.scopes.push('product/deleted');
      config.connections.shop.mappings.product.from_hub.on_deleted = 'recreate';
    });
    const w = world;
    const { product, item, hubId } = await deletedInShop(w, 'JUG-2');
    w.erp.updateItem(item.code, { price: 9.5, status: 'ACTIVE' });
    await w.settle();
    const again = shopProductsWithSku(w, 'JUG-2');
    expect(again).toHaveLength(1);
    expect(again[0]!.id).not.toBe(product.id);
    const toShop = (await transfers(w, 'connection=shop')).filter((t) => t.direction === 'from_hub' && t.hubId === hubId);
    expect(toShop.at(0)).toMatchObject({ status: 'succeeded', reason: `created ${again[0]!.id} in shop` });
    const links = (await w.api(`/api/records/product/${hubId}`)).externalIds;
    expect(links.filter((x: any) => x.connection === 'shop')).toEqual([expect.objectContaining({ externalId: String(again[0]!.id), deletedAt: null })]);
    expect(await transfers(w, 'status=dead')).toEqual([]);
  });

});
