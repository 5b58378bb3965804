/**
 * Polling and manual sync end to end, against the demo systems: the ERP sends no hook for
 * categories, so hookyard polls them; a manual sync transfers exactly the ids it is given.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { startWorld, transfers, type World } from './helpers/world.js';
import { until } from './helpers/wait.js';

let world: World | null = null;
const extraHubs: Hub[] = [];
afterEach(async () => {
  for (const hub of extraHubs.splice(0)) await hub.close();
  await world?.close();
  world = null;
});


const collectionsNamed = (w: World, title: string) => [...w.shop.collections.values()].filter((c) => c.title === title);

describe('polling', () => {
  it('brings a poll-only type (ERP categories) into the hub and on to the shop, each once', async () => {
    world = await startWorld((config) => {
      config.connections.erp.poll = { product_category: '100ms' };
    });
    const w = world;
    const first = w.erp.upsertCategory({ name: 'Kitchen' });
    await until('Kitchen reaches the shop', () => collectionsNamed(w, 'Kitchen').length === 1);
    w.erp.upsertCategory({ code: first.code, name: 'Kitchen & Dining' });
    w.erp.upsertCategory({ name: 'Garden' });
    await until('the rename and Garden reach the shop', () => collectionsNamed(w, 'Kitchen & Dining').length === 1 && collectionsNamed(w, 'Garden').length === 1);
    await w.settle();
    expect(collectionsNamed(w, 'Kitchen')).toHaveLength(0);
    expect(w.shop.writes.count('custom_collections', 'create')).toBe(w.erp.categories.size);
    const polled = await transfers(w, 'connection=erp&scope=product_category/updated');
    expect(polled.length).toBeGreaterThanOrEqual(w.erp.categories.size); // each category polled at least once
    expect(new Set(polled.map((t) => t.requestType))).toEqual(new Set(['polling']));
    const hubId = polled.find((t) => t.externalId === first.code && t.status === 'succeeded')!.hubId;
    expect((await w.api(`/api/records/product_category/${hubId}`)).record.data).toEqual({ name: 'Kitchen & Dining' });
    const [feed] = (await w.api('/api/feeds?connection=erp')).items;
    expect(feed).toMatchObject({ kind: 'poll', type: 'product_category', lastError: null });
    expect(feed.records).toBeGreaterThanOrEqual(3);
  });

  it('never runs two polls of one connection × type at once, even with two schedulers on one store', async () => {
    world = await startWorld((config) => {
      config.connections.erp.poll = { product_category: '20ms' };
    });
    const w = world;
    // A second hub process' worth of schedulers: another store connection to the same file.
    const second = await createHub({ config: w.config, store: await openStore({ dataDir: w.dataDir }) });
    extraHubs.push(second);
    // The ERP's integration as both hubs loaded it from examples/integrations/acme-erp.yaml.
    const acmeErp = w.config.connections.get('erp')!.integration;
    const poll = acmeErp.poll!;
    let active = 0;
    let most = 0;
    let calls = 0;
    acmeErp.poll = async (type, cursor, ctx) => {
      active += 1;
      calls += 1;
      most = Math.max(most, active);
      try {
        await new Promise((r) => setTimeout(r, 30)); // long enough for the other scheduler to try
        return await poll.call(acmeErp, type, cursor, ctx);
      } finally {
        active -= 1;
      }
    };
    try {
      await until('a dozen polls', () => calls >= 12); // both schedulers try every 20 ms
    } finally {
      acmeErp.poll = poll;
    }
    expect(most).toBe(1);
  });

  it('polls at once when a "poll now" hook arrives', async () => {
    world = await startWorld((config) => {
      config.connections.erp.poll = { product_category: '1h' };
    });
    const w = world;
    await until('the first poll', async () => ((await w.api('/api/feeds?connection=erp')).items[0]?.pages ?? 0) >= 1);
    w.erp.upsertCategory({ name: 'Lighting' });
    w.erp.sendNotifications([{ event: 'category.poll', id: 'now' }]);
    await until('Lighting reaches the shop', () => collectionsNamed(w, 'Lighting').length === 1);
  });
});

describe('manual sync', () => {
  it('transfers exactly the listed ids', async () => {
    world = await startWorld();
    const w = world;
    w.erp.pauseHooks(); // the ERP says nothing: only the sync moves these
    const codes = ['A', 'B', 'C', 'D'].map((l) => w.erp.createItem({ name: `Sync ${l}`, sku: `SYNC-${l}`, price: 2, status: 'ACTIVE' }).code);
    const response = await fetch(`${w.url}/api/connections/erp/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'product', ids: [codes[0], codes[2], codes[2]] }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ queued: 2, absorbed: 0 });
    await w.settleHub();
    const skus = [...w.shop.products.values()].map((p) => p.variants[0]?.sku).filter((s) => s?.startsWith('SYNC-'));
    expect(skus.sort()).toEqual(['SYNC-A', 'SYNC-C']);
    const bulk = await transfers(w, 'connection=erp&scope=product/updated');
    expect(bulk.map((t) => [t.externalId, t.requestType, t.status]).sort()).toEqual([
      [codes[0], 'bulk', 'succeeded'],
      [codes[2], 'bulk', 'succeeded'],
    ]);
  });
});
