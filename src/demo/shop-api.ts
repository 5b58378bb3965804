/**
 * The demo shop's REST API, shaped like Shopify's Admin API: bodies wrapped in the resource name
 * (`{"product": {...}}`), lists paged with `since_id` and `limit` (products filtered by a variant's
 * `sku`, customers by `email`, exactly, when asked), `GET …/count` answering
 * `{"count": n}`. Every write goes through ShopState (so it fires the same webhook as the
 * merchant would) and is counted. Product, customer and custom collection creates honour
 * `Idempotency-Key`: a repeated key answers 200 with the record the first request made, and
 * counts no write.
 */
import { DemoError, notFound } from './demo-error.js';
import type { JsonHandler, JsonReply, JsonRequest } from './json-server.js';
import { IdempotencyKeys } from './idempotency.js';
import { Router } from './router.js';
import type { ShopState } from './shop-state.js';
import * as v from './validate.js';
import type { WriteCounter } from './writes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;

export function shopRouter(state: ShopState, writes: WriteCounter<number>): Router<JsonHandler> {
  const ok = (status: number, body: unknown): JsonReply => ({ status, body });
  const keys = new IdempotencyKeys<number>();
  return new Router<JsonHandler>()
    .add('GET', '/admin/products', (r) => {
      const sku = r.query.get('sku');
      const products = sku === null ? state.products : only(state.products, (p) => p.variants.some((variant) => variant.sku === sku));
      return ok(200, { products: page(products, r) });
    })
    .add('GET', '/admin/products/count', () => ok(200, { count: state.products.size }))
    .add('GET', '/admin/products/:id', (r) => ok(200, { product: state.product(id(r)) }))
    .add('POST', '/admin/products', (r) => {
      const { record: product, created } = keys.create(
        'products',
        r.headers,
        (known) => state.products.get(known),
        () => state.createProduct(unwrap(r, 'product')),
        (p) => p.id,
      );
      if (!created) return ok(200, { product });
      writes.record('products', 'create', product.id);
      return ok(201, { product });
    })
    .add('PUT', '/admin/products/:id', (r) => {
      const product = state.updateProduct(id(r), unwrap(r, 'product'));
      writes.record('products', 'update', product.id);
      return ok(200, { product });
    })
    .add('DELETE', '/admin/products/:id', (r) => {
      state.deleteProduct(id(r));
      writes.record('products', 'delete', id(r));
      return ok(200, {});
    })
    .add('GET', '/admin/customers', (r) => {
      const email = r.query.get('email');
      return ok(200, { customers: page(email === null ? state.customers : only(state.customers, (c) => c.email === email), r) });
    })
    .add('GET', '/admin/customers/count', () => ok(200, { count: state.customers.size }))
    .add('GET', '/admin/customers/:id', (r) => ok(200, { customer: state.customer(id(r)) }))
    .add('POST', '/admin/customers', (r) => {
      const { record: customer, created } = keys.create(
        'customers',
        r.headers,
        (known) => state.customers.get(known),
        () => state.createCustomer(unwrap(r, 'customer')),
        (c) => c.id,
      );
      if (!created) return ok(200, { customer });
      writes.record('customers', 'create', customer.id);
      return ok(201, { customer });
    })
    .add('PUT', '/admin/customers/:id', (r) => {
      const customer = state.updateCustomer(id(r), unwrap(r, 'customer'));
      writes.record('customers', 'update', customer.id);
      return ok(200, { customer });
    })
    .add('PUT', '/admin/customers/:id/addresses/:addressId', (r) => {
      const address = state.updateAddress(id(r), id(r, 'addressId'), unwrap(r, 'address'));
      writes.record('customer_addresses', 'update', address.id);
      return ok(200, { customer_address: address });
    })
    .add('GET', '/admin/orders', (r) => ok(200, { orders: page(state.orders, r) }))
    .add('GET', '/admin/orders/count', () => ok(200, { count: state.orders.size }))
    .add('GET', '/admin/orders/:id', (r) => ok(200, { order: state.order(id(r)) }))
    .add('POST', '/admin/orders', (r) => {
      const order = state.createOrder(unwrap(r, 'order'));
      writes.record('orders', 'create', order.id);
      return ok(201, { order });
    })
    .add('PUT', '/admin/orders/:id', (r) => {
      const order = state.updateOrder(id(r), unwrap(r, 'order'));
      writes.record('orders', 'update', order.id);
      return ok(200, { order });
    })
    .add('POST', '/admin/orders/:id/messages', (r) => {
      const message = unwrap<{ text?: unknown }>(r, 'message');
      const order = state.addOrderMessage(id(r), v.nonBlank(message.text, 'text'));
      writes.record('order_messages', 'create', order.id);
      return ok(201, { order });
    })
    .add('GET', '/admin/custom_collections', (r) => ok(200, { custom_collections: page(state.collections, r) }))
    .add('GET', '/admin/custom_collections/count', () => ok(200, { count: state.collections.size }))
    .add('GET', '/admin/custom_collections/:id', (r) => ok(200, { custom_collection: state.collection(id(r)) }))
    .add('POST', '/admin/custom_collections', (r) => {
      const { record: collection, created } = keys.create(
        'custom_collections',
        r.headers,
        (known) => state.collections.get(known),
        () => state.createCollection(unwrap(r, 'custom_collection')),
        (c) => c.id,
      );
      if (!created) return ok(200, { custom_collection: collection });
      writes.record('custom_collections', 'create', collection.id);
      return ok(201, { custom_collection: collection });
    })
    .add('PUT', '/admin/custom_collections/:id', (r) => {
      const collection = state.updateCollection(id(r), unwrap(r, 'custom_collection'));
      writes.record('custom_collections', 'update', collection.id);
      return ok(200, { custom_collection: collection });
    })
    .add('DELETE', '/admin/custom_collections/:id', (r) => {
      state.deleteCollection(id(r));
      writes.record('custom_collections', 'delete', id(r));
      return ok(200, {});
    });
}

/** A numeric id from the path; anything else cannot name a record. */
function id(request: JsonRequest, param = 'id'): number {
  const raw = request.params[param] ?? '';
  if (!/^\d+$/.test(raw)) throw notFound(`${param} ${raw}`);
  return Number(raw);
}

/** The resource inside Shopify's wrapper, `{"product": {...}}`. Its fields are checked by ShopState. */
function unwrap<T extends object>(request: JsonRequest, name: string): T {
  const inner = (request.body as Record<string, unknown> | null)?.[name];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw new DemoError(400, 'Required parameter missing or invalid', name);
  }
  return inner as T;
}

/** The records that pass `keep` (a list filter such as `?sku=`), keyed as before. */
function only<T>(records: Map<number, T>, keep: (record: T) => boolean): Map<number, T> {
  return new Map([...records].filter(([, record]) => keep(record)));
}

/** Records with an id above `since_id`, ascending, at most `limit` (default 50, at most 250). */
function page<T>(records: Map<number, T>, request: JsonRequest): T[] {
  const sinceId = queryInt(request, 'since_id', 0);
  const limit = Math.min(queryInt(request, 'limit', DEFAULT_LIMIT), MAX_LIMIT);
  return [...records.entries()]
    .filter(([key]) => key > sinceId)
    .sort(([a], [b]) => a - b)
    .slice(0, limit)
    .map(([, record]) => record);
}

function queryInt(request: JsonRequest, name: string, fallback: number): number {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || (name === 'limit' && Number(raw) < 1)) throw new DemoError(400, `${name} must be a positive integer`, name);
  return Number(raw);
}
