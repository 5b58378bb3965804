/**
 * A whole world for end-to-end tests over real HTTP: a hub (real port, SQLite in a temp dir,
 * workers running) and the demo shop and ERP (real HTTP systems that send real hooks), wired
 * with examples/demo.yaml, which each test may adjust.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildConfig, type HubConfig } from '../../src/config/load.js';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../../src/demo/index.js';
import { createHub, type Hub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { tempDir } from './hub.js';
import { freePort } from './wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const KEYS = { shopSecret: 'demo-shop-secret', shopToken: 'demo-shop-token', erpHook: 'demo-erp-key', erpToken: 'demo-erp-token' };

export interface World {
  hub: Hub;
  shop: DemoShop;
  erp: DemoErp;
  url: string;
  /** The hub's data directory (its SQLite file lives there). */
  dataDir: string;
  /** The configuration the hub runs with. */
  config: HubConfig;
  /** Waits until every system delivered its hooks and the hub has nothing left to do now. */
  settle(): Promise<void>;
  /** The hub alone (for a test that holds a system's hooks back). */
  settleHub(): Promise<void>;
  api<T = any>(path: string): Promise<T>;
  close(): Promise<void>;
}


/** The demo config as data, for a test to change before the hub starts. */
export type DemoConfig = { connections: Record<string, any>; engine?: Record<string, unknown> } & Record<string, any>;

export async function startWorld(adjust: (config: DemoConfig) => void = () => {}): Promise<World> {
  const dir = tempDir('hookyard-world-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const shop = await startDemoShop({ hubUrl: url, signingSecret: KEYS.shopSecret, accessToken: KEYS.shopToken, retryDelaysMs: [20, 50, 100, 200, 400] });
  const erp = await startDemoErp({ hubUrl: url, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20, 50, 100, 200, 400] });
  const data = parseYaml(readFileSync(resolve(ROOT, 'examples/demo.yaml'), 'utf8')) as DemoConfig;
  // Retries within a test's time: a few quick attempts instead of minutes.
  for (const connection of Object.values(data.connections)) connection.retry = { maxAttempts: 3, delays: ['50ms'] };
  adjust(data);
  const config = buildConfig(data, { file: resolve(ROOT, 'examples/demo.yaml'), env: { SHOP_URL: shop.url, ERP_URL: erp.url } });
  const store = await openStore({ dataDir: dir.path });
  const hub = await createHub({ config, store });
  await hub.listen(port, '127.0.0.1');

  const api = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  async function quiet(): Promise<boolean> {
    const counts = await hub.store.counts();
    return counts.hooks.received === 0 && counts.transfers.queued === 0 && counts.transfers.running === 0 && counts.transfers.retrying === 0;
  }

  return {
    hub,
    shop,
    erp,
    url,
    dataDir: dir.path,
    config,
    api,
    async settle() {
      await settleWith(async () => {
        await Promise.all([shop.settle(), erp.settle()]);
      });
    },
    async settleHub() {
      await settleWith(async () => {});
    },
    async close() {
      await hub.close();
      await Promise.all([shop.close(), erp.close()]);
      dir.remove();
    },
  };

  async function settleWith(systems: () => Promise<void>): Promise<void> {
      // Quiet three looks in a row, 50 ms apart: hooks may still be on their way between looks.
      let calm = 0;
      for (let i = 0; i < 400 && calm < 3; i++) {
        await systems();
        calm = (await quiet()) ? calm + 1 : 0;
        if (calm < 3) await new Promise((r) => setTimeout(r, 50));
      }
      if (calm < 3) throw new Error(`the world did not settle: ${JSON.stringify(await hub.store.counts())}`);
  }
}

/** Transfers, newest first, filtered like the API. */
export async function transfers(world: World, query: string): Promise<any[]> {
  return (await world.api<{ items: any[] }>(`/api/transfers?limit=500&${query}`)).items;
}
