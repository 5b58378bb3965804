/**
 * The live side of `hookyard demo`: the demo shop and ERP, their starting data and traffic, and
 * the lines printed while it runs (made in report.ts). src/cli/serve.ts starts the hub between
 * `startDemoSystems` (the hub's config needs the systems' URLs) and `startDemoActivity` (seeding
 * fires hooks, which need a hub that listens).
 */
import type { Store } from '../store/store.js';
import { startDemoErp, type DemoErp } from './erp.js';
import { DEMO_KEYS } from './keys.js';
import { ProblemWatch, progressLine, RefusalWatch } from './report.js';
import { startDemoShop, type DemoShop } from './shop.js';
import { seedDemoData, startTraffic } from './traffic.js';

export interface DemoSystems {
  shop: DemoShop;
  erp: DemoErp;
  close(): Promise<void>;
}

/** Where the systems listen: by default on 127.0.0.1, on ports the OS picks. */
export interface DemoSystemsListen {
  host?: string;
  shopPort?: number;
  erpPort?: number;
}

/** Starts the shop and the ERP, by default on ports the OS picks, so two demos can run side by side. */
export async function startDemoSystems(hubUrl: string, listen: DemoSystemsListen = {}): Promise<DemoSystems> {
  const { signingSecret, accessToken } = DEMO_KEYS.shop;
  const shop = await startDemoShop({ hubUrl, signingSecret, accessToken, host: listen.host, port: listen.shopPort });
  let erp: DemoErp;
  try {
    erp = await startDemoErp({ hubUrl, webhookKey: DEMO_KEYS.erp.webhookKey, apiToken: DEMO_KEYS.erp.apiToken, host: listen.host, port: listen.erpPort });
  } catch (error) {
    await shop.close();
    throw error;
  }
  return {
    shop,
    erp,
    close: async () => {
      await Promise.all([shop.close(), erp.close()]);
    },
  };
}

/** What a new user should open or run, with the real URLs and demo credentials. */
export function demoGuide(hubUrl: string, systems: DemoSystems): string {
  const { shop, erp } = systems;
  return [
    '',
    `hub   ${hubUrl}`,
    `        ${hubUrl}/ui/              the console: hooks arriving, transfers, dead letters, a record's lineage`,
    `        ${hubUrl}/api/hooks        every hook that arrived, newest first`,
    `        ${hubUrl}/api/transfers    the transfer requests they became, and how each ended`,
    `        ${hubUrl}/api/connections  each connection's scopes`,
    `        ${hubUrl}/readyz           counts by status`,
    `        ${hubUrl}/metrics          Prometheus metrics`,
    `shop  ${shop.url}   a Shopify shop's Admin REST API and webhooks (products, customers, orders)`,
    `        curl -si ${shop.url}/admin/api/2025-10/products.json?limit=3 -H 'X-Shopify-Access-Token: ${DEMO_KEYS.shop.accessToken}'`,
    `erp   ${erp.url}   Acme ERP (items, customers)`,
    `        curl -s ${erp.url}/api/items -H 'Authorization: Bearer ${DEMO_KEYS.erp.apiToken}'`,
    '',
    'Products flow both ways and meet on their SKU; shop customers go to the ERP; orders come into the hub.',
    'One change every 2 s in the shop or the ERP ("~"), hub progress every 5 s ("="), problems ("!"). Ctrl-C stops it.',
    '',
  ].join('\n');
}

export interface DemoActivity {
  /** Stops the traffic and the reports; resolves once a report in progress has finished with the store. */
  stop(): Promise<void>;
}

export interface DemoActivityOptions {
  store: Store;
  /** The hub's transfer lease (config.engine.leaseMs). */
  leaseMs: number;
  systems: DemoSystems;
  print(line: string): void;
  /** Default 2000. */
  trafficIntervalMs?: number;
  /** Default 5000. */
  progressIntervalMs?: number;
}

/** Seeds both systems, then changes one of them every interval and prints progress. Call once the hub listens. */
export async function startDemoActivity(options: DemoActivityOptions): Promise<DemoActivity> {
  const { store, systems, print } = options;
  const problems = new ProblemWatch(store, options.leaseMs);
  // Problems an earlier run left in the store were reported then; only this run's are news.
  await problems.newProblems();
  const seeded = seedDemoData(systems.shop, systems.erp);
  print(
    `~ seeded: shop ${seeded.products.length} products, ${seeded.customers.length} customers, ${seeded.orders.length} order; ` +
      `erp ${seeded.items.length} items, ${seeded.erpCustomers.length} customers, ${seeded.categories.length} categories`,
  );
  const traffic = startTraffic({ shop: systems.shop, erp: systems.erp, intervalMs: options.trafficIntervalMs ?? 2000, log: (line) => print(`~ ${line}`) });
  const refusals = new RefusalWatch(systems);
  let report: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A slow store must not pile up reports; the next tick tries again.
    if (report) return;
    report = Promise.all([progressLine(store, systems), problems.newProblems()])
      .then(([line, failures]) => {
        for (const failure of [...refusals.newRefusals(), ...failures]) print(`! ${failure}`);
        print(`= ${line}`);
      })
      .catch((error: unknown) => print(`! progress: ${(error as Error).message}`))
      .finally(() => {
        report = null;
      });
  }, options.progressIntervalMs ?? 5000);
  return {
    async stop() {
      traffic.stop();
      clearInterval(timer);
      // The hub closes the store next: let a report that is reading it finish first.
      await report;
    },
  };
}
