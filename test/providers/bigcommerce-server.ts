/**
 * A BigCommerce store for tests: a real node:http server on 127.0.0.1 answering as BigCommerce's
 * REST API documents it, and sending webhooks as BigCommerce delivers them.
 *
 * - Paths with their version: /stores/{store_hash}/v3/catalog/products[/{id}],
 *   /v3/catalog/categories[/{id}], /v3/customers (no single-record path: ?id:in=…, ?email:in=…;
 *   creates and updates take a list), /v2/orders[/{id}], /v3/hooks.
 * - Wrappers: v3 answers {"data": …, "meta": {}}; v3 lists {"data": […], "meta": {"pagination":
 *   {total, count, per_page, current_page, total_pages, links}}} paged by page/limit; v2 answers
 *   the plain object, v2 lists a plain array and 204 past the last page.
 * - X-Auth-Token (an unknown or revoked token: 401); X-Rate-Limit-Requests-Left,
 *   -Requests-Quota, -Time-Window-Ms, -Time-Reset-Ms on every answer; 429 with them when told to
 *   fail; 404 bodies in each version's style (v3 an object, v2 a list of errors).
 * - Webhooks: POST /v3/hooks keeps {scope, destination, headers}; `fire` delivers the thin
 *   payload {scope, store_id, data, hash, created_at, producer} to every active hook of the
 *   scope with the hook's custom headers, as BigCommerce does.
 */
import { createHash } from 'node:crypto';
import { reply, startSimulator, type Exchange, type Reply, type SimulatorRequest } from '../helpers/simulator.js';

export interface Webhook {
  id: number;
  scope: string;
  destination: string;
  headers: Record<string, string> | null;
  is_active: boolean;
}

type Json = Record<string, any>;

const STATUS_CODES_DOC = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';
const QUOTA = 150;
const WINDOW_MS = 30_000;

export interface BigCommerceStore {
  url: string;
  storeHash: string;
  storeId: string;
  /** Every request the API received, in order (hook deliveries are not requests to it). */
  seen: Exchange[];
  products: Map<number, Json>;
  categories: Map<number, Json>;
  customers: Map<number, Json>;
  orders: Map<number, Json>;
  webhooks: Webhook[];
  /** The next `count` API requests are refused: 429 (with `resetMs` in X-Rate-Limit-Time-Reset-Ms) or 401. */
  failNext(count: number, status: 429 | 401, resetMs?: number): void;
  /** The access token stops working, as when the API account is deleted. */
  revokeToken(): void;
  /** Delivers an event to every active webhook of its scope; the answers of the destinations. */
  fire(scope: string, data: Json): Promise<Array<{ status: number; body: string; sent: string }>>;
  /** Delivers a body again, as BigCommerce's retry does, to every active webhook of its scope. */
  redeliver(sent: string): Promise<Array<{ status: number; body: string }>>;
  close(): Promise<void>;
}

export async function startBigCommerce(options: { token: string; storeHash?: string }): Promise<BigCommerceStore> {
  const storeHash = options.storeHash ?? 'abc123';
  const storeId = '1025646';
  let token: string | null = options.token;
  const products = new Map<number, Json>();
  const categories = new Map<number, Json>();
  const customers = new Map<number, Json>();
  const orders = new Map<number, Json>();
  const webhooks: Webhook[] = [];
  let nextId = 100;
  let left = QUOTA;
  let windowStart = Date.now();
  const failures: Array<{ status: 429 | 401; resetMs: number }> = [];

  function rateHeaders(): Record<string, string> {
    const now = Date.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      left = QUOTA;
    }
    return {
      'x-rate-limit-requests-left': String(left),
      'x-rate-limit-requests-quota': String(QUOTA),
      'x-rate-limit-time-window-ms': String(WINDOW_MS),
      'x-rate-limit-time-reset-ms': String(Math.max(0, WINDOW_MS - (now - windowStart))),
    };
  }

  const v3NotFound = { status: 404, title: 'The requested resource was not found.', type: STATUS_CODES_DOC, errors: {} };
  const v2NotFound = [{ status: 404, message: 'The requested resource was not found.' }];

  /** A v3 list page: `page`/`limit` (default 50, at most 250). */
  function v3Page(all: Json[], query: URLSearchParams): Json {
    const limit = Math.min(250, Number(query.get('limit') ?? 50));
    const page = Number(query.get('page') ?? 1);
    const totalPages = Math.max(1, Math.ceil(all.length / limit));
    const data = all.slice((page - 1) * limit, page * limit);
    const links: Json = { current: `?page=${page}&limit=${limit}` };
    if (page > 1) links.previous = `?page=${page - 1}&limit=${limit}`;
    if (page < totalPages) links.next = `?page=${page + 1}&limit=${limit}`;
    return { data, meta: { pagination: { total: all.length, count: data.length, per_page: limit, current_page: page, total_pages: totalPages, links } } };
  }

  function idsIn(query: URLSearchParams, name: string): string[] | null {
    const value = query.get(name);
    return value === null ? null : value.split(',').filter((v) => v !== '');
  }

  function catalog(map: Map<number, Json>, req: SimulatorRequest, id: number | null, filter: (r: Json, q: URLSearchParams) => boolean): Reply {
    if (id === null && req.method === 'GET') return reply(200, v3Page([...map.values()].filter((r) => filter(r, req.query)), req.query));
    if (id === null && req.method === 'POST') {
      const record = { ...JSON.parse(req.body), id: nextId++, date_modified: new Date().toISOString() };
      map.set(record.id, record);
      return reply(200, { data: record, meta: {} });
    }
    const record = id === null ? undefined : map.get(id);
    if (!record) return reply(404, v3NotFound);
    if (req.method === 'GET') return reply(200, { data: record, meta: {} });
    if (req.method === 'PUT') {
      const updated = { ...record, ...JSON.parse(req.body), id: record.id, date_modified: new Date().toISOString() };
      map.set(record.id, updated);
      return reply(200, { data: updated, meta: {} });
    }
    if (req.method === 'DELETE') {
      map.delete(record.id);
      return reply(204, undefined);
    }
    return reply(405, { status: 405, title: 'Method not allowed', type: STATUS_CODES_DOC });
  }

  function customersRoute(req: SimulatorRequest): Reply {
    const ids = idsIn(req.query, 'id:in');
    const emails = idsIn(req.query, 'email:in');
    const matching = () => [...customers.values()].filter((c) => (!ids || ids.includes(String(c.id))) && (!emails || emails.includes(c.email)));
    if (req.method === 'GET') return reply(200, v3Page(matching(), req.query));
    if (req.method === 'DELETE') {
      if (!ids) return reply(422, { status: 422, title: 'id:in is required', type: STATUS_CODES_DOC });
      for (const c of matching()) customers.delete(c.id);
      return reply(204, undefined);
    }
    const list = JSON.parse(req.body);
    if (!Array.isArray(list)) return reply(422, { status: 422, title: 'The request body must be an array of customers', type: STATUS_CODES_DOC, errors: {} });
    if (req.method === 'POST') {
      const data = list.map((c: Json) => ({ ...c, id: nextId++, date_modified: new Date().toISOString() }));
      for (const c of data) customers.set(c.id, c);
      return reply(200, { data, meta: {} });
    }
    if (req.method === 'PUT') {
      const data: Json[] = [];
      for (const change of list) {
        const current = customers.get(Number(change.id));
        if (!current) return reply(422, { status: 422, title: `Customer ${change.id} does not exist`, type: STATUS_CODES_DOC, errors: {} });
        const updated = { ...current, ...change, id: current.id, date_modified: new Date().toISOString() };
        customers.set(current.id, updated);
        data.push(updated);
      }
      return reply(200, { data, meta: {} });
    }
    return reply(405, { status: 405, title: 'Method not allowed', type: STATUS_CODES_DOC });
  }

  function ordersRoute(req: SimulatorRequest, id: number | null): Reply {
    if (id !== null) {
      const order = orders.get(id);
      return order ? reply(200, order) : reply(404, v2NotFound);
    }
    const limit = Math.min(250, Number(req.query.get('limit') ?? 50));
    const page = Number(req.query.get('page') ?? 1);
    const data = [...orders.values()].slice((page - 1) * limit, page * limit);
    if (data.length === 0) return reply(204, undefined);
    return reply(200, data);
  }

  function hooksRoute(req: SimulatorRequest): Reply {
    if (req.method === 'POST') {
      const spec = JSON.parse(req.body);
      const hook: Webhook = { id: nextId++, scope: spec.scope, destination: spec.destination, headers: spec.headers ?? null, is_active: spec.is_active ?? true };
      webhooks.push(hook);
      return reply(200, { data: { ...hook, store_hash: storeHash, created_at: Math.floor(Date.now() / 1000), updated_at: Math.floor(Date.now() / 1000) }, meta: {} });
    }
    return reply(200, { data: webhooks, meta: {} });
  }

  function answer(req: SimulatorRequest): Reply {
    const failure = failures.shift();
    if (failure?.status === 429) {
      return reply(429, { status: 429, title: 'Too many requests', type: STATUS_CODES_DOC }, { 'x-rate-limit-requests-left': '0', 'x-rate-limit-time-reset-ms': String(failure.resetMs) });
    }
    if (failure?.status === 401 || token === null || req.headers['x-auth-token'] !== token) {
      return reply(401, { status: 401, title: 'No valid credentials were found in this request', type: STATUS_CODES_DOC });
    }
    left = Math.max(0, left - 1);
    const prefix = `/stores/${storeHash}`;
    if (!req.path.startsWith(`${prefix}/`)) return reply(404, v3NotFound);
    const rest = req.path.slice(prefix.length);
    const match = /^\/(v3\/catalog\/products|v3\/catalog\/categories|v3\/customers|v2\/orders|v3\/hooks)(?:\/(\d+))?$/.exec(rest);
    if (!match) return reply(404, rest.startsWith('/v2/') ? v2NotFound : v3NotFound);
    const id = match[2] === undefined ? null : Number(match[2]);
    try {
      switch (match[1]) {
        case 'v3/catalog/products':
          return catalog(products, req, id, (p, q) => !q.get('sku') || p.sku === q.get('sku'));
        case 'v3/catalog/categories':
          return catalog(categories, req, id, () => true);
        case 'v3/customers':
          return id === null ? customersRoute(req) : reply(404, v3NotFound);
        case 'v2/orders':
          return ordersRoute(req, id);
        default:
          return hooksRoute(req);
      }
    } catch (error) {
      return reply(400, { status: 400, title: `Input is invalid: ${(error as Error).message}`, type: STATUS_CODES_DOC });
    }
  }

  // Every answer carries the rate-limit headers, counted after the request; a refusal's own override them.
  const server = await startSimulator((req) => {
    const answered = answer(req);
    return { ...answered, headers: { ...rateHeaders(), ...answered.headers } };
  });

  async function deliver(hook: Webhook, sent: string): Promise<{ status: number; body: string }> {
    const response = await fetch(hook.destination, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'BigCommerce-Webhooks', ...(hook.headers ?? {}) },
      body: sent,
    });
    return { status: response.status, body: await response.text() };
  }

  return {
    url: server.url,
    storeHash,
    storeId,
    seen: server.received,
    products,
    categories,
    customers,
    orders,
    webhooks,
    failNext(count, status, resetMs = 1000) {
      for (let i = 0; i < count; i++) failures.push({ status, resetMs });
    },
    revokeToken() {
      token = null;
    },
    async fire(scope, data) {
      const payload: Json = { scope, store_id: storeId, data, created_at: Math.floor(Date.now() / 1000), producer: `stores/${storeHash}` };
      // The hash identifies the event: SHA-1 of the JSON-encoded payload.
      const sent = JSON.stringify({ ...payload, hash: createHash('sha1').update(JSON.stringify(payload)).digest('hex') });
      const answers = [];
      for (const hook of webhooks.filter((h) => h.is_active && h.scope === scope)) answers.push({ ...(await deliver(hook, sent)), sent });
      return answers;
    },
    async redeliver(sent) {
      const { scope } = JSON.parse(sent);
      const answers = [];
      for (const hook of webhooks.filter((h) => h.is_active && h.scope === scope)) answers.push(await deliver(hook, sent));
      return answers;
    },
    close: server.close,
  };
}
