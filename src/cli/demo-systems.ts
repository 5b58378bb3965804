/**
 * `hookyard demo --systems-only`: the demo shop and ERP without a hub of their own, seeded and
 * changing every 2 s, sending their hooks to a hub that runs elsewhere (compose.yaml's `demo`
 * profile sends them to an ingest process; the hub processes reach the systems at the ports given
 * here). The full demo (`hookyard demo`, `npm start`) runs these two and a hub in one process.
 */
import { seedDemoData, startTraffic } from '../demo/traffic.js';
import { startDemoSystems } from '../demo/run.js';
import { DEMO_KEYS } from '../demo/keys.js';
import type { Output } from './commands.js';
import { loggerFromEnv, untilSignal } from './serve.js';

export interface DemoSystemsOptions {
  /** The hub's base URL: where the hooks go. */
  hub?: string;
  host: string;
  /** Default: any free port. */
  shopPort?: number;
  erpPort?: number;
}

export async function runDemoSystems(options: DemoSystemsOptions, output: Output): Promise<number> {
  let hub: URL | null = null;
  try {
    hub = options.hub ? new URL(options.hub) : null;
  } catch {
    hub = null;
  }
  if (!hub || (hub.protocol !== 'http:' && hub.protocol !== 'https:')) {
    output.err(`--systems-only needs --hub with the hub's base URL (http://HOST:PORT), where the shop and the ERP send their hooks${options.hub ? `; "${options.hub}" is not one` : ''}`);
    return 1;
  }
  const log = loggerFromEnv(output);
  if (typeof log === 'number') return log;
  const hubUrl = hub.toString().replace(/\/+$/, '');
  const systems = await startDemoSystems(hubUrl, { host: options.host, shopPort: options.shopPort, erpPort: options.erpPort });
  const { shop, erp } = systems;
  const seeded = seedDemoData(shop, erp);
  log.info(
    { shop: shop.url, erp: erp.url, hub: hubUrl },
    [
      `demo systems listening — shop ${shop.url}, erp ${erp.url}; their hooks go to ${hubUrl}`,
      `  shop: a Shopify shop (token ${DEMO_KEYS.shop.accessToken}, hooks signed with ${DEMO_KEYS.shop.signingSecret}); the hub's SHOP_URL`,
      `  erp:  Acme ERP (token ${DEMO_KEYS.erp.apiToken}, hooks carry ${DEMO_KEYS.erp.webhookKey}); the hub's ERP_URL`,
      `~ seeded: shop ${seeded.products.length} products, ${seeded.customers.length} customers, ${seeded.orders.length} order; ` +
        `erp ${seeded.items.length} items, ${seeded.erpCustomers.length} customers, ${seeded.categories.length} categories`,
    ].join('\n'),
  );
  const traffic = startTraffic({ shop, erp, log: (line) => log.info(`~ ${line}`) });
  return untilSignal(
    async () => {
      traffic.stop();
      await systems.close();
    },
    log,
    'the shop and the ERP stop',
  );
}
