/**
 * Reading and writing Acme records over its REST API. Records are plain JSON addressed by code
 * (`Item:1234`, URL-encoded in paths) and are passed through in Acme's own field names. Items
 * and customers can be written; categories are only read (Acme has no API to write them), and
 * `message` is no record at all: prerequisites resolve it to the real type first.
 */
import type { DataType } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { ExternalRecord, IntegrationContext, WriteContext } from '../types.js';
import { erpClient } from './client.js';

interface Resource {
  path: string;
  writable: boolean;
}

const RESOURCES: Partial<Record<DataType, Resource>> = {
  product: { path: '/api/items', writable: true },
  customer: { path: '/api/customers', writable: true },
  product_category: { path: '/api/categories', writable: false },
};

export async function getRecord(type: DataType, externalId: string, ctx: IntegrationContext): Promise<ExternalRecord | null> {
  const resource = resourceFor(type, 'get');
  const answer = await erpClient(ctx).getJson<unknown>(recordPath(resource, externalId));
  return answer === null ? null : asRecord(answer, `GET ${resource.path}`);
}

export async function createRecord(type: DataType, record: ExternalRecord, ctx: WriteContext): Promise<{ externalId: string }> {
  const resource = resourceFor(type, 'create', true);
  // The key makes a create retried after a crash or a lost answer give back the first record.
  const answer = await erpClient(ctx).sendJson<unknown>('POST', resource.path, record, { 'Idempotency-Key': ctx.idempotencyKey });
  const created = asRecord(answer, `POST ${resource.path}`);
  if (typeof created.code !== 'string' || created.code === '') {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `POST ${resource.path} answered a record without a code`);
  }
  ctx.log('create', `${type} ${created.code} created in Acme (idempotency key ${ctx.idempotencyKey})`);
  return { externalId: created.code };
}

export async function updateRecord(type: DataType, externalId: string, record: ExternalRecord, ctx: WriteContext): Promise<void> {
  const resource = resourceFor(type, 'update', true);
  await erpClient(ctx).sendJson('PUT', recordPath(resource, externalId), record);
}

/** The fields Acme lists can be filtered by, exactly: items by sku, customers by email. */
const SEARCHABLE: Partial<Record<DataType, string>> = { product: 'sku', customer: 'email' };

/** The code of the item (by sku) or customer (by email) with this value, or null: `GET /api/items?sku=…`. */
export async function findRecord(type: DataType, field: string, value: unknown, ctx: IntegrationContext): Promise<string | null> {
  const resource = resourceFor(type, 'find');
  const searchable = SEARCHABLE[type];
  if (field !== searchable) {
    const by = searchable ? `only by ${searchable}` : 'no field at all';
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `acme-erp cannot find ${type} by "${field}": Acme searches ${type} ${by}`);
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw permanentError('HY_ERR_INTEGRATION', `acme-erp cannot find ${type} by ${field} = ${JSON.stringify(value)}: not a string or number`);
  }
  const query = new URLSearchParams({ [field]: String(value), limit: '2' });
  const request = `GET ${resource.path}?${query}`;
  const answer = (await erpClient(ctx).getJson<unknown>(`${resource.path}?${query}`)) as { items?: unknown } | null;
  if (typeof answer !== 'object' || answer === null || !Array.isArray(answer.items)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered without a list of items`);
  }
  const codes = answer.items.map((item: unknown) => (item as { code?: unknown } | null)?.code);
  if (codes.some((code) => typeof code !== 'string' || code === '')) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered an item without a code`);
  }
  if (codes.length > 1) {
    throw permanentError('HY_ERR_COLLISION', `Acme has several ${type} records with ${field} = ${JSON.stringify(value)} (${codes.join(', ')}, …); merge them or link one by hand`);
  }
  return (codes[0] as string | undefined) ?? null;
}

/** A record already gone counts as deleted, so a delete retried after a lost answer succeeds. */
export async function deleteRecord(type: DataType, externalId: string, ctx: WriteContext): Promise<void> {
  const resource = resourceFor(type, 'delete', true);
  if (!(await erpClient(ctx).deleteRecord(recordPath(resource, externalId)))) ctx.log('delete', `${type} ${externalId} was already gone from Acme`);
}

export function resourceFor(type: DataType, operation: string, write = false): Resource {
  if (type === 'message') {
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `acme-erp cannot ${operation} a message: messages are resolved to their real type by prerequisites`);
  }
  const resource = RESOURCES[type];
  if (!resource || (write && !resource.writable)) {
    const can = write ? 'writes products (items) and customers' : 'reads products (items), customers and product categories';
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `acme-erp cannot ${operation} ${type}: it ${can}`);
  }
  return resource;
}

function recordPath(resource: Resource, code: string): string {
  // An empty code (or a dot segment) would address the collection, not a record.
  if (code === '' || code === '.' || code === '..') {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${JSON.stringify(code)} is not an Acme code (e.g. "Item:1234")`);
  }
  return `${resource.path}/${encodeURIComponent(code)}`;
}

function asRecord(answer: unknown, request: string): ExternalRecord {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${request} answered without a record`);
  }
  return answer as ExternalRecord;
}
