/**
 * WooCommerce through a hub on a real port, over real HTTP, with a real SQLite file: the shop
 * (test/providers/woocommerce-server.ts) creates its webhooks through its REST API — pinging the
 * hub first, as WooCommerce does — and delivers signed, full-record hooks; the hub takes each
 * record from the hook (reading it back only when the hook has none) through the shipped file
 * (`integration: woocommerce`) and writes it on to an ERP declared by a file this test writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { startDestination, startHub as startHubWith, type Destination, type HubUnderTest } from './harness.js';
import { startWooCommerce, wcProduct, type WcWebhook, type WooCommerceShop } from './woocommerce-server.js';

const SECRET = 'wc-webhook-secret-Zr81';
const CK = 'ck_6a8c2f0e';
const CS = 'cs_b1d94e77';

function configText(shop: WooCommerceShop, erp: Destination): string {
  return `
connections:
  woocommerce:
    integration: woocommerce
    webhook: { secret: ${SECRET} }
    settings: { url: "${shop.url}", consumerKey: ${CK}, consumerSecret: ${CS} }
    retry: { delays: [100ms] }
    scopes: [product/created, product/updated, product/deleted, customer/updated]
    mappings:
      product:
        to_hub:
          sync: add_and_update
          fields: { sku: sku, name: name, price: { formula: "$number(regular_price)" } }
          delete: { sync: delete }
      customer:
        to_hub:
          sync: add_and_update
          fields: { email: email }
  erp: ${JSON.stringify(erp.connection({ code: 'sku', title: 'name', price: 'price' }))}
`;
}

let shop: WooCommerceShop;
let erp: Destination;
let hub: HubUnderTest | null;

async function startHub(options: { workers?: boolean } = {}): Promise<HubUnderTest> {
  hub = await startHubWith({ destinations: [erp], config: { text: configText(shop, erp) }, workers: options.workers });
  return hub;
}

/** Creates a webhook in the shop (WooCommerce → Settings → Advanced → Webhooks, or POST /webhooks): the shop pings the hub first. */
async function createWebhook(topic: string, secret = SECRET): Promise<WcWebhook> {
  const response = await fetch(`${shop.url}/wp-json/wc/v3/webhooks`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CK}:${CS}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `hookyard ${topic}`, topic, delivery_url: `${hub!.url}/hooks/woocommerce`, secret }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return shop.webhooks.find((w) => w.topic === topic)!;
}

const api = (path: string) => hub!.api(path);
const transfers = () => hub!.transfers();
const fromShop = () => hub!.transfers('connection=woocommerce');
const reads = () => shop.seen.filter((r) => r.method === 'GET' && r.path !== '/wp-json/wc/v3/webhooks');

describe('WooCommerce to an ERP, through the shipped integration', () => {
  beforeEach(async () => {
    hub = null;
    shop = await startWooCommerce({ consumerKey: CK, consumerSecret: CS });
    erp = await startDestination({ id: 'erp', type: 'product', path: '/items', idPrefix: 'IT-', deletes: true, token: 'erp-token' });
  });

  afterEach(async () => {
    await hub?.dispose();
    await shop.close();
    await erp.close();
  });

  it("answers the shop's ping 200 and keeps it as an empty hook; an unsigned form that is no ping is refused 401", async () => {
    await startHub();
    const webhook = await createWebhook('product.updated');
    expect(webhook.pinged).toBe(200);

    const hooks = (await api('/api/hooks?connection=woocommerce')).items;
    expect(hooks).toHaveLength(1);
    await until('the ping is read', async () => (await api(`/api/hooks/${hooks[0].id}`)).hook.status === 'empty');
    const ping = await api(`/api/hooks/${hooks[0].id}`);
    expect([ping.hook.status, ping.notifications, ping.transfers]).toEqual(['empty', [], []]);
    expect(await transfers()).toEqual([]);

    const forged = await fetch(`${hub!.url}/hooks/woocommerce`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=12&id=799' });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error).toBe('HY_ERR_SIGNATURE_MISSING');
    expect((await api('/api/hooks?connection=woocommerce')).items).toHaveLength(1);
  });

  it('a signed product hook becomes the hub product and an ERP item with no read from the shop; an older delivery is stale', async () => {
    await startHub();
    const created = await createWebhook('product.created');
    await createWebhook('product.updated');
    const t0 = Date.UTC(2026, 10, 30, 8, 0, 0);
    const first = wcProduct(799, { name: 'Ship Your Idea', sku: 'SYI-1', regular_price: '21.99' }, t0);
    const [delivery] = await shop.fire('product.created', first);
    expect(delivery!.status).toBe(202);
    await until('the ERP has the item', () => erp.records.size === 1);
    await hub!.untilTransfers(2, 'succeeded');
    expect([...erp.records.values()]).toEqual([{ id: 'IT-1', code: 'SYI-1', title: 'Ship Your Idea', price: 21.99 }]);
    const [toHub] = await fromShop();
    const steps = (await api(`/api/transfers/${toHub.id}`)).activity.map((a: any) => a.step);
    expect(steps).toContain('payload');
    expect(steps).not.toContain('fetch');
    expect(reads()).toEqual([]);

    // The product is edited; then WooCommerce retries the created delivery (its first attempt timed out).
    const edited = wcProduct(799, { name: 'Ship Your Idea', sku: 'SYI-1', regular_price: '24.99' }, t0 + 60_000);
    expect((await shop.fire('product.updated', edited))[0]!.status).toBe(202);
    await until('the ERP item is updated', () => erp.records.get('IT-1')?.price === 24.99);
    const late = await shop.deliver(created, 'product.created', delivery!.sent);
    expect(late.status).toBe(202);
    await until('the late delivery is done', async () => (await fromShop()).length === 3 && (await fromShop()).every((t) => ['succeeded', 'skipped'].includes(t.status)));
    expect((await fromShop()).find((t) => t.status === 'skipped')).toMatchObject({ scope: 'product/created', reasonCode: 'stale' });
    expect(erp.records.get('IT-1')?.price).toBe(24.99);

    // The same delivery id again is a duplicate.
    const again = await fetch(`${hub!.url}/hooks/woocommerce`, { method: 'POST', headers: late.headers, body: late.sent });
    expect([again.status, (await again.json()).duplicate]).toEqual([200, true]);
  });

  it('a deleted hook ({"id"} alone) deletes the hub product and the ERP item, reading nothing as a record', async () => {
    await startHub();
    await createWebhook('product.created');
    await createWebhook('product.deleted');
    await shop.fire('product.created', wcProduct(799, { sku: 'SYI-1', name: 'Ship Your Idea', regular_price: '21.99' }));
    await until('the ERP has the item', () => erp.records.size === 1);
    const [deleted] = await shop.fire('product.deleted', { id: 799 });
    expect(deleted!.sent).toBe('{"id":799}');
    expect(deleted!.status).toBe(202);
    await until('the ERP item is deleted', () => erp.records.size === 0);
    const deleting = (await fromShop()).find((t) => t.scope === 'product/deleted');
    expect(deleting).toMatchObject({ requestType: 'delete', status: 'succeeded' });
    expect((await api(`/api/transfers/${deleting.id}`)).activity.map((a: any) => a.step)).not.toContain('payload');
    expect(reads()).toEqual([]);
  });

  it('sync --all walks the products by page and per_page until X-WP-TotalPages', async () => {
    for (let id = 1; id <= 201; id++) shop.products.set(id, wcProduct(id, { sku: `SKU-${id}` }));
    await startHub({ workers: false });
    const feed = await hub!.initialize('woocommerce', 'product');
    const lists = shop.seen.filter((r) => r.path === '/wp-json/wc/v3/products');
    expect(lists.map((r) => [r.query.get('page'), r.query.get('per_page')])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
    expect(lists.every((r) => r.headers.authorization === `Basic ${Buffer.from(`${CK}:${CS}`).toString('base64')}`)).toBe(true);
    expect(feed).toMatchObject({ pages: 3, records: 201, total: 201 });
  });

  it("a host's 429 is retried after its Retry-After, then succeeds", async () => {
    await startHub();
    await createWebhook('customer.updated');
    shop.customers.set(25, { id: 25, email: 'john.doe@example.com', first_name: 'John' });
    shop.failNext(1, 429, 1);
    const before = Date.now();
    // A hook without the record (only its id) is read back from the shop.
    expect((await shop.fire('customer.updated', { id: 25 }))[0]!.status).toBe(202);
    const retrying = await hub!.untilTransfer('retrying', 'connection=woocommerce');
    expect(retrying).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(Date.parse(retrying.runAt)).toBeGreaterThanOrEqual(before + 1000);
    await hub!.untilTransfer('succeeded', 'connection=woocommerce');
    expect(reads().map((r) => r.path)).toEqual(['/wp-json/wc/v3/customers/25', '/wp-json/wc/v3/customers/25']);
  });

  it('a revoked REST key (401) ends the transfer dead after one attempt', async () => {
    await startHub();
    await createWebhook('customer.updated');
    shop.customers.set(25, { id: 25, email: 'john.doe@example.com' });
    shop.revokeKey();
    expect((await shop.fire('customer.updated', { id: 25 }))[0]!.status).toBe(202);
    expect(await hub!.untilTransfer('dead', 'connection=woocommerce')).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'HY_ERR_CREDENTIALS_REJECTED' });
    expect(reads()).toHaveLength(1);
  });

  it('a hook signed with another secret is refused 401 and stores nothing', async () => {
    await startHub();
    const webhook = await createWebhook('product.updated');
    const hooksBefore = (await api('/api/hooks?connection=woocommerce')).items.length;
    const [accepted] = await shop.fire('product.updated', wcProduct(799, { sku: 'SYI-1' }));
    expect(accepted!.status).toBe(202);
    webhook.secret = 'not-the-secret';
    const [forged] = await shop.fire('product.updated', wcProduct(800, { sku: 'SYI-2' }));
    expect(forged!.status).toBe(401);
    expect(JSON.parse(forged!.body).error).toBe('HY_ERR_SIGNATURE_INVALID');
    expect((await api('/api/hooks?connection=woocommerce')).items).toHaveLength(hooksBefore + 1);
    await hub!.untilTransfer('succeeded', 'connection=woocommerce');
    expect((await fromShop()).map((t) => t.externalId)).toEqual(['799']);
  });
});
