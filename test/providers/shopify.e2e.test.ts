/**
 * The shipped shopify integration end to end, over real HTTP: a hub on a real port with a real
 * SQLite file, the Shopify simulator (the demo shop: Shopify's paths, bodies, paging, call-limit
 * header, 429 and 401 answers, signed topics), and a small ERP (a JSON API on 127.0.0.1 connected
 * through a declarative file written here). A signed products/create lands in the hub from its
 * body and is written to the ERP; list walks Shopify's Link pages sending only page_info and
 * limit after the first; a 429 is retried no sooner than its Retry-After; a revoked token ends the
 * transfer dead after one attempt; a wrong signature stores nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import { until } from '../helpers/wait.js';
import { writeContext } from '../integrations/context.js';
import { startDestination, startHub, type Destination, type HubUnderTest } from './harness.js';
import { startShopifySimulator, type ShopifySimulator } from './shopify-server.js';

const SECRET = 'shopify-app-secret';
const TOKEN = 'shpat_test_token';
const V = '/admin/api/2025-10';

let hub: HubUnderTest;
let shop: ShopifySimulator;
let erp: Destination;

const api = (path: string) => hub.api(path);
const transfers = (filter: string) => hub.transfers(filter);

beforeEach(async () => {
  erp = await startDestination({ id: 'erp', type: 'product', path: '/items', idField: 'code', idPrefix: 'I-', token: 'erp-token' });
  // The hub's address is known only once it listens: the shop is told where to send afterwards.
  const config = `connections:
  shop:
    integration: shopify
    webhook: { secret: "${SECRET}" }
    settings: { baseUrl: "\${SHOP_URL}", accessToken: "${TOKEN}" }
    scopes: [product/created, product/updated, transaction/updated]
    retry: { maxAttempts: 3, delays: [100ms] }
    mappings:
      product:
        to_hub:
          sync: add_and_update
          fields: { sku: "variants[0].sku", name: title, price: { formula: "$number(variants[0].price)" } }
      transaction:
        to_hub:
          sync: add_and_update
          fields: { number: name, total: { formula: "$number(total_price)" } }
  erp: ${JSON.stringify(erp.connection({ sku: 'sku', name: 'name', price: 'price' }))}
`;
  // A port for the shop first (the hub's config names it), then the hub, then the shop's hooks go to it.
  const placeholder = await startShopifySimulator({ hubUrl: 'http://127.0.0.1:9', accessToken: TOKEN, signingSecret: SECRET });
  const shopUrl = placeholder.url;
  await placeholder.close();
  hub = await startHub({ destinations: [erp], config: { text: config }, env: { SHOP_URL: shopUrl } });
  shop = await startShopifySimulator({ hubUrl: hub.url, accessToken: TOKEN, signingSecret: SECRET, port: Number(new URL(shopUrl).port), retryDelaysMs: [50] });
});

afterEach(async () => {
  await shop.close();
  await hub.dispose();
  await erp.close();
});

describe('shopify, end to end', () => {
  it('a signed products/create becomes a hub product from its body, with no call to Shopify, and an ERP item', async () => {
    const product = shop.createProduct({ title: 'Ceramic Mug', handle: 'mug-cer', variants: [{ sku: 'MUG-CER', price: '12.50' }] });
    await shop.settle();
    expect(shop.hooksSent.map((h) => [h.topic, h.status])).toEqual([['products/create', 202]]);
    await until('the item is in the ERP', () => erp.records.size === 1);
    expect([...erp.records.values()]).toEqual([{ code: 'I-1', sku: 'MUG-CER', name: 'Ceramic Mug', price: 12.5 }]);

    const [fromShop] = await transfers('connection=shop');
    expect(fromShop).toMatchObject({ scope: 'product/created', externalId: String(product.id), status: 'succeeded' });
    const hubRecord = await api(`/api/records/product/${fromShop.hubId}`);
    expect(hubRecord.record.data).toEqual({ sku: 'MUG-CER', name: 'Ceramic Mug', price: 12.5 });
    // Taken from the hook: the shop's API was never asked.
    expect(shop.requests).toEqual([]);
    const steps: string[] = (await api(`/api/transfers/${fromShop.id}`)).activity.map((a: any) => a.step);
    expect(steps).toContain('payload');

    // An update comes the same way and updates the same ERP item.
    shop.updateProduct(product.id, { title: 'Ceramic Mug XL' });
    await shop.settle();
    await until('the item is updated in the ERP', () => erp.records.get('I-1')?.name === 'Ceramic Mug XL');
    expect(erp.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /items', 'PUT /items/I-1']);
  });

  it("lists products page by page the Shopify way: after the first page, only page_info and limit", async () => {
    shop.pauseHooks(); // 600 products, no hooks wanted here
    for (let i = 1; i <= 600; i++) shop.createProduct({ title: `Product ${i}` });
    const shopify = BUILTIN_INTEGRATIONS.get('shopify')!;
    const ctx = { ...writeContext({ baseUrl: shop.url, accessToken: TOKEN }), presets: { apiVersion: '2025-10' } };
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await shopify.list!('product', cursor, ctx);
      pages.push(page.ids.length);
      cursor = page.cursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([250, 250, 100]);
    const sent = shop.requests.map((r) => new URL(r.url, shop.url));
    expect(sent.map((u) => u.pathname)).toEqual([`${V}/products.json`, `${V}/products.json`, `${V}/products.json`]);
    expect([...sent[0]!.searchParams.keys()]).toEqual(['limit']);
    for (const later of sent.slice(1)) expect([...later.searchParams.keys()].sort()).toEqual(['limit', 'page_info']);
    expect(new Set(sent.map((u) => u.searchParams.get('page_info'))).size).toBe(3);
    expect(shop.requests.every((r) => r.headers['x-shopify-access-token'] === TOKEN)).toBe(true);
  });

  it('a 429 with Retry-After puts the transfer back no sooner than the stated wait, then it succeeds', async () => {
    shop.pauseHooks();
    const order = shop.createOrder({ email: 'ada@example.com', line_items: [{ title: 'Mug', price: '12.50', quantity: 2 }] });
    const limited = shop.rateLimitNext(1, `/orders/${order.id}.json`, 2);
    const before = Date.now();
    // orders/edited carries the edit, not the order: the order is read from the API.
    const answer = await shop.deliver('orders/edited', { order_edit: { id: 78912328, order_id: order.id, notify_customer: false, staff_note: '', user_id: null } });
    expect(answer.status).toBe(202);
    const [retrying] = await hub.untilTransfers(1, 'retrying', 'connection=shop');
    expect(retrying).toMatchObject({ scope: 'transaction/updated', externalId: String(order.id), attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(Date.parse(retrying.runAt) - before).toBeGreaterThanOrEqual(2000);
    expect(limited.hits).toBe(1);
    const [done] = await hub.untilTransfers(1, 'succeeded', 'connection=shop');
    expect(done.attempts).toBe(2);
    expect((await api(`/api/records/transaction/${done.hubId}`)).record.data).toEqual({ number: '#1001', total: 25 });
    expect(shop.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${V}/orders/${order.id}.json`, `GET ${V}/orders/${order.id}.json`]);
  });

  it('a revoked token (401 with Shopify\'s body) ends the transfer dead with HY_ERR_CREDENTIALS_REJECTED after one attempt', async () => {
    shop.pauseHooks();
    const order = shop.createOrder({ email: 'ada@example.com', line_items: [{ title: 'Mug', price: '12.50' }] });
    shop.revokeToken();
    expect((await shop.deliver('orders/edited', { order_edit: { id: 1, order_id: order.id } })).status).toBe(202);
    const [dead] = await hub.untilTransfers(1, 'dead', 'connection=shop');
    expect(dead).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_CREDENTIALS_REJECTED' });
    expect(shop.requests).toHaveLength(1);
  });

  it('refuses a hook with a wrong signature (401) and stores nothing', async () => {
    const answer = await shop.deliver('products/create', { id: 1, title: 'Forged', updated_at: '2026-01-01T00:00:00Z' }, { secret: 'not-the-secret' });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: expect.stringMatching(/^HY_ERR_/) });
    expect((await api('/api/hooks?connection=shop')).items).toEqual([]);
    expect(await transfers('connection=shop')).toEqual([]);
  });
});
