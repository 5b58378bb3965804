/**
 * "Acme ERP", a small but real ERP for hookyard's demo and end-to-end tests. It knows only
 * generic records with prefixed codes (`Item:1234`, `Cust:77`, `Cat:5`) and announces item and
 * customer changes as one generic hook, `{"notifications": [{"event", "id"}, …]}`, sent to
 * `POST {hubUrl}/hooks/{connection}` after the change. Categories have no hook; they are polled.
 */
import { DEFAULT_PREFIXES, ErpState } from './erp-state.js';
import { erpRouter } from './erp-api.js';
import type {
  ErpCategory,
  ErpCategoryInput,
  ErpCustomer,
  ErpCustomerInput,
  ErpItem,
  ErpItemInput,
  ErpNotification,
  ErpPrefixes,
} from './erp-types.js';
import { erpWebhookHeaders, type ErpHookMeta } from './erp-webhooks.js';
import { FailureInjector, type ActiveFailure, type FailureRule, type RequestInfo } from './failures.js';
import { DEFAULT_RETRY_DELAYS_MS, HookQueue, type HookAttempt } from './hook-queue.js';
import { startJsonServer } from './json-server.js';
import { WriteCounter } from './writes.js';
import type { DemoSystem } from './system.js';

export interface DemoErpOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The hub's base URL, e.g. http://127.0.0.1:8080. */
  hubUrl: string;
  /** The hub connection the hooks go to; default 'erp'. */
  connection?: string;
  /** Sent as `Authorization: Bearer <webhookKey>` on hooks. */
  webhookKey: string;
  /** Required as `Authorization: Bearer <apiToken>` on every API request. */
  apiToken: string;
  /** Code prefixes; default Item, Cust, Cat. */
  prefixes?: Partial<ErpPrefixes>;
  /** Waits before each retry of a failed delivery; default [50, 200, 500]. */
  retryDelaysMs?: readonly number[];
  /** Where timestamps come from; default Date.now. */
  now?: () => number;
}

export interface DemoErp extends DemoSystem<string, ErpHookMeta> {
  readonly items: ReadonlyMap<string, ErpItem>;
  readonly customers: ReadonlyMap<string, ErpCustomer>;
  readonly categories: ReadonlyMap<string, ErpCategory>;
  /** Changes the prefixes of codes created from now on; returns the prefixes in force. */
  setPrefixes(prefixes: Partial<ErpPrefixes>): ErpPrefixes;
  createItem(data: ErpItemInput): ErpItem;
  updateItem(code: string, patch: ErpItemInput): ErpItem;
  deleteItem(code: string): void;
  createCustomer(data: ErpCustomerInput): ErpCustomer;
  updateCustomer(code: string, patch: ErpCustomerInput): ErpCustomer;
  deleteCustomer(code: string): void;
  upsertCategory(data: ErpCategoryInput): ErpCategory;
  /** Marks these items/customers changed and sends ONE hook listing them all. */
  touchMany(codes: readonly string[]): ErpNotification[];
  /** Sends one hook with exactly these notifications, changing nothing (e.g. `record.changed`). */
  sendNotifications(notifications: ErpNotification[]): void;
}

export async function startDemoErp(options: DemoErpOptions): Promise<DemoErp> {
  const connection = options.connection ?? 'erp';
  const hooks = new HookQueue<ErpHookMeta>({
    url: `${options.hubUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(connection)}`,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    headers: (hook) => erpWebhookHeaders({ body: hook.body, deliveryId: hook.deliveryId, webhookKey: options.webhookKey }),
  });
  const send = (notifications: ErpNotification[]) => hooks.enqueue({ notifications }, { notifications });
  const state = new ErpState(send, options.now);
  state.setPrefixes({ ...DEFAULT_PREFIXES, ...options.prefixes });
  const writes = new WriteCounter<string>();
  const failures = new FailureInjector();
  const server = await startJsonServer({
    router: erpRouter(state, writes),
    failures,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    authorize: (headers) =>
      headers.authorization === `Bearer ${options.apiToken}`
        ? null
        : { status: 401, body: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer realm="acme"' } },
    errorBody: ({ message }) => ({ error: message }),
  });

  return {
    url: server.url,
    items: state.items,
    customers: state.customers,
    categories: state.categories,
    writes,
    hooksSent: hooks.sent,
    settle: () => hooks.settle(),
    pauseHooks: () => hooks.pause(),
    resumeHooks: () => hooks.resume(),
    failRequests: (rule) => failures.add(rule),
    clearFailures: () => failures.clear(),
    setPrefixes: (prefixes) => state.setPrefixes(prefixes),
    createItem: (data) => state.createItem(data),
    updateItem: (code, patch) => state.updateItem(code, patch),
    deleteItem: (code) => state.deleteItem(code),
    createCustomer: (data) => state.createCustomer(data),
    updateCustomer: (code, patch) => state.updateCustomer(code, patch),
    deleteCustomer: (code) => state.deleteCustomer(code),
    upsertCategory: (data) => state.upsertCategory(data),
    touchMany: (codes) => state.touchMany(codes),
    sendNotifications: (notifications) => send(notifications),
    async close() {
      hooks.close();
      await server.close();
    },
  };
}
