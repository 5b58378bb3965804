/**
 * SIGTERM with work in flight, in a real process: the hub stops taking hooks, waits its grace
 * period, hands back the transfer still waiting on a slow system, and exits 0; the next process
 * finishes that transfer without a duplicate.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../src/demo/index.js';
import { openStore } from '../src/store/index.js';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort, until } from './helpers/wait.js';

const dirs: string[] = [];
const systems: Array<DemoShop | DemoErp> = [];
afterEach(async () => {
  await killAllHubs();
  for (const system of systems.splice(0)) await system.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});



describe('SIGTERM with a transfer in flight', () => {
  it('hands the transfer back after the grace period, exits 0, and the next process finishes it once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-sigterm-'));
    dirs.push(dir);
    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    const shop = await startDemoShop({ hubUrl, signingSecret: 'demo-shop-secret', accessToken: 'demo-shop-token' });
    const erp = await startDemoErp({ hubUrl, webhookKey: 'demo-erp-key', apiToken: 'demo-erp-token' });
    systems.push(shop, erp);
    const config = parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8'));
    config.engine = { ...config.engine, shutdownGrace: '500ms', lease: '30s' };
    config.connections.shop.settings.baseUrl = shop.url;
    config.connections.erp.settings.baseUrl = erp.url;
    delete config.connections.erp.poll;
    const file = join(dir, 'hookyard.yaml');
    writeFileSync(file, stringify(withAbsoluteIntegrations(config)));
    const data = join(dir, 'data');

    // The ERP takes the create but is slow to answer it: the transfer is in flight at SIGTERM.
    let creates = 0;
    erp.failRequests({ method: 'POST', match: (r) => r.path === '/api/items' && ++creates === 1, delayMs: 60_000, applyFirst: true });
    const first = await startHub({ config: file, data, port });
    shop.createProduct({ title: 'Slow lamp', status: 'active', variants: [{ sku: 'SLOW-1', price: '30.00' }] });
    await until('the ERP got the create', () => creates >= 1);

    const exit = await Promise.race([
      first.stop('SIGTERM'),
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`no exit 20 s after SIGTERM; the hub printed:\n${first.output()}`)), 20_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/1 transfer\(s\) still running after 500 ms were handed back/);
    const store = await openStore({ dataDir: data });
    const outbound = (await store.listTransfers({ limit: 50, connection: 'erp' })).items.filter((t) => t.direction === 'from_hub');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ status: 'queued', attempts: 0 }); // handed back; the attempt not counted
    await store.close();

    const second = await startHub({ config: file, data, port });
    await until('the transfer succeeded', async () => {
      const items = (await (await fetch(`${second.url}/api/transfers?connection=erp&limit=50`)).json()).items;
      return items.some((t: any) => t.direction === 'from_hub' && t.status === 'succeeded');
    });
    expect([...erp.items.values()].filter((i) => i.sku === 'SLOW-1')).toHaveLength(1); // the idempotency key found the first create
  }, 60_000);
});
