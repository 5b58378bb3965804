/**
 * A worker killed mid-transfer: the request is claimed again after its lease, the record ends
 * correct, and the destination gets no duplicate.
 *
 * The demo shop and ERP run in this process; the hub is a real `hookyard serve` process. The ERP
 * is made to create an item but hold its answer back, so the hub is mid-transfer when it is
 * SIGKILLed. The restarted hub (same data, same port) claims the request again once the lease has
 * expired and repeats the create with the same Idempotency-Key, and the ERP answers with the item
 * it already made.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop, type ErpItem } from '../src/demo/index.js';
import { DEMO_KEYS } from '../src/demo/keys.js';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort } from './helpers/wait.js';

/** Short, so the restarted hub may take the dead worker's request over quickly. */
const LEASE = '1500ms';
/** Bound on every wait; the whole test takes a few seconds. */
const WAIT_MS = 15_000;

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await killAllHubs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


/** examples/demo.yaml pointed at these systems, with literal keys and a short lease. */
function writeConfig(dir: string, shop: DemoShop, erp: DemoErp): string {
  const config = parseYaml(readFileSync(resolvePath(projectRoot, 'examples/demo.yaml'), 'utf8')) as {
    server?: unknown;
    engine?: Record<string, unknown>;
    connections: Record<string, { webhook: Record<string, unknown>; settings: Record<string, unknown>; mappings: any }>;
  };
  delete config.server; // the port comes from --port
  config.engine = { ...config.engine, lease: LEASE };
  const { shop: shopConnection, erp: erpConnection } = config.connections;
  // Literal values, not ${…:-default}: a key left in the environment must not break the test.
  shopConnection!.webhook = { secret: DEMO_KEYS.shop.signingSecret }; // the shop signs its hooks the Shopify way
  shopConnection!.settings = { ...shopConnection!.settings, baseUrl: shop.url, accessToken: DEMO_KEYS.shop.accessToken };
  erpConnection!.webhook = { apiKey: DEMO_KEYS.erp.webhookKey };
  erpConnection!.settings = { ...erpConnection!.settings, baseUrl: erp.url, apiToken: DEMO_KEYS.erp.apiToken };
  // This test is about the Idempotency-Key path of a repeated create; with match the repeat would
  // find the first attempt's item by its SKU and link it instead (the engine e2e tests cover that).
  delete erpConnection!.mappings.product.from_hub.match;
  const file = join(dir, 'hookyard.yaml');
  writeFileSync(file, stringifyYaml(withAbsoluteIntegrations(config)));
  return file;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, explain: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no ${what} within ${WAIT_MS} ms\n${explain()}`);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface Transfer {
  id: number;
  connection: string;
  direction: string;
  externalId: string | null;
  hubId: number | null;
  status: string;
  attempts: number;
}

/** The delivery ids (by the sender's header) of every hook the hub has stored for `connection`. */
async function storedDeliveries(hubUrl: string, connection: string, header: string): Promise<Set<string>> {
  const { items } = await getJson<{ items: Array<{ id: number }> }>(`${hubUrl}/api/hooks?connection=${connection}&limit=500`);
  const ids = new Set<string>();
  for (const { id } of items) {
    const { hook } = await getJson<{ hook: { headers: Record<string, string> } }>(`${hubUrl}/api/hooks/${id}`);
    if (hook.headers[header] !== undefined) ids.add(hook.headers[header]);
  }
  return ids;
}

/** The delivery ids a demo system saw answered 2xx, from its delivery log. */
function acknowledged(system: DemoShop | DemoErp): string[] {
  return system.hooksSent.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.deliveryId);
}

function itemsWithSku(erp: DemoErp, sku: string): ErpItem[] {
  return [...erp.items.values()].filter((item) => item.sku === sku);
}

it('a worker killed mid-transfer: claimed again after its lease, the record ends correct, no duplicate in the destination', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-kill-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const hubUrl = `http://127.0.0.1:${port}`;
  const { signingSecret, accessToken } = DEMO_KEYS.shop;
  const shop = await startDemoShop({ hubUrl, signingSecret, accessToken });
  cleanups.push(() => shop.close());
  const erp = await startDemoErp({ hubUrl, webhookKey: DEMO_KEYS.erp.webhookKey, apiToken: DEMO_KEYS.erp.apiToken });
  cleanups.push(() => erp.close());
  const config = writeConfig(dir, shop, erp);
  const data = join(dir, 'data');

  let hub = await startHub({ config, data, port });
  const output = () => hub.output();

  // The ERP makes the item, then holds its answer: the hub's create is in flight when it dies.
  const slow = erp.failRequests({ method: 'POST', pathIncludes: '/api/items', delayMs: 30_000, applyFirst: true, times: 1 });
  // The ERP's own hook about the new item would let the hub link it without repeating the create;
  // held back until the end, so the repeat goes through the Idempotency-Key.
  erp.pauseHooks();
  const sku = `KILL-${Date.now().toString(36).toUpperCase()}`;
  const product = shop.createProduct({ title: 'Storm Lantern', status: 'active', variants: [{ sku, price: '42.00' }] });

  await until('ERP item made by the hub', () => itemsWithSku(erp, sku)[0], output);
  expect(slow.hits).toBe(1);
  // In flight at the kill: the hub's create is held by the ERP and the hub shows it running.
  const running = await getJson<{ items: Transfer[] }>(`${hubUrl}/api/transfers?connection=erp&status=running&limit=500`);
  expect(running.items.filter((t) => t.direction === 'from_hub'), 'the create to the ERP is running at the kill').toHaveLength(1);
  // This process took the shop's hook (202) before it died.
  const takenBeforeKill = acknowledged(shop);
  expect(takenBeforeKill.length, 'shop hooks answered 2xx before the kill').toBeGreaterThan(0);
  await hub.stop('SIGKILL');

  hub = await startHub({ config, data, port });
  const toHub = await until('succeeded to_hub transfer for the shop product', async () => {
    const { items } = await getJson<{ items: Transfer[] }>(`${hubUrl}/api/transfers?connection=shop&status=succeeded&limit=500`);
    return items.find((t) => t.direction === 'to_hub' && t.externalId === String(product.id));
  }, output);
  const fromHub = await until('succeeded from_hub transfer to the ERP', async () => {
    const { items } = await getJson<{ items: Transfer[] }>(`${hubUrl}/api/transfers?connection=erp&status=succeeded&limit=500`);
    return items.find((t) => t.direction === 'from_hub' && t.hubId === toHub.hubId);
  }, output);

  // Claimed again after the lease: the second attempt is the one that finished.
  const detail = await getJson<{ transfer: Transfer; activity?: Array<{ step: string; detail: string | null }> }>(`${hubUrl}/api/transfers/${fromHub.id}`);
  expect(detail.transfer.attempts).toBe(2);
  expect(detail.activity?.length, 'GET /api/transfers/:id returns the activity').toBeGreaterThan(0);
  expect(detail.activity!.some((entry) => entry.step === 'start' && entry.detail?.includes('attempt 2'))).toBe(true);

  // One item, made once, with the shop product's values.
  const [item, ...duplicates] = itemsWithSku(erp, sku);
  expect(duplicates).toEqual([]);
  // The second attempt created again (nothing had linked the item yet) and got the first one's item back.
  expect(detail.activity!.some((entry) => entry.step === 'created' && entry.detail?.includes(item!.code))).toBe(true);
  expect(erp.writes.count('items', 'create')).toBe(1);
  expect(item).toMatchObject({ name: 'Storm Lantern', price: 42, status: 'ACTIVE' });

  // The hub record is linked to the shop product and to that one item.
  const record = await getJson<{ externalIds: Array<{ connection: string; externalId: string }> }>(`${hubUrl}/api/records/product/${toHub.hubId}`);
  expect(record.externalIds).toEqual(
    expect.arrayContaining([
      { connection: 'shop', type: 'product', externalId: String(product.id), deletedAt: null },
      { connection: 'erp', type: 'product', externalId: item!.code, deletedAt: null },
    ]),
  );

  // The ERP's held-back hook now arrives: it is the echo of the hub's own write, not a new item.
  erp.resumeHooks();
  await erp.settle();
  await until('the ERP hook skipped as an echo', async () => {
    const { items } = await getJson<{ items: Array<Transfer & { reasonCode: string | null }> }>(`${hubUrl}/api/transfers?connection=erp&status=skipped&limit=500`);
    return items.find((t) => t.direction === 'to_hub' && t.externalId === item!.code && t.reasonCode === 'echo');
  }, output);

  // A later change to the product updates the same item; nothing is created.
  shop.updateProduct(product.id, { title: 'Storm Lantern XL', variants: [{ id: product.variants[0]!.id, price: '45.50' }] });
  await until('ERP item updated from the shop', () => {
    const current = erp.items.get(item!.code);
    return current?.name === 'Storm Lantern XL' && current.price === 45.5 ? current : undefined;
  }, output);
  expect(itemsWithSku(erp, sku).map((i) => i.code)).toEqual([item!.code]);
  expect(erp.writes.count('items', 'create')).toBe(1);
  expect(erp.writes.count('items', 'update', item!.code)).toBeGreaterThanOrEqual(1);
  const dead = await getJson<{ items: Transfer[] }>(`${hubUrl}/api/transfers?status=dead&limit=500`);
  expect(dead.items).toEqual([]);

  // Every hook either process acknowledged is stored: the shop's before the kill, and after it
  // the ERP's held-back one and the shop's update, both taken by the restarted process. Both
  // systems settle first: the ERP's update of the item sends a hook of its own, which may still be
  // on its way.
  await Promise.all([shop.settle(), erp.settle()]);
  const shopTaken = acknowledged(shop);
  const erpTaken = acknowledged(erp);
  expect(shopTaken.length, 'shop hooks answered 2xx after the restart').toBeGreaterThan(takenBeforeKill.length);
  expect(erpTaken.length, 'ERP hooks answered 2xx after the restart').toBeGreaterThan(0);
  expect([...(await storedDeliveries(hubUrl, 'shop', 'x-shopify-webhook-id'))].sort()).toEqual([...new Set(shopTaken)].sort());
  expect([...(await storedDeliveries(hubUrl, 'erp', 'x-acme-delivery'))].sort()).toEqual([...new Set(erpTaken)].sort());
});
