/**
 * A small but real Shopify shop, for hookyard's demo and end-to-end tests (and the simulator the
 * shipped shopify integration is tested against): its own HTTP server, in-memory state, Shopify's
 * Admin REST API (versioned paths, wrappers, Link paging, the call-limit header and its 429, the
 * 401 of a wrong token) and Shopify's webhooks, signed, sent to the hub as
 * `POST {hubUrl}/hooks/{connection}`. Merchant methods stand for someone using the shop's admin
 * UI; they and the REST API change state the same way and fire the same webhooks.
 */
import { FailureInjector, type ActiveFailure, type FailureRule, type RequestInfo } from './failures.js';
import { DEFAULT_RETRY_DELAYS_MS, HookQueue, type HookAttempt } from './hook-queue.js';
import { startJsonServer } from './json-server.js';
import { shopRouter } from './shop-api.js';
import { ShopState } from './shop-state.js';
import type {
  Address,
  InventoryLevel,
  AddressInput,
  Customer,
  CustomerInput,
  CustomCollection,
  CustomCollectionInput,
  Order,
  OrderInput,
  Product,
  ProductInput,
} from './shop-types.js';
import { shopWebhookHeaders, type ShopHookMeta } from './shop-webhooks.js';
import { WriteCounter } from './writes.js';
import type { DemoSystem } from './system.js';

/** Shopify's REST call limit: a bucket of calls that leaks at a steady rate. */
export interface CallLimit {
  bucket: number;
  leakPerSecond: number;
}

/** Standard plans: 40 calls, 2 a second. */
export const STANDARD_CALL_LIMIT: CallLimit = { bucket: 40, leakPerSecond: 2 };
/** Shopify Plus: 400 calls, 20 a second. */
export const PLUS_CALL_LIMIT: CallLimit = { bucket: 400, leakPerSecond: 20 };

/** Shopify's answer to a call over the limit (and to a revoked token, below). */
export const SHOPIFY_RATE_LIMITED_BODY = { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };
export const SHOPIFY_UNAUTHORIZED_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

export interface DemoShopOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The hub's base URL, e.g. http://127.0.0.1:8080. */
  hubUrl: string;
  /** The hub connection the hooks go to; default 'shop'. */
  connection?: string;
  /** Required as `X-Shopify-Access-Token` on every API request. */
  accessToken: string;
  /** The app's client secret: every hook carries `X-Shopify-Hmac-Sha256` made with it. */
  signingSecret: string;
  /** The webhook subscriptions' API version, sent as `X-Shopify-API-Version`; default 2025-10. */
  apiVersion?: string;
  /** The REST call limit; default Shopify Plus (400, 20 a second), so a demo hub sending 20 a second never fills it. */
  callLimit?: CallLimit;
  /** Waits before each retry of a failed delivery; default [50, 200, 500]. */
  retryDelaysMs?: readonly number[];
  /** Where timestamps come from; default Date.now. */
  now?: () => number;
}

/** One request the shop received, as sent: method, path with query, headers. */
export interface ShopRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** How many received requests the shop remembers (the oldest are dropped). */
const REQUESTS_KEPT = 1000;

export interface DemoShop extends DemoSystem<number, ShopHookMeta> {
  /** The last requests received, oldest first (at most 1,000). */
  readonly requests: readonly ShopRequest[];
  readonly products: ReadonlyMap<number, Product>;
  readonly customers: ReadonlyMap<number, Customer>;
  readonly orders: ReadonlyMap<number, Order>;
  readonly collections: ReadonlyMap<number, CustomCollection>;
  readonly inventoryLevels: ReadonlyMap<number, InventoryLevel>;
  createProduct(data: ProductInput): Product;
  updateProduct(id: number, patch: ProductInput): Product;
  deleteProduct(id: number): void;
  setInventory(inventoryItemId: number, available: number): InventoryLevel;
  createCustomer(data: CustomerInput): Customer;
  updateCustomer(id: number, patch: CustomerInput): Customer;
  deleteCustomer(id: number): void;
  updateAddress(customerId: number, addressId: number, patch: AddressInput): Address;
  createOrder(data: OrderInput): Order;
  updateOrder(id: number, patch: OrderInput): Order;
  fulfillOrder(id: number): Order;
  createCollection(data: CustomCollectionInput): CustomCollection;
  updateCollection(id: number, patch: CustomCollectionInput): CustomCollection;
  deleteCollection(id: number): void;
}

export async function startDemoShop(options: DemoShopOptions): Promise<DemoShop> {
  const connection = options.connection ?? 'shop';
  const apiVersion = options.apiVersion ?? '2025-10';
  const hooks = new HookQueue<ShopHookMeta>({
    url: `${options.hubUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(connection)}`,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    headers: (hook) =>
      shopWebhookHeaders({
        topic: hook.meta.topic,
        body: hook.body,
        webhookId: hook.deliveryId,
        triggeredAt: hook.triggeredAt,
        signingSecret: options.signingSecret,
        apiVersion,
      }),
  });
  const now = options.now ?? Date.now;
  const state = new ShopState((topic, id, body) => hooks.enqueue({ topic, id }, body), now);
  const writes = new WriteCounter<number>();
  const failures = new FailureInjector();
  const limit = options.callLimit ?? PLUS_CALL_LIMIT;
  const bucket = new LeakyBucket(limit, now);
  const requests: ShopRequest[] = [];
  const server = await startJsonServer({
    onRequest: (request) => {
      requests.push({ method: request.method, url: request.url, headers: { ...request.headers } });
      if (requests.length > REQUESTS_KEPT) requests.shift();
    },
    router: shopRouter(state, writes),
    failures,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    authorize: (headers) => (headers['x-shopify-access-token'] === options.accessToken ? null : { status: 401, body: SHOPIFY_UNAUTHORIZED_BODY }),
    admit: () => (bucket.take() ? null : { status: 429, body: SHOPIFY_RATE_LIMITED_BODY, headers: { 'Retry-After': '2.0' } }),
    replyHeaders: () => ({ 'X-Shopify-Shop-Api-Call-Limit': bucket.header() }),
    // Shopify's error shape: a message, or messages by field.
    errorBody: ({ status, message, field, detail }) =>
      status === 404 ? { errors: 'Not Found' } : { errors: field ? { [field]: [detail ?? message] } : message },
  });

  return {
    url: server.url,
    requests,
    products: state.products,
    customers: state.customers,
    orders: state.orders,
    collections: state.collections,
    inventoryLevels: state.inventoryLevels,
    writes,
    hooksSent: hooks.sent,
    settle: () => hooks.settle(),
    pauseHooks: () => hooks.pause(),
    resumeHooks: () => hooks.resume(),
    failRequests: (rule) => failures.add(rule),
    clearFailures: () => failures.clear(),
    createProduct: (data) => state.createProduct(data),
    updateProduct: (id, patch) => state.updateProduct(id, patch),
    deleteProduct: (id) => state.deleteProduct(id),
    setInventory: (item, available) => state.setInventory(item, available),
    createCustomer: (data) => state.createCustomer(data),
    updateCustomer: (id, patch) => state.updateCustomer(id, patch),
    deleteCustomer: (id) => state.deleteCustomer(id),
    updateAddress: (customerId, addressId, patch) => state.updateAddress(customerId, addressId, patch),
    createOrder: (data) => state.createOrder(data),
    updateOrder: (id, patch) => state.updateOrder(id, patch),
    fulfillOrder: (id) => state.fulfillOrder(id),
    createCollection: (data) => state.createCollection(data),
    updateCollection: (id, patch) => state.updateCollection(id, patch),
    deleteCollection: (id) => state.deleteCollection(id),
    async close() {
      hooks.close();
      await server.close();
    },
  };
}

/**
 * Shopify's leaky bucket: each call adds one, the bucket empties at `leakPerSecond`, and a call
 * that would overflow it is refused (429). The call-limit header shows how full it is: "32/40".
 */
class LeakyBucket {
  private level = 0;
  private at: number;

  constructor(
    private readonly limit: CallLimit,
    private readonly now: () => number,
  ) {
    this.at = now();
  }

  take(): boolean {
    this.leak();
    if (this.level + 1 > this.limit.bucket) return false;
    this.level += 1;
    return true;
  }

  header(): string {
    this.leak();
    return `${Math.ceil(this.level)}/${this.limit.bucket}`;
  }

  private leak(): void {
    const now = this.now();
    this.level = Math.max(0, this.level - ((now - this.at) / 1000) * this.limit.leakPerSecond);
    this.at = now;
  }
}
