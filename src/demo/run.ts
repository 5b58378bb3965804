/**
 * The live side of `hookyard demo`: the demo shop and ERP, their starting data and traffic, and
 * what the demo prints while it runs. The hub itself is started by src/cli/serve.ts, between
 * `startDemoSystems` (the hub's config needs the systems' URLs) and `startDemoActivity` (seeding
 * fires hooks, which need a hub that listens).
 */
import type { TransferRequest } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { startDemoErp, type DemoErp } from './erp.js';
import { DEMO_KEYS } from './keys.js';
import { startDemoShop, type DemoShop } from './shop.js';
import { seedDemoData, startTraffic } from './traffic.js';

export interface DemoSystems {
  shop: DemoShop;
  erp: DemoErp;
  close(): Promise<void>;
}

/** Starts the shop and the ERP on ports the OS picks, so two demos can run side by side. */
export async function startDemoSystems(hubUrl: string): Promise<DemoSystems> {
  const shop = await startDemoShop({ hubUrl, webhookKey: DEMO_KEYS.shop.webhookKey, accessToken: DEMO_KEYS.shop.accessToken });
  let erp: DemoErp;
  try {
    erp = await startDemoErp({ hubUrl, webhookKey: DEMO_KEYS.erp.webhookKey, apiToken: DEMO_KEYS.erp.apiToken });
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
    `        ${hubUrl}/api/hooks        every hook that arrived, newest first`,
    `        ${hubUrl}/api/transfers    the transfer requests they became, and how each ended`,
    `        ${hubUrl}/api/connections  each connection's scopes`,
    `        ${hubUrl}/readyz           counts by status`,
    `shop  ${shop.url}   a Shopify-style web shop (products, customers, orders)`,
    `        curl -s ${shop.url}/admin/products -H 'X-Shopify-Access-Token: ${DEMO_KEYS.shop.accessToken}'`,
    `erp   ${erp.url}   Acme ERP (items, customers)`,
    `        curl -s ${erp.url}/api/items -H 'Authorization: Bearer ${DEMO_KEYS.erp.apiToken}'`,
    '',
    'Products flow both ways and meet on their SKU; shop customers go to the ERP; orders come into the hub.',
    'One change every 2 s in the shop or the ERP ("~"), hub progress every 5 s ("="), problems ("!"). Ctrl-C stops it.',
    '',
  ].join('\n');
}

/** `hooks 42 · transfers: 61 succeeded, 3 skipped (echo 2), 0 retrying, 0 dead · shop products 6 · erp items 6` */
export async function progressLine(store: Store, systems: DemoSystems): Promise<string> {
  const { hooks, transfers, reasons } = await store.counts();
  const total = Object.values(hooks).reduce((sum, n) => sum + n, 0);
  // Work not finished yet is shown only when there is some: usually there is none, and the line stays short.
  const pending = transfers.queued + transfers.running;
  return [
    `hooks ${total}`,
    `transfers: ${transfers.succeeded} succeeded, ${transfers.skipped} skipped (echo ${reasons.echo ?? 0}), ` +
      `${transfers.retrying} retrying, ${transfers.dead} dead${pending > 0 ? `, ${pending} in progress` : ''}`,
    `shop products ${systems.shop.products.size}`,
    `erp items ${systems.erp.items.size}`,
  ].join(' · ');
}

/**
 * Transfers that failed (retrying or dead), transfers still running after their lease, and hooks
 * that could not be read, each reported once per attempt. The demo runs the hub without its JSON
 * logger, so this is where failures show.
 */
export class ProblemWatch {
  /** Transfer id → the attempt already reported; only ids still in the latest listings are kept. */
  private transfers = new Map<number, number>();
  private hooks = new Set<number>();

  constructor(
    private readonly store: Store,
    /** The hub's transfer lease: a transfer running longer than this lost its worker's result. */
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async newProblems(): Promise<string[]> {
    const lines: string[] = [];
    const seen = new Map<number, number>();
    const report = (t: TransferRequest, what: string) => {
      seen.set(t.id, t.attempts);
      if (this.transfers.get(t.id) === t.attempts) return;
      lines.push(`transfer ${t.id} ${t.connection} ${t.scope} ${t.direction}: ${what}`.trim());
    };
    for (const t of (await this.store.listTransfers({ status: 'dead', limit: 20 })).items) {
      report(t, `dead after ${t.attempts} attempt(s): ${t.lastErrorCode ?? ''} ${t.lastError ?? t.reason ?? ''}`);
    }
    for (const t of (await this.store.listTransfers({ status: 'retrying', limit: 20 })).items) {
      report(t, `attempt ${t.attempts} failed, will retry: ${t.lastErrorCode ?? ''} ${t.lastError ?? ''}`);
    }
    // A claim sets updatedAt; still running after the lease means the worker could not record the
    // outcome (its error went to the hub's logger, which the demo turns off). It is claimed again.
    for (const t of (await this.store.listTransfers({ status: 'running', limit: 50 })).items) {
      const seconds = Math.round((this.now() - t.updatedAt) / 1000);
      if (this.now() - t.updatedAt > this.leaseMs) report(t, `attempt ${t.attempts} still running after ${seconds} s, past its lease: no outcome recorded`);
    }
    this.transfers = seen;
    const hookIds = new Set<number>();
    for (const hook of (await this.store.listHooks({ status: 'failed', limit: 20 })).items) {
      hookIds.add(hook.id);
      if (!this.hooks.has(hook.id)) lines.push(`hook ${hook.id} from ${hook.connection} could not be read: ${hook.errorCode ?? ''} ${hook.errorMessage ?? ''}`.trim());
    }
    this.hooks = hookIds;
    return lines;
  }
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
  let report: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A slow store must not pile up reports; the next tick tries again.
    if (report) return;
    report = Promise.all([progressLine(store, systems), problems.newProblems()])
      .then(([line, failures]) => {
        for (const failure of failures) print(`! ${failure}`);
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
