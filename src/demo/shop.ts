/**
 * A small but real web shop in the style of Shopify, for hookyard's demo and end-to-end tests:
 * its own HTTP server, in-memory state, Admin-style REST API and webhooks sent to the hub as
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

export interface DemoShopOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The hub's base URL, e.g. http://127.0.0.1:8080. */
  hubUrl: string;
  /** The hub connection the hooks go to; default 'shop'. */
  connection?: string;
  /** Sent as `X-Shop-Webhook-Key`. */
  webhookKey: string;
  /** Required as `X-Shopify-Access-Token` on every API request. */
  accessToken: string;
  /** When set, hooks also carry `X-Shopify-Hmac-Sha256`. */
  signingSecret?: string;
  /** Waits before each retry of a failed delivery; default [50, 200, 500]. */
  retryDelaysMs?: readonly number[];
  /** Where timestamps come from; default Date.now. */
  now?: () => number;
}

export interface DemoShop extends DemoSystem<number, ShopHookMeta> {
  readonly products: ReadonlyMap<number, Product>;
  readonly customers: ReadonlyMap<number, Customer>;
  readonly orders: ReadonlyMap<number, Order>;
  readonly collections: ReadonlyMap<number, CustomCollection>;
  createProduct(data: ProductInput): Product;
  updateProduct(id: number, patch: ProductInput): Product;
  deleteProduct(id: number): void;
  createCustomer(data: CustomerInput): Customer;
  updateCustomer(id: number, patch: CustomerInput): Customer;
  updateAddress(customerId: number, addressId: number, patch: AddressInput): Address;
  useAddress(customerId: number, addressId: number): Address;
  createOrder(data: OrderInput): Order;
  updateOrder(id: number, patch: OrderInput): Order;
  addOrderMessage(id: number, text: string): Order;
  createCollection(data: CustomCollectionInput): CustomCollection;
  updateCollection(id: number, patch: CustomCollectionInput): CustomCollection;
  deleteCollection(id: number): void;
}

export async function startDemoShop(options: DemoShopOptions): Promise<DemoShop> {
  const connection = options.connection ?? 'shop';
  const hooks = new HookQueue<ShopHookMeta>({
    url: `${options.hubUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(connection)}`,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    headers: (hook) =>
      shopWebhookHeaders({
        topic: hook.meta.topic,
        body: hook.body,
        webhookId: hook.deliveryId,
        triggeredAt: hook.triggeredAt,
        webhookKey: options.webhookKey,
        ...(options.signingSecret !== undefined ? { signingSecret: options.signingSecret } : {}),
      }),
  });
  const state = new ShopState((topic, id, body) => hooks.enqueue({ topic, id }, body), options.now);
  const writes = new WriteCounter<number>();
  const failures = new FailureInjector();
  const server = await startJsonServer({
    router: shopRouter(state, writes),
    failures,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    authorize: (headers) =>
      headers['x-shopify-access-token'] === options.accessToken
        ? null
        : { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } },
    // Shopify's error shape: a message, or messages by field.
    errorBody: ({ message, field, detail }) => ({ errors: field ? { [field]: [detail ?? message] } : message }),
  });

  return {
    url: server.url,
    products: state.products,
    customers: state.customers,
    orders: state.orders,
    collections: state.collections,
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
    createCustomer: (data) => state.createCustomer(data),
    updateCustomer: (id, patch) => state.updateCustomer(id, patch),
    updateAddress: (customerId, addressId, patch) => state.updateAddress(customerId, addressId, patch),
    useAddress: (customerId, addressId) => state.useAddress(customerId, addressId),
    createOrder: (data) => state.createOrder(data),
    updateOrder: (id, patch) => state.updateOrder(id, patch),
    addOrderMessage: (id, text) => state.addOrderMessage(id, text),
    createCollection: (data) => state.createCollection(data),
    updateCollection: (id, patch) => state.updateCollection(id, patch),
    deleteCollection: (id) => state.deleteCollection(id),
    async close() {
      hooks.close();
      await server.close();
    },
  };
}
