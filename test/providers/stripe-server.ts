/**
 * A Stripe API double: a real node:http server on 127.0.0.1 answering as Stripe documents it —
 * `/v1/<collection>[/<id>]` with a bearer secret key, objects shaped as the `stripe` package's
 * types describe them (`object`, `livemode`, `metadata`, amounts in the smallest unit), lists as
 * `{"object": "list", "url", "has_more", "data"}` paged by `limit` (1–100, default 10) and
 * `starting_after`, `expand[]` of a product's `default_price`, writes as forms with nested keys,
 * `Idempotency-Key` replays (`Idempotent-Replayed: true`), `Request-Id` and `Stripe-Version` on
 * every answer, and Stripe's error bodies: 401 for a wrong or revoked key, 404 `resource_missing`,
 * 429 `rate_limit`. It keeps its records in memory, can be told to refuse the next requests, and
 * sends events signed by the official library (`Stripe.webhooks.generateTestHeaderString`).
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { startSimulator, type Exchange, type Reply, type SimulatorRequest } from '../helpers/simulator.js';

export const STRIPE_API_VERSION = '2026-10-28.endive';

/** The collections this double serves, by the `object` name of their records. */
const COLLECTIONS: Record<string, string> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  invoices: 'invoice',
  payment_intents: 'payment_intent',
  charges: 'charge',
  refunds: 'refund',
};
const PREFIXES: Record<string, string> = { customer: 'cus', product: 'prod', price: 'price', invoice: 'in', payment_intent: 'pi', charge: 'ch', refund: 're', event: 'evt' };

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface Refusal {
  status: 429 | 401 | 500;
  /** For a 429: seconds in Retry-After (Stripe sends it only sometimes; none by default). */
  retryAfter?: number;
  /** For a 429: the error code, `rate_limit` (default) or `lock_timeout`. */
  code?: 'rate_limit' | 'lock_timeout';
}

export interface StripeDouble {
  url: string;
  /** Every request, in order, with the status it was answered. */
  received: Exchange[];
  /** Records by id. */
  records: Map<string, StripeObject>;
  /** The secret key it accepts now. */
  secretKey: string;
  /** Adds a record of `object` kind with Stripe's defaults, overridden by `fields`. */
  add(object: string, fields?: Record<string, unknown>): StripeObject;
  /** Refuses the next `count` API requests. */
  failNext(count: number, refusal: Refusal): void;
  /** The key stops working (rolled or deleted in the Dashboard): every request is 401. */
  revokeKey(): void;
  /** An event as Stripe renders it for a webhook endpoint. */
  event(type: string, object: StripeObject, options?: { created?: number; previous?: Record<string, unknown> }): Record<string, unknown>;
  /** POSTs an event to `url`, signed with `secret` as Stripe signs it (or a wrong signature). */
  deliver(url: string, event: Record<string, unknown>, secret: string, options?: { wrongSignature?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);
const idOf = (object: string) => `${PREFIXES[object] ?? object}_${randomBytes(7).toString('hex')}`;

/** Stripe's error wrapper. */
function error(type: string, message: string, extra: Record<string, unknown> = {}): { error: Record<string, unknown> } {
  return { error: { ...extra, message, type } };
}

/** `metadata[sku]=A&items[0][price]=p` → `{metadata: {sku: 'A'}, items: {0: {price: 'p'}}}` (Stripe reads forms so). */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function defaults(object: string, id: string, fields: Record<string, unknown>): StripeObject {
  const base = { id, object, created: now(), livemode: false, metadata: {} };
  switch (object) {
    case 'customer':
      return { ...base, address: null, balance: 0, currency: null, default_source: null, delinquent: false, description: null, discount: null, email: null, invoice_prefix: id.slice(4, 12).toUpperCase(), invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null }, name: null, next_invoice_sequence: 1, phone: null, preferred_locales: [], shipping: null, tax_exempt: 'none', test_clock: null, ...fields };
    case 'product':
      return { ...base, active: true, default_price: null, description: null, images: [], marketing_features: [], name: 'Product', package_dimensions: null, shippable: null, statement_descriptor: null, tax_code: null, type: 'service', unit_label: null, updated: now(), url: null, ...fields };
    case 'price':
      return { ...base, active: true, billing_scheme: 'per_unit', currency: 'usd', custom_unit_amount: null, lookup_key: null, nickname: null, product: null, recurring: null, tax_behavior: 'unspecified', tiers_mode: null, transform_quantity: null, type: 'one_time', unit_amount: 1000, unit_amount_decimal: '1000', ...fields };
    case 'invoice':
      return { ...base, account_country: 'US', amount_due: 2000, amount_paid: 0, amount_remaining: 2000, attempt_count: 0, attempted: false, auto_advance: true, billing_reason: 'manual', collection_method: 'charge_automatically', currency: 'usd', customer: null, customer_email: null, description: null, due_date: null, hosted_invoice_url: null, lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` }, number: null, paid: false, period_end: now(), period_start: now(), status: 'draft', subtotal: 2000, total: 2000, ...fields };
    case 'payment_intent':
      return { ...base, amount: 2000, amount_capturable: 0, amount_received: 0, canceled_at: null, cancellation_reason: null, capture_method: 'automatic', client_secret: `${id}_secret_${randomBytes(6).toString('hex')}`, confirmation_method: 'automatic', currency: 'usd', customer: null, description: null, last_payment_error: null, latest_charge: null, next_action: null, payment_method: null, payment_method_types: ['card'], receipt_email: null, status: 'requires_payment_method', ...fields };
    case 'charge':
      return { ...base, amount: 2000, amount_captured: 2000, amount_refunded: 0, balance_transaction: `txn_${randomBytes(7).toString('hex')}`, captured: true, currency: 'usd', customer: null, description: null, disputed: false, failure_code: null, failure_message: null, paid: true, payment_intent: null, receipt_url: null, refunded: false, status: 'succeeded', ...fields };
    case 'refund':
      return { ...base, amount: 500, balance_transaction: null, charge: null, currency: 'usd', payment_intent: null, reason: 'requested_by_customer', receipt_number: null, status: 'pending', ...fields };
    default:
      return { ...base, ...fields };
  }
}

export async function startStripe(options: { secretKey?: string } = {}): Promise<StripeDouble> {
  const records = new Map<string, StripeObject>();
  const refusals: Refusal[] = [];
  const idempotent = new Map<string, Reply>();
  let secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`;
  let revoked = false;

  const add = (object: string, fields: Record<string, unknown> = {}): StripeObject => {
    const id = typeof fields.id === 'string' ? fields.id : idOf(object);
    const record = defaults(object, id, fields);
    records.set(id, record);
    return record;
  };

  const masked = (key: string) => `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;

  function answer(req: SimulatorRequest): Reply {
    const refusal = refusals.shift();
    if (refusal?.status === 429) {
      const code = refusal.code ?? 'rate_limit';
      const headers: Record<string, string> = {};
      if (refusal.retryAfter !== undefined) headers['retry-after'] = String(refusal.retryAfter);
      // Stripe's libraries retry what the API marks retryable (lock timeouts), not rate limits.
      if (code === 'lock_timeout') headers['stripe-should-retry'] = 'true';
      const message = code === 'rate_limit'
        ? 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.'
        : 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.';
      return { status: 429, headers, json: error('invalid_request_error', message, { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace('_', '-')}` }) };
    }
    if (refusal?.status === 500) return { status: 500, json: error('api_error', 'An unknown error occurred') };

    const authorization = req.headers.authorization ?? '';
    const key = authorization.startsWith('Bearer ') ? authorization.slice(7) : null;
    if (key === null) {
      return { status: 401, json: error('invalid_request_error', 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').') };
    }
    if (refusal?.status === 401 || revoked || key !== secretKey) {
      return { status: 401, json: error('invalid_request_error', `Invalid API Key provided: ${masked(key)}`) };
    }

    const match = /^\/v1\/([a-z_]+)(?:\/([^/]+))?$/.exec(req.path);
    const object = match ? COLLECTIONS[match[1]!] : undefined;
    if (!match || !object) return { status: 404, json: error('invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`) };
    const collection = match[1]!;
    const id = match[2] ? decodeURIComponent(match[2]) : null;
    const expand = req.query.getAll('expand[]');
    const missing = () => ({ status: 404, json: error('invalid_request_error', `No such ${object}: '${id}'`, { code: 'resource_missing', doc_url: 'https://stripe.com/docs/error-codes/resource-missing', param: 'id' }) });
    const expanded = (record: StripeObject, paths: string[]): StripeObject => {
      if (record.object !== 'product' || !paths.includes('default_price') || typeof record.default_price !== 'string') return record;
      return { ...record, default_price: records.get(record.default_price) ?? record.default_price };
    };

    if (req.method === 'GET' && id !== null) {
      const record = records.get(id);
      return record && record.object === object ? { status: 200, json: expanded(record, expand) } : missing();
    }
    if (req.method === 'GET') {
      const limit = Number(req.query.get('limit') ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return { status: 400, json: error('invalid_request_error', 'This value must be less than or equal to 100.', { param: 'limit' }) };
      }
      let all = [...records.values()].filter((r) => r.object === object).sort((a, b) => (b.created as number) - (a.created as number) || (a.id < b.id ? 1 : -1));
      const email = req.query.get('email');
      if (email !== null) all = all.filter((r) => r.email === email);
      const after = req.query.get('starting_after');
      if (after !== null) {
        const at = all.findIndex((r) => r.id === after);
        if (at < 0) return { status: 400, json: error('invalid_request_error', `No such ${object}: '${after}'`, { param: 'starting_after' }) };
        all = all.slice(at + 1);
      }
      const page = all.slice(0, limit).map((r) => expanded(r, expand.filter((e) => e.startsWith('data.')).map((e) => e.slice(5))));
      return { status: 200, json: { object: 'list', url: `/v1/${collection}`, has_more: all.length > limit, data: page } };
    }
    if (req.method === 'POST' && (object === 'customer' || object === 'product')) {
      const fields = parseForm(req.body);
      if (id === null) {
        if (object === 'product' && typeof fields.name !== 'string') return { status: 400, json: error('invalid_request_error', 'Missing required param: name.', { code: 'parameter_missing', param: 'name' }) };
        const created = add(object, { ...fields, metadata: fields.metadata ?? {}, ...(fields.active === undefined ? {} : { active: fields.active === 'true' }) });
        return { status: 200, json: created };
      }
      const record = records.get(id);
      if (!record || record.object !== object) return missing();
      const updated: StripeObject = { ...record, ...fields, metadata: { ...(record.metadata as object), ...(fields.metadata as object) }, ...(fields.active === undefined ? {} : { active: fields.active === 'true' }) };
      if (object === 'product') updated.updated = now();
      records.set(id, updated);
      return { status: 200, json: updated };
    }
    if (req.method === 'DELETE' && id !== null && (object === 'customer' || object === 'product')) {
      if (!records.delete(id)) return missing();
      return { status: 200, json: { id, object, deleted: true } };
    }
    return { status: 404, json: error('invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}).`) };
  }

  const server = await startSimulator((req) => {
    const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const replay = typeof key === 'string' ? idempotent.get(key) : undefined;
    const result = replay ?? answer(req);
    if (typeof key === 'string' && !replay && result.status < 500 && result.status !== 429 && result.status !== 401) idempotent.set(key, { status: result.status, json: result.json });
    const version = typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : STRIPE_API_VERSION;
    return {
      status: result.status,
      json: result.json,
      headers: {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(7).toString('hex')}`,
        'stripe-version': version,
        ...(replay ? { 'idempotent-replayed': 'true' } : {}),
        ...result.headers,
      },
    };
  });

  return {
    url: server.url,
    received: server.received,
    records,
    get secretKey() {
      return secretKey;
    },
    set secretKey(value: string) {
      secretKey = value;
    },
    add,
    failNext(count, refusal) {
      for (let i = 0; i < count; i += 1) refusals.push(refusal);
    },
    revokeKey() {
      revoked = true;
    },
    event(type, object, opts = {}) {
      return {
        id: idOf('event'),
        object: 'event',
        api_version: STRIPE_API_VERSION,
        created: opts.created ?? now(),
        data: { object, ...(opts.previous ? { previous_attributes: opts.previous } : {}) },
        livemode: false,
        pending_webhooks: 1,
        request: { id: `req_${randomBytes(7).toString('hex')}`, idempotency_key: null },
        type,
      };
    },
    async deliver(url, event, secret, opts = {}) {
      const payload = JSON.stringify(event, null, 2);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.wrongSignature ? `${secret}-not-it` : secret });
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': signature },
        body: payload,
      });
    },
    close: server.close,
  };
}
