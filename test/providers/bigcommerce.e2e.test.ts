/**
 * BigCommerce through a hub on a real port, over real HTTP, with a real SQLite file: the store
 * (test/providers/bigcommerce-server.ts) has a webhook created the way docs/providers/bigcommerce.md
 * says — with the custom header X-Hookyard-Key — and delivers its thin hooks; the hub reads each
 * record back over the store's REST API through the shipped file (`integration: bigcommerce`)
 * and writes it on to an ERP, a small JSON API declared by a file this test writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { startBigCommerce, type BigCommerceStore } from './bigcommerce-server.js';
import { startDestination, startHub as startHubWith, type Destination, type HubUnderTest } from './harness.js';

const HOOK_KEY = 'bc-hook-key-5f1c';
const TOKEN = 'bc-access-token';

function configText(store: BigCommerceStore, erp: Destination): string {
  return `
connections:
  bigcommerce:
    integration: bigcommerce
    webhook: { apiKey: ${HOOK_KEY}, dedupe: { by: body, window: 24h } }
    settings: { apiUrl: "${store.url}", storeHash: ${store.storeHash}, accessToken: ${TOKEN} }
    retry: { delays: [100ms] }
    scopes: [product/created, product/updated, customer/updated]
    mappings:
      product:
        to_hub:
          sync: add_and_update
          fields: { sku: sku, name: name, price: { formula: "$number(price)" } }
      customer:
        to_hub:
          sync: add_and_update
          fields: { email: email, name: { formula: "first_name & ' ' & last_name" } }
  erp: ${JSON.stringify(erp.connection({ code: 'sku', title: 'name', price: 'price' }))}
`;
}

let store: BigCommerceStore;
let erp: Destination;
let hub: HubUnderTest | null;

async function startHub(options: { workers?: boolean } = {}): Promise<HubUnderTest> {
  hub = await startHubWith({ destinations: [erp], config: { text: configText(store, erp) }, workers: options.workers });
  return hub;
}

/** Creates the store's webhook as the docs say: the destination and the custom auth header. */
async function createWebhook(scope: string, key = HOOK_KEY): Promise<void> {
  const response = await fetch(`${store.url}/stores/${store.storeHash}/v3/hooks`, {
    method: 'POST',
    headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ scope, destination: `${hub!.url}/hooks/bigcommerce`, is_active: true, headers: { 'X-Hookyard-Key': key } }),
  });
  expect(response.status).toBe(200);
}

const api = (path: string) => hub!.api(path);
const transfers = () => hub!.transfers();
const fromStore = () => hub!.transfers('connection=bigcommerce');
const productReads = () => store.seen.filter((r) => r.method === 'GET' && /\/v3\/catalog\/products\/\d+$/.test(r.path));

describe('BigCommerce to an ERP, through the shipped integration', () => {
  beforeEach(async () => {
    hub = null;
    store = await startBigCommerce({ token: TOKEN });
    erp = await startDestination({ id: 'erp', type: 'product', path: '/items', idPrefix: 'IT-', token: 'erp-token' });
  });

  afterEach(async () => {
    await hub?.dispose();
    await store.close();
    await erp.close();
  });

  it('a product hook is read back from the store into the hub and written to the ERP; its re-delivery is a duplicate', async () => {
    await startHub();
    await createWebhook('store/product/updated');
    store.products.set(167, { id: 167, name: 'Orbit Terrarium', sku: 'OTS-1', price: 109, type: 'physical', is_visible: true });

    const [delivery] = await store.fire('store/product/updated', { type: 'product', id: 167 });
    expect(delivery!.status).toBe(202);
    await until('the ERP has the item', () => erp.records.size === 1);
    await hub!.untilTransfers(2, 'succeeded');

    expect([...erp.records.values()]).toEqual([{ id: 'IT-1', code: 'OTS-1', title: 'Orbit Terrarium', price: 109 }]);
    const [toHub] = await fromStore();
    expect(toHub).toMatchObject({ type: 'product', scope: 'product/updated', externalId: '167', status: 'succeeded' });
    expect((await api(`/api/records/product/${toHub.hubId}`)).record.data).toEqual({ sku: 'OTS-1', name: 'Orbit Terrarium', price: 109 });
    // Read with the store's token, through the v3 catalog path, and logged as a fetch.
    expect(productReads().map((r) => [r.url, r.headers['x-auth-token']])).toEqual([['/stores/abc123/v3/catalog/products/167?include=variants', TOKEN]]);
    expect((await api(`/api/transfers/${toHub.id}`)).activity.map((a: any) => a.step)).toContain('fetch');
    // The stored hook keeps the custom header only as [redacted].
    const hooks = (await api('/api/hooks?connection=bigcommerce')).items;
    expect(JSON.stringify(await api(`/api/hooks/${hooks[0].id}`))).not.toContain(HOOK_KEY);

    // BigCommerce delivers the same event again (same body, same hash): answered, stored once.
    const [again] = await store.redeliver(delivery!.sent);
    expect(again!.status).toBe(200);
    expect(JSON.parse(again!.body)).toMatchObject({ duplicate: true });
    expect((await api('/api/hooks?connection=bigcommerce')).items).toHaveLength(1);
  });

  it("a SKU's hook reads its product again, and the ERP item is updated", async () => {
    await startHub();
    await createWebhook('store/product/created');
    await createWebhook('store/sku/updated');
    store.products.set(167, { id: 167, name: 'Orbit Terrarium', sku: 'OTS-1', price: 109 });
    await store.fire('store/product/created', { type: 'product', id: 167 });
    await until('the ERP has the item', () => erp.records.size === 1);
    await hub!.untilTransfers(2, 'succeeded');

    store.products.set(167, { ...store.products.get(167), price: 99 });
    const [delivery] = await store.fire('store/sku/updated', { type: 'sku', id: 461, sku: { product_id: 167, variant_id: 509 } });
    expect(delivery!.status).toBe(202);
    await until('the ERP item is updated', () => erp.records.get('IT-1')?.price === 99);
    expect(productReads()).toHaveLength(2);
    expect((await fromStore()).map((t) => [t.scope, t.externalId])).toEqual(expect.arrayContaining([['product/updated', '167']]));
  });

  it('sync --all walks the catalog page by page (page/limit, up to meta.pagination.total_pages)', async () => {
    // 501 products at BigCommerce's largest page (250) are three pages: 250, 250, 1.
    for (let id = 1; id <= 501; id++) store.products.set(id, { id, name: `Product ${id}`, sku: `SKU-${id}`, price: id });
    await startHub({ workers: false });
    const feed = await hub!.initialize('bigcommerce', 'product');

    const lists = store.seen.filter((r) => r.path === '/stores/abc123/v3/catalog/products');
    expect(lists.map((r) => [r.query.get('page'), r.query.get('limit')])).toEqual([
      ['1', '250'],
      ['2', '250'],
      ['3', '250'],
    ]);
    expect(lists.every((r) => r.headers['x-auth-token'] === TOKEN)).toBe(true);
    expect(feed).toMatchObject({ pages: 3, records: 501, total: 501 });
  });

  it('a 429 waits the X-Rate-Limit-Time-Reset-Ms it names, then succeeds', async () => {
    await startHub();
    await createWebhook('store/product/updated');
    store.products.set(167, { id: 167, name: 'Orbit Terrarium', sku: 'OTS-1', price: 109 });
    store.failNext(1, 429, 1500);
    const before = Date.now();
    expect((await store.fire('store/product/updated', { type: 'product', id: 167 }))[0]!.status).toBe(202);

    const retrying = await hub!.untilTransfer('retrying', 'connection=bigcommerce');
    expect(retrying).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(Date.parse(retrying.runAt)).toBeGreaterThanOrEqual(before + 1500);
    await hub!.untilTransfer('succeeded', 'connection=bigcommerce');
    await until('the ERP has the item', () => erp.records.size === 1);
    expect(productReads()).toHaveLength(2);
  });

  it('a revoked access token (401) ends the transfer dead after one attempt', async () => {
    await startHub();
    await createWebhook('store/customer/updated');
    store.customers.set(32, { id: 32, email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' });
    store.revokeToken();
    expect((await store.fire('store/customer/updated', { type: 'customer', id: 32 }))[0]!.status).toBe(202);
    const dead = await hub!.untilTransfer('dead', 'connection=bigcommerce');
    expect(dead).toMatchObject({ type: 'customer', status: 'dead', attempts: 1, lastErrorCode: 'HY_ERR_CREDENTIALS_REJECTED' });
    expect(store.seen.filter((r) => r.path.endsWith('/v3/customers'))).toHaveLength(1);
  });

  it('a hook whose header carries the wrong key is refused 401 and stores nothing', async () => {
    await startHub();
    await createWebhook('store/product/updated', 'not-the-key');
    store.products.set(167, { id: 167, name: 'Orbit Terrarium', sku: 'OTS-1', price: 109 });
    const [refused] = await store.fire('store/product/updated', { type: 'product', id: 167 });
    expect(refused!.status).toBe(401);
    expect(JSON.parse(refused!.body).error).toMatch(/^HY_ERR_/);
    const missing = await fetch(`${hub!.url}/hooks/bigcommerce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: refused!.body });
    expect(missing.status).toBe(401);
    expect((await api('/api/hooks?connection=bigcommerce')).items).toEqual([]);
    expect(await transfers()).toEqual([]);
    expect(store.seen.filter((r) => r.method === 'GET')).toEqual([]);
  });
});
