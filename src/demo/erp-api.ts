/**
 * Acme ERP's REST API: plain JSON records addressed by code (URL-encoded, `Item%3A1234`, or raw),
 * lists paged by code number with `after` and `limit`, answering `{items, next, total}`, and a
 * change feed for categories, which have no webhook: `GET /api/categories?changedSince=<ms>`
 * ordered by (updatedAt, code). Without `changedSince`, `GET /api/categories` is a list like the
 * others. Item and customer lists filter by exact field value, `GET /api/items?sku=…` and
 * `GET /api/customers?email=…`, with the same paging and `total` counting the matches. Item and
 * customer creates honour `Idempotency-Key`: a repeated key answers 200 with the record the first
 * request made, and counts no write.
 */
import { DemoError } from './demo-error.js';
import { codeNumber, type ErpState } from './erp-state.js';
import type { ErpCategory } from './erp-types.js';
import type { JsonHandler, JsonReply, JsonRequest } from './json-server.js';
import { IdempotencyKeys } from './idempotency.js';
import { Router } from './router.js';
import type { WriteCounter } from './writes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** The operations one record kind offers over REST. */
interface Kind<T extends { code: string }> {
  records: Map<string, T>;
  get(code: string): T;
  create(input: object): T;
  update(code: string, patch: object): T;
  remove(code: string): void;
}

export function erpRouter(state: ErpState, writes: WriteCounter<string>): Router<JsonHandler> {
  const router = new Router<JsonHandler>();
  const keys = new IdempotencyKeys<string>();
  crud(router, 'items', writes, keys, ['sku'], {
    records: state.items,
    get: (code) => state.item(code),
    create: (input) => state.createItem(input),
    update: (code, patch) => state.updateItem(code, patch),
    remove: (code) => state.deleteItem(code),
  });
  crud(router, 'customers', writes, keys, ['email'], {
    records: state.customers,
    get: (code) => state.customer(code),
    create: (input) => state.createCustomer(input),
    update: (code, patch) => state.updateCustomer(code, patch),
    remove: (code) => state.deleteCustomer(code),
  });
  router.add('GET', '/api/categories', (r) => {
    const categories = [...state.categories.values()];
    return ok(200, r.query.has('changedSince') ? changedSince(categories, r) : byCode(categories, r));
  });
  router.add('GET', '/api/categories/:code', (r) => ok(200, state.category(code(r))));
  return router;
}

function crud<T extends { code: string }>(
  router: Router<JsonHandler>,
  name: string,
  writes: WriteCounter<string>,
  keys: IdempotencyKeys<string>,
  filters: readonly string[],
  kind: Kind<T>,
): void {
  router
    .add('GET', `/api/${name}`, (r) => ok(200, byCode(filtered([...kind.records.values()], filters, r), r)))
    .add('GET', `/api/${name}/:code`, (r) => ok(200, kind.get(code(r))))
    .add('POST', `/api/${name}`, (r) => {
      const { record, created } = keys.create(
        name,
        r.headers,
        (known) => kind.records.get(known),
        () => kind.create(body(r)),
        (c) => c.code,
      );
      if (!created) return ok(200, record);
      writes.record(name, 'create', record.code);
      return ok(201, record);
    })
    .add('PUT', `/api/${name}/:code`, (r) => {
      const record = kind.update(code(r), body(r));
      writes.record(name, 'update', record.code);
      return ok(200, record);
    })
    .add('DELETE', `/api/${name}/:code`, (r) => {
      kind.remove(code(r));
      writes.record(name, 'delete', code(r));
      return ok(200, { code: code(r), deleted: true });
    });
}

function ok(status: number, body: unknown): JsonReply {
  return { status, body };
}

function code(request: JsonRequest): string {
  return request.params.code ?? '';
}

/** The request body as an object; its fields are checked by ErpState. */
function body(request: JsonRequest): object {
  const value = request.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DemoError(400, 'body must be a JSON object');
  return value;
}

/** Records whose fields named in `filters` equal the query's values exactly (`?sku=MUG-1`), where given. */
function filtered<T extends object>(records: T[], filters: readonly string[], request: JsonRequest): T[] {
  let out = records;
  for (const field of filters) {
    const value = request.query.get(field);
    if (value !== null) out = out.filter((record) => (record as Record<string, unknown>)[field] === value);
  }
  return out;
}

/**
 * Records after the code number `after` (a code or a bare number), ascending. `next` is the last
 * code of the page when more follow, else null; `total` counts all records, whatever `after` is.
 */
function byCode<T extends { code: string }>(records: T[], request: JsonRequest): { items: T[]; next: string | null; total: number } {
  const after = request.query.get('after');
  const afterNumber = after === null || after === '' ? -Infinity : codeNumber(after);
  const sorted = records.filter((r) => codeNumber(r.code) > afterNumber).sort((a, b) => codeNumber(a.code) - codeNumber(b.code));
  const limit = limitOf(request);
  const items = sorted.slice(0, limit);
  return { items, next: sorted.length > limit ? items[items.length - 1]!.code : null, total: records.length };
}

/**
 * Categories changed at or after `changedSince` (ms), ordered by (updatedAt, code number). Many
 * changes can share a millisecond, so the page cursor `next` is the last position seen,
 * `{changedSince, after}`; passing both back continues strictly after it. `next` is null on the
 * last page.
 */
function changedSince(categories: ErpCategory[], request: JsonRequest): { items: ErpCategory[]; next: { changedSince: number; after: string } | null } {
  const since = Number(request.query.get('changedSince') ?? 0);
  if (!Number.isFinite(since)) throw new DemoError(400, 'changedSince must be milliseconds since the epoch');
  const after = request.query.get('after');
  const afterNumber = after === null || after === '' ? null : codeNumber(after);
  const key = (c: ErpCategory): [number, number] => [Date.parse(c.updatedAt), codeNumber(c.code)];
  const sorted = categories
    .filter((c) => {
      const [time, number] = key(c);
      return afterNumber === null ? time >= since : time > since || (time === since && number > afterNumber);
    })
    .sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
  const limit = limitOf(request);
  const items = sorted.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: sorted.length > limit && last ? { changedSince: Date.parse(last.updatedAt), after: last.code } : null };
}

function limitOf(request: JsonRequest): number {
  const raw = request.query.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DemoError(400, 'limit must be a positive integer');
  return Math.min(Number(raw), MAX_LIMIT);
}
