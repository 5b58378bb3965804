/**
 * A WooCommerce shop for tests: a real node:http server on 127.0.0.1 answering as WooCommerce's
 * REST API (wc/v3) documents it, and delivering webhooks as WooCommerce does.
 *
 * - Paths under /wp-json/wc/v3: products[/{id}], products/categories[/{id}], customers[/{id}],
 *   orders[/{id}], webhooks. Records are plain objects; lists plain arrays paged by
 *   page/per_page (default 10, at most 100) with X-WP-Total, X-WP-TotalPages and a Link header.
 * - Consumer key and secret as HTTP Basic, or as consumer_key/consumer_secret query parameters;
 *   wrong or revoked: 401 {"code": "woocommerce_rest_authentication_error", …}. 404 bodies name
 *   the resource's own code (woocommerce_rest_product_invalid_id, …). A host's 429 with
 *   Retry-After when told to fail.
 * - Webhooks: creating one (POST /webhooks) first pings its delivery URL with the unsigned form
 *   body webhook_id=<id>, as WooCommerce does; `fire` posts the whole resource (a deleted
 *   resource: {"id": …}) with the X-WC-Webhook-* headers, signed as WC_Webhook signs: base64 of
 *   HMAC-SHA256 of the body with the webhook's secret.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { reply, startSimulator, type Exchange, type Reply, type SimulatorRequest } from '../helpers/simulator.js';

type Json = Record<string, any>;

export interface WcWebhook {
  id: number;
  name: string;
  topic: string;
  delivery_url: string;
  secret: string;
  status: 'active' | 'paused' | 'disabled';
  /** The status the delivery URL answered the ping with. */
  pinged: number;
}

export interface Delivery {
  status: number;
  body: string;
  sent: string;
  headers: Record<string, string>;
}

const API = '/wp-json/wc/v3';
const NOT_FOUND: Record<string, [string, string]> = {
  products: ['woocommerce_rest_product_invalid_id', 'Invalid ID.'],
  'products/categories': ['woocommerce_rest_term_invalid', 'Resource does not exist.'],
  customers: ['woocommerce_rest_invalid_id', 'Invalid resource ID.'],
  orders: ['woocommerce_rest_shop_order_invalid_id', 'Invalid ID.'],
};

/** A time as WooCommerce writes date_modified_gmt: ISO 8601 to the second, no zone. */
export function wcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** A product as GET /products/{id} answers it (the fields a shop's webhooks carry too). */
export function wcProduct(id: number, fields: Json, modifiedMs = Date.now()): Json {
  return {
    id,
    name: 'Premium Quality',
    slug: `product-${id}`,
    permalink: `https://shop.example.com/product/product-${id}/`,
    date_created: wcTime(modifiedMs),
    date_created_gmt: wcTime(modifiedMs),
    date_modified: wcTime(modifiedMs),
    date_modified_gmt: wcTime(modifiedMs),
    type: 'simple',
    status: 'publish',
    featured: false,
    catalog_visibility: 'visible',
    description: '',
    short_description: '',
    sku: '',
    price: '21.99',
    regular_price: '21.99',
    sale_price: '',
    on_sale: false,
    purchasable: true,
    total_sales: 0,
    manage_stock: false,
    stock_quantity: null,
    stock_status: 'instock',
    categories: [{ id: 9, name: 'Clothing', slug: 'clothing' }],
    images: [],
    attributes: [],
    variations: [],
    meta_data: [],
    _links: { self: [{ href: `https://shop.example.com/wp-json/wc/v3/products/${id}` }], collection: [{ href: 'https://shop.example.com/wp-json/wc/v3/products' }] },
    ...fields,
  };
}

export interface WooCommerceShop {
  url: string;
  seen: Exchange[];
  products: Map<number, Json>;
  categories: Map<number, Json>;
  customers: Map<number, Json>;
  orders: Map<number, Json>;
  webhooks: WcWebhook[];
  /** The next `count` API requests are refused: 429 with Retry-After (seconds), or 401. */
  failNext(count: number, status: 429 | 401, retryAfterSeconds?: number): void;
  /** The REST API key is revoked in WooCommerce → Settings → Advanced → REST API. */
  revokeKey(): void;
  /** Delivers `resource` for `topic` (e.g. product.updated) to every active webhook of the topic. */
  fire(topic: string, resource: Json): Promise<Delivery[]>;
  /** Posts exactly this body again to a webhook's URL, signed (a retried delivery, or an old one). */
  deliver(webhook: WcWebhook, topic: string, sent: string, deliveryId?: string): Promise<Delivery>;
  close(): Promise<void>;
}

export async function startWooCommerce(options: { consumerKey: string; consumerSecret: string }): Promise<WooCommerceShop> {
  let key: string | null = options.consumerKey;
  const stores = { products: new Map<number, Json>(), 'products/categories': new Map<number, Json>(), customers: new Map<number, Json>(), orders: new Map<number, Json>() };
  const webhooks: WcWebhook[] = [];
  const failures: Array<{ status: 429 | 401; retryAfter: number }> = [];
  let nextId = 500;
  let origin = '';

  /** WordPress answers every REST request as JSON in UTF-8. */
  function send(status: number, json: unknown, headers: Record<string, string> = {}): Reply {
    return reply(status, json, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  }

  function authorized(req: SimulatorRequest): boolean {
    if (key === null) return false;
    const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
    if (basic) {
      const [user, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      return user === key && rest.join(':') === options.consumerSecret;
    }
    return req.query.get('consumer_key') === key && req.query.get('consumer_secret') === options.consumerSecret;
  }

  function list(req: SimulatorRequest, all: Json[], base: string): Reply {
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 10));
    const page = Number(req.query.get('page') ?? 1);
    const totalPages = Math.ceil(all.length / perPage);
    const links: string[] = [];
    if (page > 1) links.push(`<${origin}${API}/${base}?page=${page - 1}&per_page=${perPage}>; rel="prev"`);
    if (page < totalPages) links.push(`<${origin}${API}/${base}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
    return send(200, all.slice((page - 1) * perPage, page * perPage), {
      'x-wp-total': String(all.length),
      'x-wp-totalpages': String(totalPages),
      ...(links.length ? { link: links.join(', ') } : {}),
    });
  }

  async function ping(webhook: WcWebhook): Promise<number> {
    const response = await fetch(webhook.delivery_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'WooCommerce/9.4.0 Hookshot (WordPress/6.7)' },
      body: `webhook_id=${webhook.id}`,
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function webhooksRoute(req: SimulatorRequest): Promise<Reply> {
    if (req.method !== 'POST') return send(200, webhooks);
    const spec = JSON.parse(req.body);
    const webhook: WcWebhook = { id: nextId++, name: spec.name ?? 'hookyard', topic: spec.topic, delivery_url: spec.delivery_url, secret: spec.secret, status: spec.status ?? 'active', pinged: 0 };
    webhook.pinged = await ping(webhook);
    if (webhook.pinged < 200 || webhook.pinged > 299) {
      return send(400, { code: 'woocommerce_rest_webhook_delivery_url_invalid', message: `Error: Delivery URL returned response code: ${webhook.pinged}`, data: { status: 400 } });
    }
    webhooks.push(webhook);
    return send(201, { ...webhook, pinged: undefined, api_version: 'wp_api_v3', date_created_gmt: wcTime(Date.now()) });
  }

  function resource(req: SimulatorRequest, base: keyof typeof stores, id: number | null): Reply {
    const map = stores[base];
    if (id === null && req.method === 'GET') {
      let all = [...map.values()];
      const sku = req.query.get('sku');
      const email = req.query.get('email');
      if (sku !== null) all = all.filter((r) => r.sku === sku);
      if (email !== null) all = all.filter((r) => r.email === email);
      return list(req, all, base);
    }
    if (id === null && req.method === 'POST') {
      const now = Date.now();
      const record = { ...JSON.parse(req.body), id: nextId++, date_created_gmt: wcTime(now), date_modified_gmt: wcTime(now) };
      map.set(record.id, record);
      return send(201, record);
    }
    const record = id === null ? undefined : map.get(id);
    const [code, message] = NOT_FOUND[base]!;
    if (!record) return send(404, { code, message, data: { status: 404 } });
    if (req.method === 'GET') return send(200, record);
    if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') {
      const updated = { ...record, ...JSON.parse(req.body), id: record.id, date_modified_gmt: wcTime(Date.now()) };
      map.set(record.id, updated);
      return send(200, updated);
    }
    if (req.method === 'DELETE') {
      if (req.query.get('force') !== 'true' && base !== 'products' && base !== 'orders') {
        return send(501, { code: 'woocommerce_rest_trash_not_supported', message: 'Resource does not support trashing.', data: { status: 501 } });
      }
      map.delete(record.id);
      return send(200, record);
    }
    return send(404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
  }

  const server = await startSimulator((req) => {
    const failure = failures.shift();
    if (failure?.status === 429) {
      // A host's limit (WooCommerce core has none): Retry-After in seconds.
      return send(429, { code: 'rest_too_many_requests', message: 'Too many requests. Please try again later.', data: { status: 429 } }, { 'retry-after': String(failure.retryAfter) });
    }
    if (failure?.status === 401 || !authorized(req)) {
      return send(401, { code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.', data: { status: 401 } });
    }
    const match = /^\/wp-json\/wc\/v3\/(products\/categories|products|customers|orders|webhooks)(?:\/(\d+))?$/.exec(req.path);
    if (!match) return send(404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
    const id = match[2] === undefined ? null : Number(match[2]);
    try {
      if (match[1] === 'webhooks') return webhooksRoute(req).catch((error) => send(500, { code: 'http_request_failed', message: String(error), data: { status: 500 } }));
      return resource(req, match[1] as keyof typeof stores, id);
    } catch (error) {
      return send(400, { code: 'rest_invalid_json', message: `Invalid JSON body passed: ${(error as Error).message}`, data: { status: 400 } });
    }
  });
  origin = server.url;

  async function deliver(webhook: WcWebhook, topic: string, sent: string, deliveryId = randomBytes(16).toString('hex')): Promise<Delivery> {
    const [resourceName, event] = topic.split('.') as [string, string];
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.4.0 Hookshot (WordPress/6.7)',
      'x-wc-webhook-source': `${origin}/`,
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resourceName,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': createHmac('sha256', webhook.secret).update(sent).digest('base64'),
      'x-wc-webhook-id': String(webhook.id),
      'x-wc-webhook-delivery-id': deliveryId,
    };
    const response = await fetch(webhook.delivery_url, { method: 'POST', headers, body: sent });
    return { status: response.status, body: await response.text(), sent, headers };
  }

  return {
    url: origin,
    seen: server.received,
    products: stores.products,
    categories: stores['products/categories'],
    customers: stores.customers,
    orders: stores.orders,
    webhooks,
    failNext(count, status, retryAfterSeconds = 1) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    revokeKey() {
      key = null;
    },
    async fire(topic, resourceBody) {
      // A deleted resource is delivered as its id alone (WC_Webhook::build_payload).
      const sent = JSON.stringify(topic.endsWith('.deleted') ? { id: resourceBody.id } : resourceBody);
      const deliveries: Delivery[] = [];
      for (const webhook of webhooks.filter((w) => w.status === 'active' && w.topic === topic)) deliveries.push(await deliver(webhook, topic, sent));
      return deliveries;
    },
    deliver,
    close: server.close,
  };
}
