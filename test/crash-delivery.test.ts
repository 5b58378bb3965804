/**
 * Crash under load, end to end: the demo shop and ERP (real HTTP systems, in this process) change
 * records at a steady pace while a real `hookyard serve` process moves them between the two. The
 * hub is SIGKILLed several times at random moments and restarted on the same data directory and
 * port; meanwhile the systems' hook queues retry, like real senders. Afterwards:
 *
 * - every hook delivery the hub answered 2xx is in the store (matched by the sender's delivery id,
 *   which the hub keeps among the hook's headers), and every stored hook was resolved;
 * - every change arrived exactly once in effect: each SKU exists exactly once in each system with
 *   the values last given at its origin, the destinations saw exactly one create per record (no
 *   duplicate creates), each hub product links exactly one shop product and one ERP item, and no
 *   transfer is dead.
 *
 * The random moments come from a seed printed with the summary; set CRASH_DELIVERY_SEED to replay
 * one run's load and kill schedule (the timing of the processes themselves still varies).
 *
 * It runs on embedded SQLite (a data directory) and on PostgreSQL (a database of its own on the
 * local server, made for the run: HOOKYARD_TEST_DATABASE_URL names another server).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop, type HookAttempt } from '../src/demo/index.js';
import { DEMO_KEYS } from '../src/demo/keys.js';
import { createRandom, type Random } from '../src/demo/prng.js';
import { killAllHubs, projectRoot, runningHubs, startHub, type HubProcess, withAbsoluteIntegrations } from './helpers/process.js';
import { freePort } from './helpers/wait.js';
import { createDatabase, dropDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from './helpers/postgres.js';

const problem = await unreachable();
/** CI must have PostgreSQL; elsewhere the test says why it did not run. */
const withPostgres = problem === null || process.env.CI === 'true' ? it : it.skip;
const postgresNote = problem === null ? '' : `; PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)}: ${problem}`;

/** Records made at each origin. */
const SHOP_PRODUCTS = 60;
const ERP_ITEMS = 20;
/** SIGKILLs of the hub during the load. */
const KILLS = 3;
/** Pause between two bursts of changes made in the systems, and the most changes in one burst. */
const PACE_MS = 70;
const MAX_BURST = 4;
/** How long each hub runs before it is killed: a random time in this range after it listens. */
const UPTIME_MS: readonly [number, number] = [500, 1_800];
/** A bound on the changes made, in case the kills never finish. */
const MAX_CHANGES = 1_000;
/** Bound on the wait, at each kill, for a hook to be in flight and the process to have taken one. */
const KILL_READY_MS = 15_000;
/** Short, so a dead process's transfers are claimed again quickly (the resolver's lease is fixed at 5 s). */
const LEASE = '1500ms';
/**
 * The senders' retries: about 25 s of trying, far longer than a restart (0.5–3 s), so that a hook
 * sent while the hub is down is delivered after it is back, as a real shop would.
 */
const SENDER_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000];
/** Bounded wait for everything to be delivered and done after the load. */
const SETTLE_MS = 60_000;
/** Quiet this many looks in a row, LOOK_MS apart, counts as settled. */
const QUIET_LOOKS = 4;
const LOOK_MS = 200;

const HEADER_OF_DELIVERY: Record<string, string> = { shop: 'x-shopify-webhook-id', erp: 'x-acme-delivery' };

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await killAllHubs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await killAllHubs();
});


type DemoYaml = {
  server?: unknown;
  engine?: Record<string, unknown>;
  connections: Record<string, { webhook: Record<string, unknown>; settings: Record<string, unknown>; retry?: unknown }>;
};

/** A value as examples/demo.yaml gives it: literal, or the default of `${VAR:-default}`. */
function defaultOf(value: unknown): string {
  const text = String(value);
  const match = /^\$\{[A-Za-z_][A-Za-z0-9_]*:-(.*)\}$/.exec(text);
  return match ? match[1]! : text;
}

/**
 * examples/demo.yaml as data, and the secret its shop connection verifies Shopify's HMAC signature
 * with (the hub dedupes re-deliveries by X-Shopify-Webhook-Id).
 */
function readDemoConfig(): { config: DemoYaml; shopSecret: string } {
  const config = parseYaml(readFileSync(resolvePath(projectRoot, 'examples/demo.yaml'), 'utf8')) as DemoYaml;
  const { shop, erp } = config.connections;
  if (!shop || !erp) throw new Error('examples/demo.yaml has no shop or erp connection');
  if (erp.webhook.apiKey === undefined) throw new Error(`the demo ERP sends a key header only; examples/demo.yaml has ${JSON.stringify(erp.webhook)}`);
  if (typeof shop.webhook.secret === 'string') return { config, shopSecret: defaultOf(shop.webhook.secret) };
  throw new Error(`the demo shop signs its hooks as Shopify does; examples/demo.yaml has ${JSON.stringify(shop.webhook)}`);
}

/** The demo config pointed at these systems: literal credentials, a short lease, quick transfer retries. */
function writeConfig(dir: string, config: DemoYaml, shopSecret: string, shop: DemoShop, erp: DemoErp): string {
  delete config.server; // the port comes from --port
  config.engine = { ...config.engine, lease: LEASE };
  const shopConnection = config.connections.shop!;
  const erpConnection = config.connections.erp!;
  // Literal values, not ${…:-default}: a key left in the environment must not break the test.
  shopConnection.webhook = { ...shopConnection.webhook, secret: shopSecret };
  shopConnection.settings = { ...shopConnection.settings, baseUrl: shop.url, accessToken: DEMO_KEYS.shop.accessToken };
  erpConnection.webhook = { ...erpConnection.webhook, apiKey: DEMO_KEYS.erp.webhookKey };
  erpConnection.settings = { ...erpConnection.settings, baseUrl: erp.url, apiToken: DEMO_KEYS.erp.apiToken };
  for (const connection of [shopConnection, erpConnection]) connection.retry = { maxAttempts: 20, delays: ['200ms'] };
  const file = join(dir, 'hookyard.yaml');
  writeFileSync(file, stringifyYaml(withAbsoluteIntegrations(config)));
  return file;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function mapPool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

async function allPages<T>(base: string, path: string): Promise<T[]> {
  const all: T[] = [];
  let before: number | null = null;
  const join = path.includes('?') ? '&' : '?';
  for (;;) {
    const page: { items: T[]; next: number | null } = await getJson(`${base}${path}${join}limit=500${before === null ? '' : `&before=${before}`}`);
    all.push(...page.items);
    if (page.next === null) return all;
    before = page.next;
  }
}

interface Counts {
  hooks: { received: number } & Record<string, number>;
  transfers: { queued: number; running: number; retrying: number } & Record<string, number>;
}

interface HookSummary {
  id: number;
  connection: string;
  status: string;
}

interface HookDetail {
  hook: { id: number; connection: string; status: string; headers: Record<string, string>; errorCode?: string | null; errorMessage?: string | null };
}

interface Transfer {
  id: number;
  connection: string;
  type: string;
  direction: string;
  scope: string;
  externalId: string | null;
  hubId: number | null;
  requestType: string;
  status: string;
  reasonCode: string | null;
  lastErrorCode: string | null;
  lastError: string | null;
  attempts: number;
  origin: string | null;
}

interface HubRecordAnswer {
  record: { id: number; data: Record<string, unknown>; deleted: boolean };
  externalIds: Array<{ connection: string; type: string; externalId: string }>;
}

/** What the test last gave a record at its origin: the values both systems must end with. */
interface Intended {
  origin: 'shop' | 'erp';
  /** Shop product id or ERP item code, at the origin. */
  id: number | string;
  name: string;
  price: number;
  changes: number;
}

/** Whether a promise settles within `ms` (it keeps running either way). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  await Promise.race([promise.then(() => (done = true)), sleep(ms)]);
  return done;
}

function price(random: Random): number {
  return (100 + random.int(90_000)) / 100;
}

/** A summary of one system's delivery log, and what went wrong in it. */
function deliveries(name: string, sent: readonly HookAttempt<object>[]) {
  const byDelivery = new Map<string, Array<HookAttempt<object>>>();
  for (const attempt of sent) byDelivery.set(attempt.deliveryId, [...(byDelivery.get(attempt.deliveryId) ?? []), attempt]);
  const answered2xx = new Set<string>();
  const problems: string[] = [];
  let retried = 0;
  for (const [id, attempts] of byDelivery) {
    const last = attempts.at(-1)!;
    if (attempts.length > 1) retried += 1;
    const ok = attempts.filter((a) => a.status >= 200 && a.status < 300);
    if (ok.length > 1) problems.push(`${name} delivery ${id} was answered 2xx ${ok.length} times`);
    if (ok.length === 1) answered2xx.add(id);
    for (const a of attempts) if (a.status >= 300 && a.status !== 503) problems.push(`${name} delivery ${id} attempt ${a.attempt}: HTTP ${a.status}`);
    if (!(last.status >= 200 && last.status < 300)) {
      problems.push(
        `${name} delivery ${id} was given up by the sender after ${attempts.length} attempts (last: ${last.status} ${last.error ?? ''})` +
          (last.status === 0 ? ' — the hub was down longer than the sender retries (a test-setup problem, not a hub bug)' : ''),
      );
    }
  }
  return {
    byDelivery,
    answered2xx,
    problems,
    retried,
    attempts: sent.length,
    noAnswer: sent.filter((a) => a.status === 0).length,
  };
}

/**
 * What happened to one SKU, for a failure message: the writes each system saw, the hooks each sent
 * (in order, with every attempt's answer), and every transfer the hub made about it with its activity.
 */
async function history(
  base: string,
  sku: string,
  where: { shopIds: number[]; erpCodes: string[]; hubIds: number[]; transfers: Transfer[]; shop: DemoShop; erp: DemoErp },
): Promise<string> {
  const lines = [`=== history of ${sku}: shop ${where.shopIds.join(', ')}, ERP ${where.erpCodes.join(', ')}, hub ${where.hubIds.join(', ')}`];
  const shopIds = new Set(where.shopIds);
  const erpCodes = new Set(where.erpCodes);
  lines.push(`shop API writes: ${JSON.stringify(where.shop.writes.log.filter((w) => shopIds.has(w.id)).map((w) => `${w.op} ${w.id}`))}`);
  lines.push(`ERP API writes: ${JSON.stringify(where.erp.writes.log.filter((w) => erpCodes.has(w.id)).map((w) => `${w.op} ${w.id}`))}`);
  for (const a of where.shop.hooksSent) {
    if (shopIds.has(a.id)) lines.push(`shop hook ${a.topic} ${a.id} delivery ${a.deliveryId} attempt ${a.attempt}: ${a.status}${a.error ? ` ${a.error}` : ''}`);
  }
  for (const a of where.erp.hooksSent) {
    if (a.notifications.some((n) => erpCodes.has(n.id))) lines.push(`ERP hook ${JSON.stringify(a.notifications)} delivery ${a.deliveryId} attempt ${a.attempt}: ${a.status}${a.error ? ` ${a.error}` : ''}`);
  }
  const hubIds = new Set(where.hubIds);
  const related = where.transfers
    .filter((t) => (t.hubId !== null && hubIds.has(t.hubId)) || (t.externalId !== null && (erpCodes.has(t.externalId) || shopIds.has(Number(t.externalId)))))
    .sort((a, b) => a.id - b.id);
  for (const t of related) {
    const detail = await getJson<{ transfer: Transfer & { hookId: number | null; parentId: number | null }; activity: Array<{ at: number; step: string; detail: string | null }> }>(
      `${base}/api/transfers/${t.id}`,
    );
    const d = detail.transfer;
    lines.push(
      `transfer ${d.id} (hook ${d.hookId}, parent ${d.parentId}) ${d.connection} ${d.direction} ${d.scope} ${d.requestType} ${d.externalId ?? ''} hub ${d.hubId}: ` +
        `${d.status}${d.reasonCode ? `/${d.reasonCode}` : ''}, ${d.attempts} attempt(s)`,
    );
    for (const a of detail.activity) lines.push(`    ${new Date(a.at).toISOString().slice(11, 23)} ${a.step}: ${a.detail ?? ''}`);
  }
  return lines.join('\n');
}

describe('crash under load: SIGKILL the hub while the shop and ERP keep changing records', () => {
  for (const store of ['sqlite', 'postgres'] as const) {
    const run = store === 'postgres' ? withPostgres : it;
    run(
      `stores every hook it answered 2xx, and moves every change exactly once in effect (${store}${store === 'postgres' ? postgresNote : ''})`,
      async () => {
        const seed = Number(process.env.CRASH_DELIVERY_SEED ?? Math.floor(Math.random() * 2 ** 31));
        // Two streams: the changes made do not depend on when the kills happen, and the other way round.
        const random = createRandom(seed);
        const killRandom = createRandom(seed ^ 0x5bd1e995);
        const log: string[] = [`seed ${seed} (CRASH_DELIVERY_SEED=${seed} replays the load and kill schedule)`];
        const started = Date.now();

        const dir = mkdtempSync(join(tmpdir(), 'hookyard-crash-delivery-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        const port = await freePort();
        const hubUrl = `http://127.0.0.1:${port}`;
        const demo = readDemoConfig();
        log.push('shop hooks are signed (Shopify HMAC; re-deliveries deduplicated by webhook id)');
        const shop = await startDemoShop({
          hubUrl,
          signingSecret: demo.shopSecret,
          accessToken: DEMO_KEYS.shop.accessToken,
          retryDelaysMs: SENDER_RETRY_DELAYS_MS,
        });
        cleanups.push(() => shop.close());
        const erp = await startDemoErp({
          hubUrl,
          webhookKey: DEMO_KEYS.erp.webhookKey,
          apiToken: DEMO_KEYS.erp.apiToken,
          retryDelaysMs: SENDER_RETRY_DELAYS_MS,
        });
        cleanups.push(() => erp.close());
        const config = writeConfig(dir, demo.config, demo.shopSecret, shop, erp);
        const data = join(dir, 'data');
        // On PostgreSQL every process works in a database of this run's, made afresh.
        let env: NodeJS.ProcessEnv | undefined;
        if (store === 'postgres') {
          if (problem !== null) throw new Error(`PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)} (${problem}); CI runs this test: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
          const database = await createDatabase();
          cleanups.push(() => dropDatabase(database));
          env = { HOOKYARD_DATABASE_URL: urlOf(database) };
          log.push(`store: PostgreSQL database ${database}`);
        }

        /** Output of every hub process, oldest first, for failure messages. */
        const outputs: Array<() => string> = [];
        const hubOutput = () =>
          outputs.map((output, i) => `--- hub process ${i + 1} (tail) ---\n${output().slice(-6_000)}`).join('\n');
        const launch = async (): Promise<HubProcess> => {
          const hub = await startHub({ config, data, port, env });
          outputs.push(() => hub.output());
          return hub;
        };

        // The systems send their hooks with the global fetch: count, per hub process, the hook
        // deliveries in flight and those answered 2xx, so each kill can be shown to cut requests off.
        const hooksUrl = `${hubUrl}/hooks/`;
        let hooksInFlight = 0;
        /** Hook deliveries answered 2xx, by hub process (0 = the first). */
        const taken: number[] = [];
        const realFetch = globalThis.fetch;
        globalThis.fetch = async (input, init) => {
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
          if (!url.startsWith(hooksUrl)) return realFetch(input, init);
          hooksInFlight += 1;
          try {
            const response = await realFetch(input, init);
            // Counted for the process running when the answer arrives (it comes from that one, or
            // from the one just killed, whose answers all arrived before the next one listens).
            if (response.status >= 200 && response.status < 300) taken[taken.length - 1]! += 1;
            return response;
          } finally {
            hooksInFlight -= 1;
          }
        };
        cleanups.push(() => {
          globalThis.fetch = realFetch;
        });
        taken.push(0);
        let hub = await launch();

        // ---------------------------------------------------------------- load and kills

        const intended = new Map<string, Intended>(); // by SKU
        const shopOrigin: string[] = [];
        const erpOrigin: string[] = [];
        let changes = 0;
        let killsDone = false;
        /** Set when the load fails: the killer then starts no more hubs. */
        let aborted = false;
        let killError: unknown = null;
        const kills: string[] = [];
        /** Hook deliveries in flight at each SIGKILL. */
        const inFlightAtKills: number[] = [];

        const killer = (async () => {
          try {
            for (let k = 1; k <= KILLS; k++) {
              const uptime = UPTIME_MS[0] + killRandom.int(UPTIME_MS[1] - UPTIME_MS[0]);
              const exitedEarly = await within(hub.exited, uptime);
              if (aborted) return;
              if (exitedEarly) throw new Error(`hub process ${k} exited by itself: ${JSON.stringify(await hub.exited)}`);
              const atChange = changes;
              // What the hub has in hand at the kill (best effort: the look itself may fail under load).
              const inHand = await getJson<{ counts: Counts }>(`${hubUrl}/readyz`).then(
                ({ counts }) => `${counts.hooks.received} hooks unread, ${counts.transfers.running} transfers running, ${counts.transfers.queued + counts.transfers.retrying} waiting`,
                (error: unknown) => `(no look: ${String(error)})`,
              );
              // Kill only with a hook delivery in flight, once this process has taken one: a kill
              // between requests, or before any was taken, would prove nothing about acknowledged hooks.
              const readyBy = Date.now() + KILL_READY_MS;
              while (!(hooksInFlight > 0 && taken[k - 1]! > 0)) {
                if (Date.now() > readyBy) throw new Error(`hub process ${k}: no hook in flight with one taken within ${KILL_READY_MS} ms (taken ${taken[k - 1]})`);
                await sleep(2);
              }
              const inFlight = hooksInFlight; // read and killed in one turn of the event loop
              const stopped = hub.stop('SIGKILL');
              inFlightAtKills.push(inFlight);
              const exit = await stopped;
              if (exit.signal !== 'SIGKILL') throw new Error(`hub process ${k} died of something else: ${JSON.stringify(exit)}`);
              const down = Date.now();
              taken.push(0);
              hub = await launch();
              kills.push(`kill ${k}: after ${uptime} ms up, at change ${atChange}, ${inHand}, ${inFlight} hook(s) in flight, ${taken[k - 1]} taken; back in ${Date.now() - down} ms`);
            }
          } catch (error) {
            killError = error;
          } finally {
            killsDone = true;
          }
        })();

        const createShopProduct = () => {
          const n = shopOrigin.length + 1;
          const sku = `CD-S-${String(n).padStart(3, '0')}`;
          const name = `Shop product ${n}`;
          const p = price(random);
          const product = shop.createProduct({ title: name, status: 'active', variants: [{ sku, price: p.toFixed(2) }] });
          intended.set(sku, { origin: 'shop', id: product.id, name, price: p, changes: 1 });
          shopOrigin.push(sku);
        };
        const createErpItem = () => {
          const n = erpOrigin.length + 1;
          const sku = `CD-E-${String(n).padStart(3, '0')}`;
          const name = `ERP item ${n}`;
          const p = price(random);
          const item = erp.createItem({ name, sku, price: p, status: 'ACTIVE' });
          intended.set(sku, { origin: 'erp', id: item.code, name, price: p, changes: 1 });
          erpOrigin.push(sku);
        };
        const update = (skus: readonly string[]) => {
          const sku = random.pick(skus);
          const record = intended.get(sku)!;
          record.changes += 1;
          record.name = `${record.origin === 'shop' ? 'Shop product' : 'ERP item'} ${sku.slice(-3)} v${record.changes}`;
          record.price = price(random);
          if (record.origin === 'shop') {
            shop.updateProduct(record.id as number, { title: record.name, variants: [{ sku, price: record.price.toFixed(2) }] });
          } else {
            erp.updateItem(record.id as string, { name: record.name, price: record.price });
          }
        };

        // Changes at a steady pace until every record is made and the last restart is done.
        try {
          while ((!killsDone || shopOrigin.length < SHOP_PRODUCTS || erpOrigin.length < ERP_ITEMS) && changes < MAX_CHANGES) {
            // A burst of changes, as when a merchant saves several records or an import runs.
            for (let burst = 1 + random.int(MAX_BURST); burst > 0; burst--) {
              const options: Array<() => void> = [];
              if (shopOrigin.length < SHOP_PRODUCTS) options.push(createShopProduct, createShopProduct);
              if (erpOrigin.length < ERP_ITEMS) options.push(createErpItem);
              if (shopOrigin.length > 0) options.push(() => update(shopOrigin));
              if (erpOrigin.length > 0) options.push(() => update(erpOrigin));
              random.pick(options)();
              changes += 1;
            }
            await sleep(PACE_MS);
          }
        } finally {
          aborted = !killsDone; // the load stopped early (it failed, or made MAX_CHANGES changes)
          await killer;
        }
        if (killError) throw new Error(`${String(killError)}\n${hubOutput()}`);
        expect(kills).toHaveLength(KILLS);
        expect(inFlightAtKills).toHaveLength(KILLS);
        for (const [k, n] of inFlightAtKills.entries()) expect(n, `hook deliveries in flight at kill ${k + 1}`).toBeGreaterThanOrEqual(1);
        const loadEnded = Date.now();
        log.push(...kills, `${changes} changes in ${loadEnded - started} ms: ${shopOrigin.length} shop products, ${erpOrigin.length} ERP items, ${changes - shopOrigin.length - erpOrigin.length} updates`);

        // ---------------------------------------------------------------- settle (bounded)

        let quiet = 0;
        let last: Counts | null = null;
        let lastSent = -1;
        const deadline = Date.now() + SETTLE_MS;
        while (quiet < QUIET_LOOKS && Date.now() < deadline) {
          if (hub.child.exitCode !== null || hub.child.signalCode !== null) throw new Error(`the last hub exited: ${JSON.stringify(await hub.exited)}\n${hubOutput()}`);
          const queuesIdle = (await within(shop.settle(), 1)) && (await within(erp.settle(), 1));
          const sent = shop.hooksSent.length + erp.hooksSent.length;
          const ready = await getJson<{ counts: Counts }>(`${hubUrl}/readyz`);
          last = ready.counts;
          const hubQuiet =
            last.hooks.received === 0 && last.transfers.queued === 0 && last.transfers.running === 0 && last.transfers.retrying === 0;
          quiet = queuesIdle && hubQuiet && sent === lastSent ? quiet + 1 : 0;
          lastSent = sent;
          if (quiet < QUIET_LOOKS) await sleep(LOOK_MS);
        }
        expect(quiet, `did not settle within ${SETTLE_MS} ms; counts ${JSON.stringify(last)}\n${hubOutput()}`).toBe(QUIET_LOOKS);
        log.push(`settled ${Date.now() - loadEnded} ms after the load: ${JSON.stringify(last)}`);

        // ---------------------------------------------------------------- every 2xx-answered hook is stored, and resolved

        const problems: string[] = [];
        const shopDeliveries = deliveries('shop', shop.hooksSent);
        const erpDeliveries = deliveries('erp', erp.hooksSent);
        problems.push(...shopDeliveries.problems, ...erpDeliveries.problems);

        const summaries = await allPages<HookSummary>(hubUrl, '/api/hooks');
        const details = await mapPool(summaries, 16, (h) => getJson<HookDetail>(`${hubUrl}/api/hooks/${h.id}`));
        /** Stored hook ids by connection and delivery id. */
        const stored = new Map<string, number[]>();
        for (const { hook } of details) {
          const header = HEADER_OF_DELIVERY[hook.connection];
          const deliveryId = header === undefined ? undefined : hook.headers[header];
          if (deliveryId === undefined) {
            problems.push(`stored hook ${hook.id} (${hook.connection}) carries no delivery id header`);
            continue;
          }
          const key = `${hook.connection}/${deliveryId}`;
          stored.set(key, [...(stored.get(key) ?? []), hook.id]);
          if (hook.status !== 'resolved') {
            problems.push(`stored hook ${hook.id} (${hook.connection}) is ${hook.status}${hook.errorCode ? `: ${hook.errorCode} ${hook.errorMessage}` : ''}`);
          }
        }
        let storedTwice = 0;
        for (const [name, summary] of [
          ['shop', shopDeliveries],
          ['erp', erpDeliveries],
        ] as const) {
          for (const id of summary.answered2xx) {
            if (!stored.has(`${name}/${id}`)) problems.push(`${name} delivery ${id} was answered 2xx but is not stored`);
          }
          for (const [id, attempts] of summary.byDelivery) {
            const copies = stored.get(`${name}/${id}`)?.length ?? 0;
            // A copy per attempt at most: one whose answer was lost to the kill may be stored too,
            // unless the connection has delivery ids (signed shop hooks): then a re-delivery is not stored again.
            const dedupes = name === 'shop';
            if (copies > (dedupes ? 1 : attempts.length)) problems.push(`${name} delivery ${id}: ${copies} stored copies (hooks ${stored.get(`${name}/${id}`)}) for ${attempts.length} attempts`);
            if (copies > 1) storedTwice += 1;
          }
        }
        for (const key of stored.keys()) {
          const [name, id] = key.split('/') as [string, string];
          const summary = name === 'shop' ? shopDeliveries : erpDeliveries;
          if (!summary.byDelivery.has(id)) problems.push(`stored hook(s) ${stored.get(key)} carry delivery id ${key}, which was never sent`);
        }
        const answered = shopDeliveries.answered2xx.size + erpDeliveries.answered2xx.size;
        // Each hub process, the killed ones and the last, acknowledged hooks; their sum is what the
        // senders saw answered 2xx (each delivery is answered 2xx once at most, checked above).
        expect(taken, 'hooks answered 2xx by each hub process').toHaveLength(KILLS + 1);
        for (const [k, n] of taken.entries()) expect(n, `hooks answered 2xx by hub process ${k + 1}`).toBeGreaterThan(0);
        expect(taken.reduce((a, b) => a + b, 0)).toBe(answered);
        log.push(
          `hooks: ${shopDeliveries.byDelivery.size + erpDeliveries.byDelivery.size} deliveries, ${answered} answered 2xx, ` +
            `${shopDeliveries.attempts + erpDeliveries.attempts} attempts (${shopDeliveries.noAnswer + erpDeliveries.noAnswer} without an answer, ` +
            `${shopDeliveries.retried + erpDeliveries.retried} deliveries retried); ${details.length} stored, ${storedTwice} deliveries stored twice ` +
            `(committed, then the answer was lost to a kill)`,
        );

        // ---------------------------------------------------------------- exactly once in effect

        const shopBySku = new Map<string, Array<{ id: number; title: string; price: string; status: string }>>();
        for (const product of shop.products.values()) {
          const sku = product.variants[0]?.sku ?? '';
          shopBySku.set(sku, [...(shopBySku.get(sku) ?? []), { id: product.id, title: product.title, price: product.variants[0]?.price ?? '', status: product.status }]);
        }
        const erpBySku = new Map<string, Array<{ code: string; name: string; price: number; status: string }>>();
        for (const item of erp.items.values()) {
          erpBySku.set(item.sku, [...(erpBySku.get(item.sku) ?? []), { code: item.code, name: item.name, price: item.price, status: item.status }]);
        }
        for (const sku of new Set([...shopBySku.keys(), ...erpBySku.keys()])) {
          if (!intended.has(sku)) problems.push(`SKU ${sku} exists (shop ${JSON.stringify(shopBySku.get(sku))}, ERP ${JSON.stringify(erpBySku.get(sku))}) but was never made`);
        }
        /** SKUs with a problem: their history goes into the failure message. */
        const suspects = new Set<string>();
        for (const [sku, want] of intended) {
          const before = problems.length;
          const inShop = shopBySku.get(sku) ?? [];
          const inErp = erpBySku.get(sku) ?? [];
          const what = `${sku} (made in the ${want.origin}, ${want.changes} change(s), last ${JSON.stringify({ name: want.name, price: want.price })})`;
          if (inShop.length !== 1) problems.push(`${what}: ${inShop.length} shop products ${JSON.stringify(inShop)}`);
          if (inErp.length !== 1) problems.push(`${what}: ${inErp.length} ERP items ${JSON.stringify(inErp)}`);
          for (const p of inShop) {
            if (p.title !== want.name || Number(p.price) !== want.price || p.status !== 'active') problems.push(`${what}: shop has ${JSON.stringify(p)}`);
          }
          for (const i of inErp) {
            if (i.name !== want.name || i.price !== want.price || i.status !== 'ACTIVE') problems.push(`${what}: ERP has ${JSON.stringify(i)}`);
          }
          if (problems.length > before) suspects.add(sku);
        }
        // The hub's creates: one per record made at the other end, none repeated.
        const erpCreates = erp.writes.count('items', 'create');
        const shopCreates = shop.writes.count('products', 'create');
        if (erpCreates !== shopOrigin.length) problems.push(`the ERP saw ${erpCreates} item creates for ${shopOrigin.length} shop products`);
        if (shopCreates !== erpOrigin.length) problems.push(`the shop saw ${shopCreates} product creates for ${erpOrigin.length} ERP items`);
        if (erp.writes.count('items', 'delete') + shop.writes.count('products', 'delete') > 0) problems.push('the hub deleted records');

        // Transfers: none dead; every hub product links exactly one record in each system.
        const transfers = await allPages<Transfer>(hubUrl, '/api/transfers');
        for (const t of await allPages<Transfer>(hubUrl, '/api/transfers?status=dead')) {
          problems.push(`dead transfer ${t.id}: ${t.connection} ${t.direction} ${t.scope} ${t.externalId ?? `hub ${t.hubId}`} after ${t.attempts} attempts: ${t.lastErrorCode} ${t.lastError}`);
        }
        const unfinished = transfers.filter((t) => ['queued', 'running', 'retrying'].includes(t.status));
        for (const t of unfinished) problems.push(`transfer ${t.id} is still ${t.status}`);
        const hubIds = [...new Set(transfers.filter((t) => t.type === 'product' && t.hubId !== null).map((t) => t.hubId!))];
        const records = await mapPool(hubIds, 16, (id) => getJson<HubRecordAnswer>(`${hubUrl}/api/records/product/${id}`));
        const hubBySku = new Map<string, number[]>();
        for (const { record, externalIds } of records) {
          const sku = String(record.data.sku);
          hubBySku.set(sku, [...(hubBySku.get(sku) ?? []), record.id]);
          const links = externalIds.filter((x) => x.type === 'product').map((x) => x.connection).sort();
          if (links.join() !== 'erp,shop') problems.push(`hub product ${record.id} (${sku}) links ${JSON.stringify(externalIds)}`);
          const want = intended.get(sku);
          if (want && (record.data.name !== want.name || record.data.price !== want.price)) {
            problems.push(`hub product ${record.id} (${sku}) has ${JSON.stringify(record.data)}, last given ${JSON.stringify({ name: want.name, price: want.price })}`);
          }
        }
        for (const [sku, ids] of hubBySku) {
          if (ids.length !== 1) {
            problems.push(`SKU ${sku} has ${ids.length} hub products: ${ids.join(', ')}`);
            suspects.add(sku);
          }
        }
        if (hubBySku.size !== intended.size) problems.push(`${hubBySku.size} SKUs in the hub for ${intended.size} made`);
        const rerun: Record<string, number> = {};
        for (const t of transfers.filter((t) => t.attempts > 1)) {
          const key = `${t.connection} ${t.direction} ${t.scope} ${t.requestType} ${t.status}${t.reasonCode ? `/${t.reasonCode}` : ''}`;
          rerun[key] = (rerun[key] ?? 0) + 1;
        }
        const byStatus: Record<string, number> = {};
        for (const t of transfers) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
        log.push(
          `effects: ${shop.products.size} shop products, ${erp.items.size} ERP items, ${records.length} hub products; ` +
            `creates: ERP ${erpCreates}, shop ${shopCreates}; updates: ERP ${erp.writes.count('items', 'update')}, shop ${shop.writes.count('products', 'update')}; ` +
            `transfers ${JSON.stringify(byStatus)}; run more than once: ${JSON.stringify(rerun)}`,
          `total ${Date.now() - started} ms`,
        );

        const histories = await mapPool([...suspects].slice(0, 5), 1, (sku) =>
          history(hubUrl, sku, {
            shopIds: (shopBySku.get(sku) ?? []).map((p) => p.id),
            erpCodes: (erpBySku.get(sku) ?? []).map((i) => i.code),
            hubIds: hubBySku.get(sku) ?? [],
            transfers,
            shop,
            erp,
          }),
        );
        expect(
          problems,
          `${log.join('\n')}\n\n${problems.length} problem(s):\n${problems.join('\n')}\n\n${histories.join('\n\n')}\n\n${hubOutput()}`,
        ).toEqual([]);
        console.log(log.join('\n'));

        const exit = await hub.stop('SIGTERM');
        expect(exit.code, hubOutput()).toBe(0);
        expect(runningHubs()).toBe(0);
      },
      180_000,
    );
  }
});
