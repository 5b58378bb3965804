/**
 * The ingest load: a Shopify `products/update` hook as a shop sends it, POSTed over and over by
 * wrk (or autocannon when wrk is absent), and what one run of it measured.
 *
 * The hook carries a key header instead of the signature: a signed hook with one fixed
 * X-Shopify-Webhook-Id would be stored once and answered as a duplicate ever after.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuMsOf, threadCpuMsOf } from './proc.js';
import { runWrk } from './wrk.js';
import { track } from './children.js';

export const SHOP_KEY = 'bench-shop-key';
export const HOOK_PATH = '/hooks/shop';

const PRODUCT = {
  id: 7364581900321,
  title: 'Enamel camping mug 350 ml',
  body_html: '<p>Powder-coated steel, enamel inside. Dishwasher safe.</p>',
  vendor: 'Trail & Co',
  product_type: 'Kitchen',
  created_at: '2024-03-11T09:12:44+01:00',
  handle: 'enamel-camping-mug-350',
  updated_at: '2024-06-02T17:40:03+02:00',
  published_at: '2024-03-11T09:15:00+01:00',
  status: 'active',
  tags: 'camping, enamel, kitchen',
  variants: [
    { id: 41877123400001, product_id: 7364581900321, title: 'Forest green', price: '12.50', sku: 'MUG-350-GRN', position: 1, inventory_policy: 'deny', option1: 'Forest green', taxable: true, grams: 310, inventory_quantity: 42, requires_shipping: true },
    { id: 41877123400002, product_id: 7364581900321, title: 'Slate grey', price: '12.50', sku: 'MUG-350-GRY', position: 2, inventory_policy: 'deny', option1: 'Slate grey', taxable: true, grams: 310, inventory_quantity: 7, requires_shipping: true },
  ],
  options: [{ id: 9401234567001, product_id: 7364581900321, name: 'Color', position: 1, values: ['Forest green', 'Slate grey'] }],
  image: null,
};
export const BODY = JSON.stringify(PRODUCT);

export const HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'x-shop-webhook-key': SHOP_KEY,
  'x-shopify-topic': 'products/update',
  'x-shopify-shop-domain': 'trail-and-co.myshopify.com',
  'x-shopify-api-version': '2024-04',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'x-shopify-hmac-sha256': 'XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=',
};

export interface LoadSettings {
  connections: number;
  /** wrk threads; autocannon ignores it. */
  threads: number;
  /** The wrk Lua script (bench/wrk.ts); null: autocannon. */
  wrkScript: string | null;
  /** Per-request timeout, s. */
  timeoutS: number;
  /** How long a drain may take before the run is cut (in-flight requests then count as lost). */
  drainLimitS: number;
}

export interface Measured {
  /** From the first request to the last answer. */
  seconds: number;
  /** 2xx answers ÷ seconds. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  responses: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests sent and never answered (only when a drain had to be cut). */
  lost: number;
  statusCodes: Record<string, number>;
  /** CPU time the server process used (user + system, every thread) from the start of the load to the end of `settle`. */
  serverCpuMs: number | null;
  /** The same by thread name (`main`, `libuv-worker`, …), for threads alive at the end. */
  threadCpuMs: Map<string, number>;
}

function threadDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, ms] of after) delta.set(name, ms - (before.get(name) ?? 0));
  return delta;
}

/**
 * Drives `port` for `seconds`, then drains: no new requests, each in-flight one is answered.
 * `settle` runs after the load and before the CPU time is read again (the hub resolving what it
 * took in), so the CPU figure covers it.
 */
export async function drive(settings: LoadSettings, port: number, seconds: number, pid: number | undefined, settle?: () => Promise<void>): Promise<Measured> {
  const cpuBefore = cpuMsOf(pid);
  const threadsBefore = threadCpuMsOf(pid);
  const load = settings.wrkScript ? await driveWrk(settings, port, seconds) : await driveAutocannon(settings, port, seconds);
  await settle?.();
  const cpuAfter = cpuMsOf(pid);
  const threadsAfter = threadCpuMsOf(pid);
  return {
    ...load,
    serverCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
    threadCpuMs: threadDelta(threadsBefore, threadsAfter),
  };
}

type Load = Omit<Measured, 'serverCpuMs' | 'threadCpuMs'>;

async function driveWrk(settings: LoadSettings, port: number, seconds: number): Promise<Load> {
  const r = await runWrk({
    url: `http://127.0.0.1:${port}`,
    scriptFile: settings.wrkScript!,
    seconds,
    connections: settings.connections,
    threads: settings.threads,
    drainLimitS: settings.drainLimitS,
    timeoutS: settings.timeoutS,
    track,
  });
  let ok = 0;
  for (const [code, n] of Object.entries(r.codes)) if (code.startsWith('2')) ok += n;
  const errors = r.connect + r.read + r.write + r.timeout;
  return {
    seconds: r.seconds,
    rps: ok / r.seconds,
    p50: r.p50,
    p99: r.p99,
    max: r.max,
    responses: r.responses,
    ok,
    non2xx: r.responses - ok,
    errors,
    timeouts: r.timeout,
    lost: r.drainCut ? Math.max(0, r.sent - r.responses - errors) : 0,
    statusCodes: r.codes,
  };
}

/** Autocannon's client, with the fields the drain uses (not in its typings). */
type DrainableClient = autocannon.Client & { reqsMade: number; responseMax?: number };

function driveAutocannon(settings: LoadSettings, port: number, seconds: number): Promise<Load> {
  return new Promise<Load>((resolve, reject) => {
    const clients: DrainableClient[] = [];
    let responses = 0;
    let ok = 0;
    let lastResponse = 0;
    const started = performance.now();
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}${HOOK_PATH}`,
        method: 'POST',
        headers: HEADERS,
        body: BODY,
        connections: settings.connections,
        // Autocannon's own end cuts requests in flight; ours drains first (below). Its timer is
        // only the last resort.
        duration: seconds + settings.drainLimitS + 5,
        timeout: settings.timeoutS,
        setupClient: (client) => clients.push(client as DrainableClient),
      },
      (error, result) => {
        clearTimeout(drainTimer);
        clearTimeout(cutTimer);
        if (error) return reject(error);
        const elapsedS = ((lastResponse || performance.now()) - started) / 1000;
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (stats as { count: number }).count;
        resolve({
          seconds: elapsedS,
          rps: ok / elapsedS,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          responses,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          lost: Math.max(0, result.requests.sent - responses - result.errors),
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode) => {
      responses += 1;
      if (statusCode >= 200 && statusCode < 300) ok += 1;
      lastResponse = performance.now();
    });
    // Time is up: each client sends nothing more and ends after the answer it is waiting for;
    // autocannon finishes when the last one has ended.
    const drainTimer = setTimeout(() => {
      for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
    }, seconds * 1000);
    const cutTimer = setTimeout(() => instance.stop(), (seconds + settings.drainLimitS) * 1000);
  });
}

/** One request, to fail early and clearly when the server does not accept the hook at all. */
export async function preflight(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${HOOK_PATH}`, { method: 'POST', headers: HEADERS, body: BODY });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`preflight POST ${HOOK_PATH} answered ${response.status}: ${text}`);
}
