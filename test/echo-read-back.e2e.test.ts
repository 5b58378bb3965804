/**
 * Stale reads, end to end on a fake clock with the real demo shop and ERP: a hook about an ERP
 * item that arrives after its echo was spent, while the hub record has moved on and the newer
 * values have not reached the ERP yet, reads the values hookyard wrote. It must not wind the hub
 * record back to them (and send the old values on to the shop). A change made in the ERP
 * meanwhile brings the fields it changed, not the stale others, and the same hook sent again
 * brings nothing; a change made afterwards, even back to what hookyard wrote, is still heard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FakeClock } from '../src/clock.js';
import { buildConfig } from '../src/config/load.js';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop, type ProductInput } from '../src/demo/index.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { tempDir } from './helpers/hub.js';
import { freePort } from './helpers/wait.js';
import { KEYS, type DemoConfig } from './helpers/world.js';

const DEMO_YAML = resolve(import.meta.dirname, '../examples/demo.yaml');

interface Setup {
  hub: Hub;
  shop: DemoShop;
  erp: DemoErp;
  clock: FakeClock;
  /** Lets one system's held hooks reach the hub, then resolves them into transfer requests. */
  deliver(system: DemoShop | DemoErp): Promise<void>;
  /** Runs transfer requests until none is due. */
  work(): Promise<void>;
  hubProduct(sku: string): Promise<Record<string, unknown>>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<Setup> {
  const dir = tempDir('hookyard-read-back-');
  cleanups.push(() => dir.remove());
  const port = await freePort();
  const hubUrl = `http://127.0.0.1:${port}`;
  const shop = await startDemoShop({ hubUrl, signingSecret: KEYS.shopSecret, accessToken: KEYS.shopToken, retryDelaysMs: [20] });
  cleanups.push(() => shop.close());
  const erp = await startDemoErp({ hubUrl, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20] });
  cleanups.push(() => erp.close());
  shop.pauseHooks();
  erp.pauseHooks();
  const data = parseYaml(readFileSync(DEMO_YAML, 'utf8')) as DemoConfig;
  const config = buildConfig(data, { file: DEMO_YAML, env: { SHOP_URL: shop.url, ERP_URL: erp.url } });
  const clock = new FakeClock();
  const hub = await createHub({ config, store: await openStore({ dataDir: dir.path }), clock, workers: false });
  cleanups.push(() => hub.close());
  await hub.listen(port, '127.0.0.1');
  return {
    hub,
    shop,
    erp,
    clock,
    async deliver(system) {
      system.resumeHooks();
      await system.settle();
      system.pauseHooks();
      while ((await hub.resolver.runOnce()) > 0);
    },
    async work() {
      while ((await hub.transfers.runOnce()) > 0);
    },
    async hubProduct(sku) {
      const { items } = await hub.store.listTransfers({ limit: 1000 });
      const hubId = items.find((t) => t.type === 'product' && t.hubId !== null)?.hubId;
      const record = hubId ? await hub.store.getHubRecord(hubId) : null;
      expect(record?.data.sku).toBe(sku);
      return record!.data;
    },
  };
}

/** The to_hub requests from the ERP about this item, oldest first. */
async function fromErp(hub: Hub, code: string) {
  const { items } = await hub.store.listTransfers({ limit: 1000 });
  return items.filter((t) => t.connection === 'erp' && t.direction === 'to_hub' && t.type === 'product' && t.externalId === code).sort((a, b) => a.id - b.id);
}

/**
 * A shop product hookyard created in the ERP as an item, the ERP's hook for that create taken as
 * its echo: the start of every case here.
 */
async function kettleInBoth(s: Setup) {
  const product = s.shop.createProduct({ title: 'Kettle', status: 'active', variants: [{ sku: 'KET-1', price: '25.00' }] });
  await s.deliver(s.shop);
  await s.work();
  const item = [...s.erp.items.values()].find((i) => i.sku === 'KET-1')!;
  expect(item).toMatchObject({ name: 'Kettle', price: 25 });
  await s.deliver(s.erp);
  await s.work();
  expect((await fromErp(s.hub, item.code)).map((t) => t.reasonCode)).toEqual(['echo']);
  return { product, item };
}

/**
 * The shop changes the product while the ERP refuses writes (503): the hub takes the change, the
 * ERP keeps the values hookyard wrote, and the write is retried later.
 */
async function changedWhileErpRefuses(s: Setup, productId: number, code: string, patch: ProductInput) {
  const refused = s.erp.failRequests({ method: 'PUT', pathIncludes: code, status: 503 });
  s.shop.updateProduct(productId, patch);
  await s.deliver(s.shop);
  await s.work();
  expect(refused.hits).toBe(1);
}

describe('stale reads from a source', () => {
  it('does not wind the hub record back when a late hook reads what hookyard wrote before the hub changed', async () => {
    const s = await setUp();
    const { product, item } = await kettleInBoth(s);

    // The shop changes the product while the ERP refuses writes: the hub has the new values, the ERP
    // keeps those hookyard wrote, and the write is retried later.
    await changedWhileErpRefuses(s, product.id, item.code, { title: 'Kettle, steel', variants: [{ sku: 'KET-1', price: '27.00' }] });
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle, steel', price: 27 });

    // The echo registered before the refused write is taken back: no hook follows a refusal.
    const { items: outs } = await s.hub.store.listTransfers({ limit: 1000 });
    const refusedWrite = outs.find((t) => t.connection === 'erp' && t.direction === 'from_hub' && t.status === 'retrying')!;
    expect((await s.hub.store.activityOf(refusedWrite.id)).map((a) => a.step)).toContain('echo withdrawn');

    // The ERP sends hooks about the item again (it re-sends, or a save changed nothing): with no echo
    // registered, each reads the item, finds hookyard's last write, and is dropped as stale.
    for (let i = 0; i < 2; i++) {
      s.erp.sendNotifications([{ event: 'item.changed', id: item.code }]);
      await s.deliver(s.erp);
      await s.work();
    }
    const resent = (await fromErp(s.hub, item.code)).slice(1);
    expect(resent.map((t) => [t.status, t.reasonCode])).toEqual([['skipped', 'stale'], ['skipped', 'stale']]);
    expect((await s.hub.store.activityOf(resent[1]!.id)).map((a) => a.step)).toContain('fetch');
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle, steel', price: 27 });

    // The ERP takes writes again: the retry brings it the hub's values, and the shop was never changed back.
    s.erp.clearFailures();
    const { items } = await s.hub.store.listTransfers({ limit: 1000 });
    const retrying = items.find((t) => t.connection === 'erp' && t.direction === 'from_hub' && t.status === 'retrying')!;
    s.clock.set(retrying.runAt);
    await s.work();
    expect(await s.hub.store.getTransfer(retrying.id)).toMatchObject({ status: 'succeeded' });
    expect(s.erp.items.get(item.code)).toMatchObject({ name: 'Kettle, steel', price: 27 });
    expect(s.shop.products.get(product.id)).toMatchObject({ title: 'Kettle, steel' });
    expect(s.shop.writes.count('products', 'update', product.id)).toBe(0);
  });

  it('takes in what the ERP changed while a newer hub value could not reach it, and keeps the hub value of the rest', async () => {
    const s = await setUp();
    const { product, item } = await kettleInBoth(s);

    await changedWhileErpRefuses(s, product.id, item.code, { title: 'Kettle, steel' });
    // Meanwhile someone changes the price in the ERP: its hook is not dropped as an echo of the
    // refused write, and brings the price, not the name the ERP still has from before.
    s.erp.updateItem(item.code, { price: 30 });
    await s.deliver(s.erp);
    await s.work();
    const change = (await fromErp(s.hub, item.code)).at(-1)!;
    expect(change).toMatchObject({ status: 'succeeded', reasonCode: null });
    expect((await s.hub.store.activityOf(change.id)).find((a) => a.step === 'merge')?.detail).toMatch(/^name: /);
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle, steel', price: 30 });
    // The ERP sends its hook again before hookyard's write gets through: it reads the name the ERP
    // still has, and the price already taken in; nothing new, so the hub's name stays.
    s.erp.sendNotifications([{ event: 'item.changed', id: item.code }]);
    await s.deliver(s.erp);
    await s.work();
    expect((await fromErp(s.hub, item.code)).at(-1)).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle, steel', price: 30 });

    s.erp.clearFailures();
    const { items } = await s.hub.store.listTransfers({ limit: 1000 });
    s.clock.set(Math.max(...items.filter((t) => t.status === 'retrying').map((t) => t.runAt)));
    await s.work();
    expect(s.erp.items.get(item.code)).toMatchObject({ name: 'Kettle, steel', price: 30 });
    expect(s.shop.products.get(product.id)).toMatchObject({ title: 'Kettle, steel', variants: [expect.objectContaining({ price: '30.00' })] });
  });

  it('remembers what the ERP came to by itself, so that a change back from it is heard', async () => {
    const s = await setUp();
    const { product, item } = await kettleInBoth(s);
    await changedWhileErpRefuses(s, product.id, item.code, { title: 'Kettle, steel' });

    // Someone in the ERP makes the same change: nothing changes in the hub, but the ERP's values are noted.
    s.erp.updateItem(item.code, { name: 'Kettle, steel' });
    await s.deliver(s.erp);
    await s.work();
    expect((await fromErp(s.hub, item.code)).at(-1)).toMatchObject({ status: 'succeeded', reasonCode: 'unchanged' });

    // And takes it back: the name the ERP had from hookyard before, but a change in the ERP now.
    s.erp.updateItem(item.code, { name: 'Kettle' });
    await s.deliver(s.erp);
    await s.work();
    expect((await fromErp(s.hub, item.code)).at(-1)).toMatchObject({ status: 'succeeded', reasonCode: null });
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle', price: 25 });
  });

  it('hears a change made in the ERP after hookyard wrote, even one back to what hookyard wrote', async () => {
    const s = await setUp();
    const { item } = await kettleInBoth(s);

    s.erp.updateItem(item.code, { price: 31 });
    await s.deliver(s.erp);
    await s.work();
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle', price: 31 });

    s.erp.updateItem(item.code, { price: 25 }); // what hookyard once wrote there
    await s.deliver(s.erp);
    await s.work();
    const last = (await fromErp(s.hub, item.code)).at(-1)!;
    expect(last).toMatchObject({ status: 'succeeded', reasonCode: null });
    expect(await s.hubProduct('KET-1')).toMatchObject({ name: 'Kettle', price: 25 });
  });
});
