/**
 * Leases that hold. A transfer slower than its lease keeps it (renewed while it runs) and runs
 * once; a run that stalls past its lease — its process stopped with SIGSTOP — is taken over by
 * another process, and when it wakes it can commit nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../src/demo/index.js';
import { DEMO_KEYS } from '../src/demo/keys.js';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort } from './helpers/wait.js';
import { systemClock } from '../src/clock.js';
import { Guards } from '../src/engine/guard.js';
import { runInitialization } from '../src/engine/feeds.js';
import { startWorld, transfers, type World } from './helpers/world.js';

const cleanups: Array<() => Promise<void> | void> = [];
let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
  await killAllHubs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a transfer slower than its lease', () => {
  it('keeps its lease while the destination takes three times as long: one write, no second run', async () => {
    const LEASE_MS = 400;
    world = await startWorld((config) => {
      config.engine = { ...config.engine, lease: `${LEASE_MS}ms` };
    });
    const w = world;
    const slow = w.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', delayMs: 3 * LEASE_MS });
    w.shop.createProduct({ title: 'Slow kettle', status: 'active', variants: [{ sku: 'SLOW-1', price: '20.00' }] });

    // While the ERP holds the write, the request's lease keeps moving forward.
    const leases = new Set<number>();
    await until('the ERP write to start', () => (slow.hits > 0 ? true : undefined), 10_000);
    while (slow.hits > 0) {
      const running = (await w.hub.store.listTransfers({ status: 'running', connection: 'erp', limit: 10 })).items;
      if (running.length === 0) break;
      for (const t of running) if (t.leaseUntil !== null) leases.add(t.leaseUntil);
      await new Promise((r) => setTimeout(r, LEASE_MS / 8));
    }
    await w.settle();

    expect(slow.hits).toBe(1); // the destination saw one write
    expect(w.erp.writes.count('items', 'create')).toBe(1);
    const toErp = (await transfers(w, 'connection=erp')).filter((t) => t.direction === 'from_hub');
    expect(toErp).toHaveLength(1);
    expect(toErp[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    const starts = (await w.hub.store.activityOf(toErp[0].id)).filter((a) => a.step === 'start');
    expect(starts).toHaveLength(1);
    expect(leases.size).toBeGreaterThanOrEqual(2); // renewed at least once while it ran
  });
});

describe('a run whose claim was taken over while it waited', () => {
  it('makes no further call to the destination: only the run that holds the claim creates', async () => {
    const LEASE_MS = 600;
    world = await startWorld((config) => {
      config.engine = { ...config.engine, lease: `${LEASE_MS}ms` };
    });
    const w = world;
    const sku = 'TAKEN-1';
    // The ERP answers the first look-up by SKU (the item list filtered by ?sku=) late; every create is counted.
    let answeredAt = Infinity;
    const lookup = w.erp.failRequests({
      method: 'GET',
      match: (r) => r.path === '/api/items' && answeredAt === Infinity && (answeredAt = Date.now() + 4 * LEASE_MS) > 0,
      delayMs: 4 * LEASE_MS,
      applyFirst: true,
      times: 1,
    });
    const creates = w.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', delayMs: 1 });
    w.shop.createProduct({ title: 'Borrowed time', status: 'active', variants: [{ sku, price: '5.00' }] });
    for (let i = 0; i < 500 && lookup.hits === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lookup.hits).toBe(1);

    // Meanwhile its claim is taken over (as by a worker whose clock says the lease ran out), then
    // handed back: the request runs again under a new claim, and the waiting run's claim is gone.
    const future = Date.now() + 10 * LEASE_MS;
    const taken = await w.hub.store.claimTransfers('other', 50, future, LEASE_MS);
    expect(taken.some((t) => t.connection === 'erp' && t.direction === 'from_hub')).toBe(true);
    await w.hub.store.releaseTransfers('other', Date.now());
    await w.settle();
    // The world is quiet once the request ran again; the stale run is still waiting for its late
    // answer. Wait for that answer to have gone out, and for the hub to be quiet again after it.
    while (Date.now() < answeredAt + LEASE_MS) await new Promise((r) => setTimeout(r, 50));
    await w.settle();

    expect([...w.erp.items.values()].filter((item) => item.sku === sku)).toHaveLength(1);
    expect(creates.hits).toBe(1); // the stale run, told by its renewal that its claim was lost, called no more
    const dead = await transfers(w, 'status=dead');
    expect(dead).toEqual([]);
  });
});

describe('a circuit probe whose claim is taken over', () => {
  it('still tells the breaker how its call went: the circuit closes and delivery goes on', async () => {
    const LEASE_MS = 600;
    world = await startWorld((config) => {
      config.engine = { ...config.engine, lease: `${LEASE_MS}ms` };
      config.connections.erp.circuit = { failures: 1, cooldown: '100ms', probeInterval: '100ms' };
    });
    const w = world;
    const sku = 'PROBE-1';
    // The first create fails as a system that is down does: the circuit opens.
    w.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', status: 503, times: 1 });
    // The probe after the cooldown finds the ERP up, but its look-up by SKU is answered late.
    const lookups: number[] = [];
    w.erp.failRequests({ method: 'GET', match: (r) => r.path === '/api/items' && lookups.push(Date.now()) === 2, delayMs: 4 * LEASE_MS, times: 1 });
    w.shop.createProduct({ title: 'Half-open', status: 'active', variants: [{ sku, price: '7.00' }] });
    for (let i = 0; i < 500 && lookups.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lookups).toHaveLength(2);
    expect(w.hub.guards.states().erp).toBe('half-open');

    // The probe's claim is taken over and handed back while it waits.
    await w.hub.store.claimTransfers('other', 50, Date.now() + 10 * LEASE_MS, LEASE_MS);
    await w.hub.store.releaseTransfers('other', Date.now());
    while (Date.now() < lookups[1]! + 5 * LEASE_MS) await new Promise((r) => setTimeout(r, 50));
    await w.settle();

    expect(w.hub.guards.states().erp).toBe('closed');
    expect([...w.erp.items.values()].filter((item) => item.sku === sku)).toHaveLength(1);
    expect(await transfers(w, 'status=dead')).toEqual([]);
  });
});

describe('an initialization page slower than its lease', () => {
  it('keeps the feed: a second run is refused while the first waits, and the first completes once', async () => {
    const LEASE_MS = 300;
    world = await startWorld((config) => {
      config.engine = { ...config.engine, lease: `${LEASE_MS}ms` };
    });
    const w = world;
    w.erp.pauseHooks(); // this test is about the initialization alone
    for (let i = 0; i < 5; i++) w.erp.createItem({ name: `Slow item ${i}`, sku: `SLOWINIT-${i}`, price: 1, status: 'ACTIVE' });
    const isItemList = (path: string) => path.startsWith('/api/items') && !path.startsWith('/api/items/');
    const page = w.erp.failRequests({ method: 'GET', match: (r) => isItemList(r.path), delayMs: 4 * LEASE_MS, times: 1 });
    const deps = (worker: string) => ({ store: w.hub.store, config: w.config, clock: systemClock, guards: new Guards((name) => w.config.connections.get(name)!.guard, systemClock), worker, leaseMs: LEASE_MS });

    const first = runInitialization(deps('first'), 'erp', 'product');
    for (let i = 0; i < 200 && page.hits === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(page.hits).toBe(1);
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS)); // the lease would have run out twice by now
    await expect(runInitialization(deps('second'), 'erp', 'product')).rejects.toMatchObject({ code: 'HY_ERR_INITIALIZATION_RUNNING' });
    const feed = await first;
    expect(feed).toMatchObject({ status: 'done', records: w.erp.items.size });
    const queued = (await w.hub.store.listTransfers({ connection: 'erp', limit: 1000 })).items.filter((t) => t.requestType === 'initialization');
    expect(queued.map((t) => t.externalId).sort()).toEqual([...w.erp.items.keys()].sort()); // each once
  });
});

/** examples/demo.yaml pointed at these systems, with literal keys and a short lease. */
function writeConfig(dir: string, shop: DemoShop, erp: DemoErp, lease: string): string {
  const config = parseYaml(readFileSync(resolvePath(projectRoot, 'examples/demo.yaml'), 'utf8')) as Record<string, any>;
  delete config.server;
  config.engine = { ...config.engine, lease };
  const { shop: shopConnection, erp: erpConnection } = config.connections;
  shopConnection.webhook = { secret: DEMO_KEYS.shop.signingSecret };
  shopConnection.settings = { ...shopConnection.settings, baseUrl: shop.url, accessToken: DEMO_KEYS.shop.accessToken };
  // Shopify's topic bodies carry the product; here the hub reads it from the shop's API instead (a
  // record path the body does not have falls back to get), so that a run can stall mid-read.
  shopConnection.receiver = { record: { path: 'not_in_the_body' } };
  erpConnection.webhook = { apiKey: DEMO_KEYS.erp.webhookKey };
  erpConnection.settings = { ...erpConnection.settings, baseUrl: erp.url, apiToken: DEMO_KEYS.erp.apiToken };
  const file = join(dir, 'hookyard.yaml');
  writeFileSync(file, stringifyYaml(withAbsoluteIntegrations(config)));
  return file;
}

/** Waits until `check` gives a value (every 50 ms), failing after `ms` with what was printed. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms: number, output: () => string = () => ''): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${what} within ${ms} ms\n${output()}`);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe('a run that stalls past its lease', () => {
  it('is taken over by another process, and commits nothing when it wakes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-stall-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    const shop = await startDemoShop({ hubUrl, ...DEMO_KEYS.shop });
    cleanups.push(() => shop.close());
    const erp = await startDemoErp({ hubUrl, webhookKey: DEMO_KEYS.erp.webhookKey, apiToken: DEMO_KEYS.erp.apiToken });
    cleanups.push(() => erp.close());
    const config = writeConfig(dir, shop, erp, '1000ms');
    const data = join(dir, 'data');

    const stalled = await startHub({ config, data, port });
    // The shop answers the hub's first read of the product late: the run is mid-read when its process stops.
    const read = shop.failRequests({ method: 'GET', match: (r) => /\/admin\/api\/[^/]+\/products\/\d+\.json$/.test(r.path), delayMs: 2_500, times: 1 });
    const sku = `STALL-${Date.now().toString(36).toUpperCase()}`;
    const product = shop.createProduct({ title: 'Frozen clock', status: 'active', variants: [{ sku, price: '9.00' }] });
    await until('the stalled hub to read the product', () => (read.hits === 1 ? true : undefined), 15_000, stalled.output);
    stalled.child.kill('SIGSTOP');
    cleanups.push(() => void stalled.child.kill('SIGCONT'));

    // Another process takes the request over once the lease has run out, and finishes it.
    const taker = await startHub({ config, data });
    const toHub = await until('the taken-over transfer to succeed', async () => {
      const { items } = await getJson<{ items: any[] }>(`${taker.url}/api/transfers?connection=shop&status=succeeded&limit=100`);
      return items.find((t) => t.direction === 'to_hub' && t.externalId === String(product.id));
    }, 20_000, taker.output);
    await until('the ERP item', () => ([...erp.items.values()].some((item) => item.sku === sku) ? true : undefined), 20_000, taker.output);

    // The stalled run wakes: its read is answered, it maps — and its claim is gone.
    stalled.child.kill('SIGCONT');
    expect(await stalled.stop('SIGTERM')).toMatchObject({ code: 0 }); // a graceful stop waits for its transfers
    await taker.stop('SIGTERM');

    const reopened = await startHub({ config, data });
    const detail = await getJson<{ transfer: any; activity: Array<{ step: string; detail: string | null }> }>(`${reopened.url}/api/transfers/${toHub.id}`);
    expect(detail.transfer.attempts).toBe(2);
    const starts = detail.activity.filter((a) => a.step === 'start');
    expect(starts).toHaveLength(1); // only the run that held the claim wrote its log
    expect(starts[0]!.detail).toContain('attempt 2');
    expect(detail.activity.filter((a) => a.step === 'hub created')).toHaveLength(1);
    const record = await getJson<{ record: { version: number } }>(`${reopened.url}/api/records/product/${toHub.hubId}`);
    expect(record.record.version).toBe(1);
    const { items: toErp } = await getJson<{ items: any[] }>(`${reopened.url}/api/transfers?connection=erp&limit=100`);
    expect(toErp.filter((t) => t.direction === 'from_hub' && t.hubId === toHub.hubId)).toHaveLength(1); // one fan-out
    expect([...erp.items.values()].filter((item) => item.sku === sku)).toHaveLength(1);
    const dead = await getJson<{ items: any[] }>(`${reopened.url}/api/transfers?status=dead&limit=100`);
    expect(dead.items).toEqual([]);
  });
});
