/**
 * Feeds under crashes, with real processes and SIGKILL: a poll killed before its page was
 * committed is repeated, and an initialization killed half-way resumes and completes — neither
 * loses nor doubles a record.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../src/demo/index.js';
import { openStore } from '../src/store/index.js';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort, until } from './helpers/wait.js';

/** Longer than any test here runs: a request held this long is in flight until the process dies. */
const HOLD_MS = 600_000;
const KEYS = { shopSecret: 'demo-shop-secret', shopToken: 'demo-shop-token', erpHook: 'demo-erp-key', erpToken: 'demo-erp-token' };
const dirs: string[] = [];
const systems: Array<DemoShop | DemoErp> = [];
afterEach(async () => {
  await killAllHubs();
  for (const system of systems.splice(0)) await system.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});



/** examples/demo.yaml pointed at these systems, with a short lease so a dead worker's feed is taken over quickly. */
function writeConfig(dir: string, shopUrl: string, erpUrl: string, adjust: (config: any) => void = () => {}): string {
  const config = parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8'));
  config.engine = { ...config.engine, lease: '1500ms' };
  config.connections.shop.settings.baseUrl = shopUrl;
  config.connections.erp.settings.baseUrl = erpUrl;
  for (const connection of Object.values<any>(config.connections)) connection.retry = { maxAttempts: 20, delays: ['200ms'] };
  adjust(config);
  const file = join(dir, 'hookyard.yaml');
  writeFileSync(file, stringify(withAbsoluteIntegrations(config)));
  return file;
}

describe('a poll killed before its page was committed', () => {
  it('is repeated from the same cursor after restart: every category arrives once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-poll-crash-'));
    dirs.push(dir);
    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    const shop = await startDemoShop({ hubUrl, signingSecret: KEYS.shopSecret, accessToken: KEYS.shopToken });
    const erp = await startDemoErp({ hubUrl, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken });
    systems.push(shop, erp);
    for (const name of ['Kitchen', 'Garden', 'Office']) erp.upsertCategory({ name });
    // The first read of the category feed is held past the test's own timeout (the ERP drops it on
    // close): the hub dies waiting for it, with that read in flight.
    let feedReads = 0;
    erp.failRequests({ method: 'GET', match: (request) => request.path.startsWith('/api/categories') && ++feedReads === 1, delayMs: HOLD_MS });
    const config = writeConfig(dir, shop.url, erp.url, (c) => (c.connections.erp.poll = { product_category: '200ms' }));
    const data = join(dir, 'data');

    const first = await startHub({ config, data, port });
    await until('the hub asks the ERP for categories', () => feedReads >= 1);
    // In flight at the kill: the one read that arrived is still held; no second read means the
    // hub did not give up on it either.
    expect(feedReads, 'category reads at the kill').toBe(1);
    await first.stop('SIGKILL');
    const before = await openStore({ dataDir: data });
    const [feed] = await before.listFeeds();
    expect(feed).toMatchObject({ kind: 'poll', cursor: null, pages: 0 }); // nothing was committed
    await before.close();

    const second = await startHub({ config, data, port });
    await until('every category reaches the shop', () => shop.collections.size === 3);
    await until('the hub is quiet', async () => {
      const counts = (await (await fetch(`${second.url}/readyz`)).json()).counts;
      return counts.transfers.queued + counts.transfers.running + counts.transfers.retrying === 0;
    });
    expect([...shop.collections.values()].map((c) => c.title).sort()).toEqual(['Garden', 'Kitchen', 'Office']);
    expect(shop.writes.count('custom_collections', 'create')).toBe(3);
    const polled = (await (await fetch(`${second.url}/api/transfers?connection=erp&scope=product_category/updated&limit=100`)).json()).items;
    expect(new Set(polled.map((t: any) => t.externalId)).size).toBe(3);
    expect(polled).toHaveLength(3); // the repeated poll found them once: nothing had been queued before the kill
  }, 60_000);
});

describe('an initialization of 5,000 records killed half-way', () => {
  it('resumes from its last committed page and completes without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-init-crash-'));
    dirs.push(dir);
    const erp = await startDemoErp({ hubUrl: 'http://127.0.0.1:9', webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken });
    systems.push(erp);
    erp.pauseHooks(); // no hub listens: this test is about the initialization alone
    for (let i = 0; i < 5000; i++) erp.createItem({ name: `Item ${i}`, sku: `INIT-${i}`, price: 1, status: 'ACTIVE' });
    // Each page of the item list takes a little while. The first page asked for once half the
    // records are queued is held past the test's own timeout: the kill lands with it in flight.
    const isItemList = (path: string) => path.startsWith('/api/items') && !path.startsWith('/api/items/');
    let progress = '';
    const halfway = () => /\b(2[5-9]\d\d|[34]\d\d\d)\/5000\b/.test(progress);
    let held = 0;
    erp.failRequests({ method: 'GET', match: (request) => isItemList(request.path) && held === 0 && halfway() && ++held === 1, delayMs: HOLD_MS });
    erp.failRequests({ method: 'GET', match: (request) => isItemList(request.path), delayMs: 60 });
    const config = writeConfig(dir, 'http://127.0.0.1:9', erp.url);
    const data = join(dir, 'data');
    await (await openStore({ dataDir: data })).close(); // sync works on the store a hub made: make it
    const args = [resolve(projectRoot, 'bin/hookyard.js'), 'sync', '--config', config, '--data', data, '--connection', 'erp', '--type', 'product', '--all'];

    const first = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    first.stderr!.on('data', (chunk: Buffer) => (progress += chunk.toString()));
    const firstExit = new Promise((r) => first.once('exit', r));
    await until('a page is asked for once half the records are queued', () => held === 1);
    expect(first.exitCode, progress).toBeNull();
    first.kill('SIGKILL');
    await firstExit;

    const midway = await openStore({ dataDir: data });
    const [feed] = await midway.listFeeds();
    expect(feed).toMatchObject({ kind: 'init', status: 'running', total: 5000 });
    expect(feed!.records).toBeGreaterThan(0);
    expect(feed!.records).toBeLessThan(5000);
    await midway.close();
    await new Promise((r) => setTimeout(r, 1600)); // the dead run's lease (1.5 s) ends

    const second = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    second.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    second.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((r) => second.once('exit', r));
    expect(code, output).toBe(0);
    expect(output).toContain('initialization of erp product: 5000 record(s) queued');

    const store = await openStore({ dataDir: data });
    const ids = new Set<string>();
    let rows = 0;
    for (let before: number | undefined; ; ) {
      const page = await store.listTransfers({ limit: 500, before });
      for (const t of page.items) {
        expect(t.requestType).toBe('initialization');
        ids.add(t.externalId!);
        rows += 1;
      }
      if (page.next === null) break;
      before = page.next;
    }
    expect(rows).toBe(5000);
    expect(ids.size).toBe(5000);
    expect((await store.listFeeds())[0]).toMatchObject({ status: 'done', records: 5000 });
    await store.close();
  }, 90_000);
});
