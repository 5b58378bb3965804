/**
 * Children retried with their parent, end to end: the ERP's catch-all message runs a product
 * child inline; a child that fails under an attempt that is retried (or later succeeds) leaves the
 * dead letters with the parent's outcome, its error kept; a parent that dies keeps its last child dead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function itemBehindFailingReads(w: World, sku: string, times?: number) {
  w.erp.pauseHooks();
  const item = w.erp.createItem({ name: 'Stool', sku, price: 30, status: 'ACTIVE' });
  w.erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(item.code), status: 503, ...(times === undefined ? {} : { times }) });
  w.erp.resumeHooks();
  await w.settle();
  const parents = (await transfers(w, 'connection=erp&scope=message/created')).filter((t) => t.externalId === item.code);
  expect(parents).toHaveLength(1);
  const shown = await w.api(`/api/transfers/${parents[0].id}`);
  return { parent: parents[0], children: shown.children as any[] };
}

describe('children of a parent that is retried', () => {
  it('a child that fails twice and then succeeds leaves no dead child: the failed ones end retried_with_parent', async () => {
    world = await startWorld();
    const { parent, children } = await itemBehindFailingReads(world, 'STOOL-1', 2);
    expect(parent).toMatchObject({ status: 'succeeded', reasonCode: 'resolved_by_child', attempts: 3 });
    expect(children.map((c) => [c.status, c.reasonCode])).toEqual([
      ['skipped', 'retried_with_parent'],
      ['skipped', 'retried_with_parent'],
      ['succeeded', null],
    ]);
    for (const child of children.slice(0, 2)) expect(child).toMatchObject({ lastErrorCode: 'HY_ERR_DESTINATION_FAILED', lastError: expect.stringContaining('503') });
    expect(await transfers(world, 'status=dead')).toEqual([]);
  });

  it('a child that always fails dies with its parent; the children of earlier attempts were retried with it', async () => {
    world = await startWorld();
    const { parent, children } = await itemBehindFailingReads(world, 'STOOL-2');
    expect(parent).toMatchObject({ status: 'dead', lastErrorCode: 'HY_ERR_CHILD_FAILED', attempts: 3 });
    expect(children.map((c) => [c.status, c.reasonCode])).toEqual([
      ['skipped', 'retried_with_parent'],
      ['skipped', 'retried_with_parent'],
      ['dead', null],
    ]);
    const dead = await transfers(world, 'status=dead');
    expect(dead.map((t) => t.id).sort()).toEqual([parent.id, children[2].id].sort());
  });
});
