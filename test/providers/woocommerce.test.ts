/**
 * The shipped WooCommerce file, piece by piece: each topic's scope, the ping read as no
 * notification, the payload record and its version (a deleted hook's {"id"} is no record), and
 * its `api` section against the simulated shop (HTTP Basic, X-WP-TotalPages paging, force=true
 * deletes, WooCommerce's error bodies).
 */
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands.js';
import { loadConfig } from '../../src/config/load.js';
import type { ConnectionConfig } from '../../src/config/load.js';
import { interpretHook } from '../../src/resolve/interpret.js';
import { readPayloadRecord } from '../../src/resolve/payload.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import { rejection, writeContext } from '../integrations/context.js';
import { startWooCommerce, wcProduct, type WooCommerceShop } from './woocommerce-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const woocommerce = BUILTIN_INTEGRATIONS.get('woocommerce')!;

async function connection(): Promise<ConnectionConfig> {
  const config = await loadConfig(resolve(ROOT, 'examples/providers/woocommerce.yaml'), { env: {} });
  return config.connections.get('woocommerce')!;
}

function hook(topic: string | null, body: unknown, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (topic) {
    headers['x-wc-webhook-topic'] = topic;
    headers['x-wc-webhook-resource'] = topic.split('.')[0]!;
    headers['x-wc-webhook-event'] = topic.split('.')[1]!;
  }
  return { connection: 'woocommerce', headers, segments: [], contentType, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

describe('WooCommerce topics → scopes', () => {
  it('resolves each topic to its scope, with the resource id', async () => {
    const c = await connection();
    const cases: Array<[string, string]> = [
      ['product.created', 'product/created'],
      ['product.updated', 'product/updated'],
      ['product.restored', 'product/updated'],
      ['product.deleted', 'product/deleted'],
      ['customer.created', 'customer/created'],
      ['customer.updated', 'customer/updated'],
      ['customer.deleted', 'customer/deleted'],
      ['order.created', 'transaction/created'],
      ['order.updated', 'transaction/updated'],
      ['order.restored', 'transaction/updated'],
      ['order.deleted', 'transaction/deleted'],
    ];
    for (const [topic, scope] of cases) {
      const body = topic.endsWith('.deleted') ? { id: 799 } : wcProduct(799, {});
      const result = await interpretHook(c, hook(topic, body), 0);
      expect(result.notifications.map((n) => [n.hookName, n.scope?.name, n.externalId, n.status]), topic).toEqual([[topic, scope, '799', 'planned']]);
    }
    const coupon = await interpretHook(c, hook('coupon.updated', { id: 720, code: 'free-ship', date_modified_gmt: '2026-11-30T08:00:00' }), 0);
    expect(coupon.status).toBe('unmatched');
  });

  it('reads the ping (webhook_id=<n>, a form) as a hook with no notification: empty', async () => {
    const result = await interpretHook(await connection(), hook(null, 'webhook_id=12', 'application/x-www-form-urlencoded'), 0);
    expect([result.status, result.notifications, result.transfers]).toEqual(['empty', [], []]);
  });

  it('takes the body as the record, versioned by date_modified_gmt as UTC; a deleted hook carries none', async () => {
    const c = await connection();
    const updated = hook('product.updated', wcProduct(799, { sku: 'PQ-1' }, Date.UTC(2026, 10, 30, 8)));
    const result = await interpretHook(c, updated, 0);
    expect(result.transfers).toEqual([expect.objectContaining({ scope: 'product/updated', payload: true })]);
    expect(await readPayloadRecord(c.receiver, updated, 0)).toMatchObject({ record: { id: 799, sku: 'PQ-1' }, version: '2026-11-30T08:00:00Z' });

    const deleted = hook('product.deleted', { id: 799 });
    const planned = await interpretHook(c, deleted, 0);
    expect(planned.transfers).toEqual([expect.objectContaining({ scope: 'product/deleted', requestType: 'delete', externalId: '799' })]);
    expect(planned.transfers[0]!.payload).toBeUndefined();
    expect(await readPayloadRecord(c.receiver, deleted, 0)).toBeNull();
    // Even a non-delete topic whose body is only an id (no record) falls back to get.
    expect(await readPayloadRecord(c.receiver, hook('product.updated', { id: 799 }), 0)).toBeNull();
  });
});

describe('the WooCommerce api section against the simulated shop', () => {
  let shop: WooCommerceShop;
  let ctx: ReturnType<typeof writeContext>;
  beforeEach(async () => {
    shop = await startWooCommerce({ consumerKey: 'ck_test', consumerSecret: 'cs_test' });
    ctx = writeContext({ url: shop.url, consumerKey: 'ck_test', consumerSecret: 'cs_test' });
  });
  afterEach(() => shop.close());

  it('reads with HTTP Basic (the key stays out of the URL); a 404 in WooCommerce style is gone', async () => {
    shop.products.set(799, wcProduct(799, { sku: 'PQ-1' }));
    expect(await woocommerce.get!('product', '799', ctx)).toMatchObject({ id: 799, sku: 'PQ-1' });
    expect(await woocommerce.get!('product', '800', ctx)).toBeNull();
    expect(shop.seen[0]!.url).toBe('/wp-json/wc/v3/products/799');
    expect(shop.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ck_test:cs_test').toString('base64')}`);
  });

  it('pages by page/per_page until X-WP-TotalPages, with X-WP-Total as the total', async () => {
    for (let id = 1; id <= 201; id++) shop.customers.set(id, { id, email: `c${id}@example.com` });
    let cursor: string | null = null;
    const ids: string[] = [];
    do {
      const page = await woocommerce.list!('customer', cursor, ctx);
      expect(page.total).toBe(201);
      ids.push(...page.ids);
      cursor = page.cursor;
    } while (cursor !== null);
    expect(ids).toHaveLength(201);
    expect(shop.seen.map((r) => [r.query.get('page'), r.query.get('per_page')])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
  });

  it('writes products, customers and categories; finds by sku and email; deletes with force=true', async () => {
    const category = await woocommerce.create!('product_category', { name: 'Garden' }, ctx);
    await woocommerce.update!('product_category', category.externalId, { name: 'Garden tools' }, ctx);
    expect(shop.categories.get(Number(category.externalId))).toMatchObject({ name: 'Garden tools' });
    const product = await woocommerce.create!('product', { name: 'Rake', sku: 'RK-1', regular_price: '12.00' }, ctx);
    expect(await woocommerce.find!('product', 'sku', 'RK-1', ctx)).toBe(product.externalId);
    const customer = await woocommerce.create!('customer', { email: 'ann@example.com', first_name: 'Ann' }, ctx);
    expect(await woocommerce.find!('customer', 'email', 'ann@example.com', ctx)).toBe(customer.externalId);
    await woocommerce.delete!('customer', customer.externalId, ctx);
    await woocommerce.delete!('product_category', category.externalId, ctx);
    await woocommerce.delete!('product', product.externalId, ctx);
    expect([shop.customers.size, shop.categories.size, shop.products.size]).toEqual([0, 0, 0]);
    expect(shop.seen.filter((r) => r.method === 'DELETE').map((r) => r.query.get('force'))).toEqual(['true', 'true', 'true']);
    // Deleted already: 404, which a delete counts as done.
    await woocommerce.delete!('product', product.externalId, ctx);
  });

  it('a revoked key is HY_ERR_CREDENTIALS_REJECTED; a host 429 is HY_ERR_RATE_LIMITED after its Retry-After', async () => {
    shop.failNext(1, 429, 2);
    const limited = await rejection(woocommerce.get!('product', '1', ctx));
    expect([limited.code, limited.retryable, limited.retryAfterMs]).toEqual(['HY_ERR_RATE_LIMITED', true, 2000]);
    shop.revokeKey();
    const refused = await rejection(woocommerce.get!('product', '1', writeContext({ url: shop.url, consumerKey: 'ck_test', consumerSecret: 'cs_test' })));
    expect([refused.code, refused.retryable]).toEqual(['HY_ERR_CREDENTIALS_REJECTED', false]);
  });
});

describe('examples/providers/woocommerce.yaml', () => {
  it('passes check, which prints the scope table', async () => {
    const stdout: string[] = [];
    const code = await checkCommand(resolve(ROOT, 'examples/providers/woocommerce.yaml'), { out: (t) => stdout.push(t), err: () => {} }, {});
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/product\/updated\s+yes\s+product\.updated, product\.restored/);
  });
});
