/**
 * Reloading the configuration of a running hub over the admin API, from a real file, with the
 * demo shop and ERP as real HTTP systems: a dead transfer replayed after the reload runs with the
 * new base URL and mapping; a broken file, an unknown integration or a change to a setting fixed
 * at start is refused with its code, and the hub goes on with the configuration it had.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { loadConfig } from '../src/config/load.js';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../src/demo/index.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { tempDir } from './helpers/hub.js';
import { projectRoot, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort, until } from './helpers/wait.js';
import { KEYS } from './helpers/world.js';

const TOKEN = 'reload-admin-token';

interface Setup {
  hub: Hub;
  shop: DemoShop;
  erp: DemoErp;
  url: string;
  file: string;
  /** The demo configuration as data, ERP pointed at `erpUrl`; `adjust` changes it further. */
  write(options: { erpUrl: string; adjust?: (config: any) => void }): void;
  api(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

let setup: Setup | null = null;
afterEach(async () => {
  await setup?.close();
  setup = null;
});

/** A port nothing listens on: calls to it are refused (a retryable failure). */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

async function start(firstErpUrl: (erp: DemoErp) => Promise<string> | string): Promise<Setup> {
  const dir = tempDir('hookyard-reload-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const shop = await startDemoShop({ hubUrl: url, signingSecret: KEYS.shopSecret, accessToken: KEYS.shopToken, retryDelaysMs: [20, 50, 100, 200, 400] });
  const erp = await startDemoErp({ hubUrl: url, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20, 50, 100, 200, 400] });
  const file = join(dir.path, 'hookyard.yaml');
  const write: Setup['write'] = ({ erpUrl, adjust }) => {
    const config = withAbsoluteIntegrations(parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8')));
    config.connections.shop.settings.baseUrl = shop.url;
    config.connections.erp.settings.baseUrl = erpUrl;
    delete config.connections.erp.poll; // no background calls to the ERP beside the ones under test
    // One attempt: a failed call leaves a dead transfer at once.
    for (const connection of Object.values<any>(config.connections)) connection.retry = { maxAttempts: 1 };
    adjust?.(config);
    writeFileSync(file, stringify(config));
  };
  write({ erpUrl: await firstErpUrl(erp) });
  const config = await loadConfig(file, { env: {} });
  const store = await openStore({ dataDir: join(dir.path, 'data') });
  const hub = await createHub({ config, store, adminToken: TOKEN, env: {} });
  await hub.listen(port, '127.0.0.1');
  const api: Setup['api'] = async (method, path) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: await response.json() };
  };
  return {
    hub,
    shop,
    erp,
    url,
    file,
    write,
    api,
    async close() {
      await hub.close();
      await Promise.all([shop.close(), erp.close()]);
      dir.remove();
    },
  };
}

/** The ERP-bound transfers for the product with this SKU's hub record, newest first. */
async function erpTransfers(s: Setup): Promise<any[]> {
  return (await s.api('GET', '/api/transfers?connection=erp&limit=500')).body.items.filter((t: any) => t.direction === 'from_hub' && t.type === 'product');
}

describe('POST /api/config/reload', () => {
  it('swaps in the new base URL and mapping: a dead transfer replayed after the reload reaches the ERP with the new mapping', async () => {
    setup = await start(() => deadUrl());
    const s = setup;
    s.shop.createProduct({ title: 'Reload lamp', status: 'active', variants: [{ sku: 'RL-1', price: '12.50' }] });
    await until('the ERP-bound transfer is dead (its base URL answers nothing)', async () => (await erpTransfers(s)).some((t) => t.status === 'dead'));
    const [dead] = (await erpTransfers(s)).filter((t) => t.status === 'dead');
    expect(s.erp.items.size).toBe(0);

    // The file now names the real ERP, and the ERP's product mapping marks the name.
    s.write({
      erpUrl: s.erp.url,
      adjust: (config) => {
        config.connections.erp.mappings.product.from_hub.fields.name = { formula: "name & ' (reloaded)'" };
      },
    });
    // Behind the admin token like the rest of /api.
    expect((await fetch(`${s.url}/api/config/reload`, { method: 'POST' })).status).toBe(401);
    const reloaded = await s.api('POST', '/api/config/reload');
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toMatchObject({ reloaded: true, file: s.file, connections: ['shop', 'erp'], added: [], removed: [], changed: ['erp'] });
    expect(s.hub.config.connections.get('erp')!.settings.baseUrl).toBe(s.erp.url);

    expect((await s.api('POST', `/api/transfers/${dead.id}/retry`)).status).toBe(200);
    await until('the replayed transfer succeeded', async () => (await s.api('GET', `/api/transfers/${dead.id}`)).body.transfer.status === 'succeeded');
    const items = [...s.erp.items.values()].filter((item) => item.sku === 'RL-1');
    expect(items).toHaveLength(1);
    expect(items[0]!.name).toBe('Reload lamp (reloaded)');
  }, 60_000);

  it('refuses a broken file, an unknown integration and a change that needs a restart, and keeps running with the old configuration', async () => {
    setup = await start((erp) => erp.url);
    const s = setup;
    const before = (await s.api('GET', '/api/connections')).body.items.map((c: any) => c.name);
    expect(before).toEqual(['shop', 'erp']);

    writeFileSync(s.file, 'connections:\n  shop: [unclosed\n');
    const broken = await s.api('POST', '/api/config/reload');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'HY_ERR_CONFIG_INVALID' });
    expect(broken.body.message).toMatch(/not valid YAML/);

    s.write({
      erpUrl: s.erp.url,
      adjust: (config) => {
        config.connections.extra = { ...config.connections.erp, integration: 'no-such-integration' };
      },
    });
    const unknown = await s.api('POST', '/api/config/reload');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'HY_ERR_CONFIG_INVALID' });
    expect(unknown.body.message).toMatch(/connections\.extra\.integration/);

    // A mapping change that would apply, beside a port change that cannot: nothing is taken on.
    s.write({
      erpUrl: s.erp.url,
      adjust: (config) => {
        config.server.port = 9999;
        config.connections.erp.mappings.product.from_hub.fields.name = { formula: "name & ' (never)'" };
      },
    });
    const restart = await s.api('POST', '/api/config/reload');
    expect(restart.status).toBe(409);
    expect(restart.body).toMatchObject({ error: 'HY_ERR_CONFIG_RESTART_REQUIRED' });
    expect(restart.body.message).toMatch(/server\.port: 8080 → 9999/);

    // Still the old configuration: same connections, and a new product reaches the ERP through the old mapping.
    expect((await s.api('GET', '/api/connections')).body.items.map((c: any) => c.name)).toEqual(['shop', 'erp']);
    s.shop.createProduct({ title: 'Steady lamp', status: 'active', variants: [{ sku: 'ST-1', price: '9.00' }] });
    await until('the ERP-bound transfer succeeded', async () => (await erpTransfers(s)).some((t) => t.status === 'succeeded'));
    expect((await erpTransfers(s)).map((t) => t.status)).toEqual(['succeeded']);
    expect([...s.erp.items.values()].filter((item) => item.sku === 'ST-1').map((item) => item.name)).toEqual(['Steady lamp']);

    // A good file after the refusals is taken on.
    s.write({
      erpUrl: s.erp.url,
      adjust: (config) => {
        delete config.connections.erp;
      },
    });
    const good = await s.api('POST', '/api/config/reload');
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ reloaded: true, connections: ['shop'], removed: ['erp'] });
    expect((await s.api('GET', '/api/connections')).body.items.map((c: any) => c.name)).toEqual(['shop']);
  }, 60_000);
});
