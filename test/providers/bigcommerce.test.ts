/**
 * The shipped BigCommerce file, piece by piece: which scope and record id each documented hook
 * becomes (a SKU's or an address's hook names its parent), and how its `api` section reads and
 * writes the simulated store (v3 wrappers unwrapped, v3 customers read by filter and written as
 * lists, v2 orders plain, 204 past the last v2 page).
 */
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands.js';
import { loadConfig } from '../../src/config/load.js';
import { interpretHook } from '../../src/resolve/interpret.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import { writeContext } from '../integrations/context.js';
import { startBigCommerce, type BigCommerceStore } from './bigcommerce-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const KEY = 'bc-hook-key';
const bigcommerce = BUILTIN_INTEGRATIONS.get('bigcommerce')!;

/** A delivery as BigCommerce sends it: the event in `scope`, only ids in `data`. */
function body(scope: string, data: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ scope, store_id: '1025646', data, hash: '352e4afc6dd3fc85ea26bfdf3f91852604d57528', created_at: 1561482670, producer: 'stores/abc123' }));
}

describe('BigCommerce hooks → scopes', () => {
  it('resolves every documented event to its scope and the id of the record to read', async () => {
    const config = await loadConfig(resolve(ROOT, 'examples/providers/bigcommerce.yaml'), { env: { BIGCOMMERCE_HOOK_KEY: KEY } });
    const connection = config.connections.get('bigcommerce')!;
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['store/product/created', { type: 'product', id: 167 }, 'product/created', '167'],
      ['store/product/updated', { type: 'product', id: 167 }, 'product/updated', '167'],
      ['store/product/deleted', { type: 'product', id: 167 }, 'product/deleted', '167'],
      ['store/product/inventory/updated', { type: 'product', id: 167, inventory: { product_id: 167, method: 'absolute', value: 2 } }, 'product/updated', '167'],
      ['store/product/inventory/order/updated', { type: 'product', id: 167, inventory: { product_id: 167, method: 'relative', value: -1 } }, 'product/updated', '167'],
      ['store/sku/created', { type: 'sku', id: 461, sku: { product_id: 167, variant_id: 509 } }, 'product/updated', '167'],
      ['store/sku/deleted', { type: 'sku', id: 461, sku: { product_id: 167, variant_id: 509 } }, 'product/updated', '167'],
      ['store/sku/inventory/updated', { type: 'sku', id: 461, inventory: { product_id: 167, method: 'absolute', value: 2, variant_id: 509 } }, 'product/updated', '167'],
      ['store/category/created', { type: 'category', id: 23 }, 'product_category/created', '23'],
      ['store/category/deleted', { type: 'category', id: 23 }, 'product_category/deleted', '23'],
      ['store/customer/updated', { type: 'customer', id: 32 }, 'customer/updated', '32'],
      ['store/customer/address/created', { type: 'customer', id: 60, address: { customer_id: 32 } }, 'customer/updated', '32'],
      ['store/customer/address/deleted', { type: 'customer', id: 60, address: { customer_id: 32 } }, 'customer/updated', '32'],
      ['store/customer/deleted', { type: 'customer', id: 32 }, 'customer/deleted', '32'],
      ['store/order/created', { type: 'order', id: 250 }, 'transaction/created', '250'],
      ['store/order/statusUpdated', { type: 'order', id: 250, status: { previous_status_id: 0, new_status_id: 11 } }, 'transaction/updated', '250'],
      ['store/order/refund/created', { type: 'order', id: 250, refund: { refund_id: 9 } }, 'transaction/updated', '250'],
      ['store/order/archived', { type: 'order', id: 250 }, 'transaction/updated', '250'],
    ];
    for (const [scope, data, expected, id] of cases) {
      const result = await interpretHook(connection, { connection: 'bigcommerce', headers: { 'x-hookyard-key': KEY }, segments: [], contentType: 'application/json', body: body(scope, data) }, 0);
      expect(result.notifications.map((n) => [n.hookName, n.scope?.name, n.externalId, n.status]), scope).toEqual([[scope, expected, id, 'planned']]);
    }
  });

  it('keeps an event it does not declare (a cart) as unmatched, not planned', async () => {
    const config = await loadConfig(resolve(ROOT, 'examples/providers/bigcommerce.yaml'), { env: {} });
    const result = await interpretHook(config.connections.get('bigcommerce')!, { connection: 'bigcommerce', headers: {}, segments: [], contentType: 'application/json', body: body('store/cart/created', { type: 'cart', id: '09346904-4175-44fd-be53-f7e598531b6c' }) }, 0);
    expect([result.status, result.transfers]).toEqual(['unmatched', []]);
  });

  it('plans a delete with the id alone: nothing of the body is read as a record', async () => {
    const config = await loadConfig(resolve(ROOT, 'examples/providers/bigcommerce.yaml'), { env: {} });
    const result = await interpretHook(config.connections.get('bigcommerce')!, { connection: 'bigcommerce', headers: {}, segments: [], contentType: 'application/json', body: body('store/product/deleted', { type: 'product', id: 167 }) }, 0);
    expect(result.transfers).toEqual([expect.objectContaining({ scope: 'product/deleted', requestType: 'delete', externalId: '167' })]);
    expect(result.transfers[0]!.payload).toBeUndefined();
  });
});

describe('the BigCommerce api section against the simulated store', () => {
  let store: BigCommerceStore;
  let ctx: ReturnType<typeof writeContext>;
  beforeEach(async () => {
    store = await startBigCommerce({ token: 'bc-token' });
    ctx = writeContext({ apiUrl: store.url, storeHash: store.storeHash, accessToken: 'bc-token' });
  });
  afterEach(() => store.close());

  it('reads a product out of the v3 wrapper, with X-Auth-Token and Accept: application/json', async () => {
    store.products.set(167, { id: 167, name: 'Orbit Terrarium', sku: 'OTS', price: 109, is_visible: true });
    expect(await bigcommerce.get!('product', '167', ctx)).toMatchObject({ id: 167, name: 'Orbit Terrarium' });
    expect(await bigcommerce.get!('product', '168', ctx)).toBeNull();
    const [first] = store.seen;
    expect(first!.url).toBe('/stores/abc123/v3/catalog/products/167?include=variants');
    expect([first!.headers['x-auth-token'], first!.headers.accept]).toEqual(['bc-token', 'application/json']);
  });

  it('reads a customer by filter (id:in), and an empty list is a customer that is gone', async () => {
    store.customers.set(32, { id: 32, email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' });
    expect(await bigcommerce.get!('customer', '32', ctx)).toMatchObject({ id: 32, email: 'jane@example.com' });
    expect(await bigcommerce.get!('customer', '33', ctx)).toBeNull();
    expect(store.seen.map((r) => [r.path, r.query.get('id:in')])).toEqual([
      ['/stores/abc123/v3/customers', '32'],
      ['/stores/abc123/v3/customers', '33'],
    ]);
  });

  it('creates and updates customers as lists, the update naming the customer by id; finds one by email:in', async () => {
    const created = await bigcommerce.create!('customer', { email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' }, ctx);
    const id = Number(created.externalId);
    expect(store.customers.get(id)).toMatchObject({ email: 'ann@example.com' });
    await bigcommerce.update!('customer', String(id), { email: 'ann@example.com', first_name: 'Anne', last_name: 'Lee' }, ctx);
    expect(store.customers.get(id)).toMatchObject({ first_name: 'Anne' });
    expect(JSON.parse(store.seen[1]!.body)).toEqual([{ email: 'ann@example.com', first_name: 'Anne', last_name: 'Lee', id }]);
    expect(await bigcommerce.find!('customer', 'email', 'ann@example.com', ctx)).toBe(String(id));
    expect(await bigcommerce.find!('customer', 'email', 'nobody@example.com', ctx)).toBeNull();
    await bigcommerce.delete!('customer', String(id), ctx);
    expect(store.customers.has(id)).toBe(false);
    expect(store.seen.at(-1)!.url).toBe(`/stores/abc123/v3/customers?id%3Ain=${id}`);
  });

  it('reads v2 orders as plain objects (404 in v2 style is gone) and walks v2 pages until the 204', async () => {
    for (const id of [250, 251, 252]) store.orders.set(id, { id, status: 'Awaiting Fulfillment', total_inc_tax: '10.0000' });
    expect(await bigcommerce.get!('transaction', '250', ctx)).toMatchObject({ id: 250, status: 'Awaiting Fulfillment' });
    expect(await bigcommerce.get!('transaction', '999', ctx)).toBeNull();
    const first = await bigcommerce.list!('transaction', null, ctx);
    expect(first.ids).toEqual(['250', '251', '252']);
    // A full page asks for the next one, which answers 204: the end.
    expect(first.cursor === null ? null : await bigcommerce.list!('transaction', first.cursor, ctx)).toEqual(first.cursor === null ? null : { ids: [], cursor: null });
  });

  it('creates a category and a product, reading the new id from data.id', async () => {
    const category = await bigcommerce.create!('product_category', { name: 'Garden', parent_id: 0 }, ctx);
    expect(store.categories.get(Number(category.externalId))).toMatchObject({ name: 'Garden' });
    const product = await bigcommerce.create!('product', { name: 'Rake', type: 'physical', weight: 0, price: 12, sku: 'RK-1' }, ctx);
    expect(store.products.get(Number(product.externalId))).toMatchObject({ sku: 'RK-1' });
    expect(await bigcommerce.find!('product', 'sku', 'RK-1', ctx)).toBe(product.externalId);
  });
});

describe('examples/providers/bigcommerce.yaml', () => {
  it('passes check, which prints the scope table', async () => {
    const stdout: string[] = [];
    const code = await checkCommand(resolve(ROOT, 'examples/providers/bigcommerce.yaml'), { out: (t) => stdout.push(t), err: () => {} }, {});
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/product\/updated\s+yes\s+store\/product\/updated, store\/product\/inventory\/updated/);
  });
});
