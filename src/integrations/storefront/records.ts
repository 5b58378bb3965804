/**
 * Reading and writing shop records over its Admin API. Bodies travel in Shopify's wrapper
 * (`{"product": {...}}`); integration code hands the hub the unwrapped record. Products,
 * customers and product categories (Shopify custom collections, `{id, title, handle, published,
 * updated_at}`) can be written; orders (transactions) are only read, because the shop creates
 * them at checkout and the hub has no business making or changing them.
 */
import type { DataType } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { ExternalRecord, IntegrationContext, WriteContext } from '../types.js';
import { shopClient } from './client.js';

export interface Resource {
  /** The collection path, e.g. /admin/products. */
  path: string;
  /** The wrapper name of one record in bodies. */
  wrapper: string;
  /** The wrapper name of a list, e.g. `products` in `{"products": [...]}`. */
  plural: string;
  writable: boolean;
}

const RESOURCES: Partial<Record<DataType, Resource>> = {
  product: { path: '/admin/products', wrapper: 'product', plural: 'products', writable: true },
  customer: { path: '/admin/customers', wrapper: 'customer', plural: 'customers', writable: true },
  product_category: { path: '/admin/custom_collections', wrapper: 'custom_collection', plural: 'custom_collections', writable: true },
  transaction: { path: '/admin/orders', wrapper: 'order', plural: 'orders', writable: false },
};

export async function getRecord(type: DataType, externalId: string, ctx: IntegrationContext): Promise<ExternalRecord | null> {
  const resource = resourceFor(type, 'get');
  const answer = await shopClient(ctx).getJson<Record<string, unknown>>(recordPath(resource, externalId));
  return answer === null ? null : unwrap(resource, answer, 'GET');
}

export async function createRecord(type: DataType, record: ExternalRecord, ctx: WriteContext): Promise<{ externalId: string }> {
  const resource = resourceFor(type, 'create', true);
  // The key makes a create retried after a crash or a lost answer give back the first record.
  const answer = await shopClient(ctx).sendJson<Record<string, unknown>>(
    'POST',
    resource.path,
    { [resource.wrapper]: record },
    { 'Idempotency-Key': ctx.idempotencyKey },
  );
  const created = unwrap(resource, answer, 'POST');
  if (typeof created.id !== 'number' && typeof created.id !== 'string') {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `POST ${resource.path} answered a ${resource.wrapper} without an id`);
  }
  const externalId = String(created.id);
  ctx.log('create', `${type} ${externalId} created in the shop (idempotency key ${ctx.idempotencyKey})`);
  return { externalId };
}

export async function updateRecord(type: DataType, externalId: string, record: ExternalRecord, ctx: WriteContext): Promise<void> {
  const resource = resourceFor(type, 'update', true);
  await shopClient(ctx).sendJson('PUT', recordPath(resource, externalId), { [resource.wrapper]: record });
}

/** The fields the shop's lists can be filtered by, exactly: products by a variant's sku, customers by email. */
const SEARCHABLE: Partial<Record<DataType, string>> = { product: 'sku', customer: 'email' };

/**
 * The id of the product having a variant with this sku (`GET /admin/products?sku=…`) or of the
 * customer with this email (`GET /admin/customers?email=…`), or null.
 */
export async function findRecord(type: DataType, field: string, value: unknown, ctx: IntegrationContext): Promise<string | null> {
  const resource = resourceFor(type, 'find');
  const searchable = SEARCHABLE[type];
  if (field !== searchable) {
    const by = searchable ? `only by ${searchable}` : 'by no field at all';
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `storefront cannot find ${type} by "${field}": the shop searches ${resource.plural} ${by}`);
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw permanentError('HY_ERR_INTEGRATION', `storefront cannot find ${type} by ${field} = ${JSON.stringify(value)}: not a string or number`);
  }
  const query = new URLSearchParams({ [field]: String(value), limit: '2' });
  const request = `GET ${resource.path}?${query}`;
  const answer = await shopClient(ctx).getJson<Record<string, unknown>>(`${resource.path}?${query}`);
  const records = answer?.[resource.plural];
  if (!Array.isArray(records)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered without a "${resource.plural}" list`);
  }
  const ids = records.map((record: unknown) => (record as { id?: unknown } | null)?.id);
  if (ids.some((id) => typeof id !== 'number' && typeof id !== 'string')) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered a ${resource.wrapper} without an id`);
  }
  if (ids.length > 1) {
    throw permanentError('HY_ERR_COLLISION', `the shop has several ${resource.plural} with ${field} = ${JSON.stringify(value)} (${ids.join(', ')}, …); merge them or link one by hand`);
  }
  return ids.length === 0 ? null : String(ids[0]);
}

/** A record already gone counts as deleted, so a delete retried after a lost answer succeeds. */
export async function deleteRecord(type: DataType, externalId: string, ctx: WriteContext): Promise<void> {
  const resource = resourceFor(type, 'delete', true);
  if (!(await shopClient(ctx).deleteRecord(recordPath(resource, externalId)))) ctx.log('delete', `${type} ${externalId} was already gone from the shop`);
}

export function resourceFor(type: DataType, operation: string, write = false): Resource {
  const resource = RESOURCES[type];
  if (!resource || (write && !resource.writable)) {
    const can = write
      ? 'writes products, customers and product categories (custom collections)'
      : 'reads products, customers, product categories (custom collections) and transactions (orders)';
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `storefront cannot ${operation} ${type}: it ${can}`);
  }
  return resource;
}

function recordPath(resource: Resource, externalId: string): string {
  // Shop ids are numbers; anything else would be a wrong id from a mapping, not a record.
  if (!/^\d+$/.test(externalId)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `"${externalId}" is not a shop ${resource.wrapper} id (shop ids are numbers)`);
  }
  return `${resource.path}/${externalId}`;
}

function unwrap(resource: Resource, answer: Record<string, unknown> | null, method: string): ExternalRecord {
  const inner = answer?.[resource.wrapper];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${method} ${resource.path} answered without a "${resource.wrapper}" object`);
  }
  return inner as ExternalRecord;
}
