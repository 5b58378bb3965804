/**
 * `npm run bench`: ingest throughput of hookyard on embedded SQLite against a bare node:http
 * server that stores nothing — the ceiling of this runtime on this machine.
 *
 * Each server runs in its own child process (the load generator never shares an event loop with
 * a server) and gets the same load, one after the other: autocannon, N connections, a ~1 KB
 * Shopify product hook, a warm-up that is not counted, then the measured run.
 *
 * Runs end by draining, not by cutting: when the time is up each autocannon connection stops
 * sending and waits for its request in flight. Every hook the hub stored has then been answered,
 * so after a hookyard run the number of stored hooks must equal the number of 2xx answers
 * (hooks are acknowledged only after their commit).
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 100), BENCH_DURABILITY (full | normal | both, default full), BENCH_NAIVE=1 (also
 * run a naive insert-per-request server), BENCH_CPU_PROF (a directory: hookyard children write
 * --cpu-prof profiles there), BENCH_HUB_STATS=1 (time the store's write transactions),
 * BENCH_HUB_LOGGER=0 / BENCH_HUB_RESOLVE=0 (hub without logger / resolver; diagnostics only).
 * See bench/README.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

// ---------------------------------------------------------------------------------------------
// Settings

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name}=${raw}: expected a number ≥ ${min}`);
  return value;
}

const DURATION_S = envNumber('BENCH_DURATION', 10, 1);
const WARMUP_S = envNumber('BENCH_WARMUP', 2, 0);
const CONNECTIONS = Math.floor(envNumber('BENCH_CONNECTIONS', 100, 1));
const DURABILITY_MODE = process.env.BENCH_DURABILITY || 'full';
if (!['full', 'normal', 'both'].includes(DURABILITY_MODE)) {
  throw new Error(`BENCH_DURABILITY=${DURABILITY_MODE}: expected full, normal or both`);
}
const DURABILITIES: Array<'full' | 'normal'> = DURABILITY_MODE === 'both' ? ['full', 'normal'] : [DURABILITY_MODE as 'full' | 'normal'];
const NAIVE = process.env.BENCH_NAIVE === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolvePath(process.env.BENCH_CPU_PROF) : null;

/** Autocannon's per-request timeout, seconds. */
const REQUEST_TIMEOUT_S = 10;
/** How long a drain may take before the run is cut (in-flight requests then count as lost). */
const DRAIN_LIMIT_S = 15;

const benchDir = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolvePath(benchDir, '..');

// ---------------------------------------------------------------------------------------------
// The load: a Shopify `products/update` hook as a shop sends it, with a key header instead of the
// signature (a signed hook with one fixed X-Shopify-Webhook-Id would be stored once and answered as
// a duplicate ever after)

const SHOP_KEY = 'bench-shop-key';

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
const BODY = JSON.stringify(PRODUCT);

const HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'x-shop-webhook-key': SHOP_KEY,
  'x-shopify-topic': 'products/update',
  'x-shopify-shop-domain': 'trail-and-co.myshopify.com',
  'x-shopify-api-version': '2024-04',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'x-shopify-hmac-sha256': 'XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=',
};

const HOOK_PATH = '/hooks/shop';

function hubConfigYaml(durability: 'full' | 'normal'): string {
  return [
    '# written by bench/run.ts',
    'server: { host: 127.0.0.1, port: 0 }',
    `store: { durability: ${durability} }`,
    'connections:',
    '  shop:',
    '    integration: shopify',
    `    webhook: { apiKey: "${SHOP_KEY}" }`,
    '    receiver: { auth: { from: header, name: x-shop-webhook-key } }',
    '    scopes: [product/created, product/updated]',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Child {
  name: string;
  process: ChildProcess;
  port: number;
  /** The last lines the child wrote, for error messages. */
  tail: string[];
  /** JSON lines with a "bench" key the child wrote after it was ready (e.g. its stats). */
  messages: Array<Record<string, unknown>>;
  stopping?: Promise<void>;
}

const children = new Set<Child>();

function startChild(name: string, script: string, args: string[], execArgv: string[] = []): Promise<Child> {
  const proc = spawn(process.execPath, [...execArgv, '--import', 'tsx', join(benchDir, script), ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  const messages: Array<Record<string, unknown>> = [];
  return new Promise<Child>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`${name}: not ready after 30 s`)), 30_000);
    const fail = (error: Error) => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${error.message}\n  last output:\n    ${tail.join('\n    ') || '(none)'}`));
    };
    // Keep reading both pipes for the child's whole life, so that its writes never block.
    createInterface({ input: proc.stderr! }).on('line', remember);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      remember(line);
      if (!line.startsWith('{"bench"')) return;
      let message: { bench?: string; port?: number };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (ready) {
        messages.push(message);
        return;
      }
      if (message.bench !== 'ready' || typeof message.port !== 'number') return;
      ready = true;
      clearTimeout(timer);
      const child: Child = { name, process: proc, port: message.port, tail, messages };
      children.add(child);
      resolve(child);
    });
    proc.once('error', (error) => fail(error));
    proc.once('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready`)));
  });
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`; once per child. */
function stopChild(child: Child, graceMs = 20_000): Promise<void> {
  child.stopping ??= (async () => {
    const proc = child.process;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    children.delete(child);
    if (proc.exitCode !== 0) console.error(`  note: ${child.name} exited with ${proc.signalCode ?? `code ${proc.exitCode}`}`);
  })();
  return child.stopping;
}

// ---------------------------------------------------------------------------------------------
// Load

interface Measured {
  seconds: number;
  /** Completed responses per second, over the time from the start to the last response. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  responses: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests sent but never answered (only when a drain had to be cut). */
  lost: number;
  statusCodes: Record<string, number>;
  /** CPU time the server process used during the run (user + system), when it can be read. */
  serverCpuMs: number | null;
}

/** Autocannon's client, with the fields the drain uses (not in its typings). */
type DrainableClient = autocannon.Client & { reqsMade: number; responseMax?: number };

let clockTicks: number | null | undefined;

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux); null elsewhere.
 * Unlike requests/s it barely moves when other processes compete for the CPUs, so the CPU time
 * per hook is the steadier figure on a shared machine.
 */
function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks; // utime, stime
  } catch {
    clockTicks ??= null;
    return null;
  }
}

/** Drives `port` for `seconds`, then drains: no new requests, each in-flight one is answered. */
function drive(port: number, seconds: number, pid?: number): Promise<Measured> {
  return new Promise<Measured>((resolve, reject) => {
    const clients: DrainableClient[] = [];
    let responses = 0;
    let ok = 0;
    let lastResponse = 0;
    const cpuBefore = cpuMsOf(pid);
    const started = performance.now();
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}${HOOK_PATH}`,
        method: 'POST',
        headers: HEADERS,
        body: BODY,
        connections: CONNECTIONS,
        // Autocannon's own end cuts requests in flight; ours drains first (below). Its timer is
        // only the last resort.
        duration: seconds + DRAIN_LIMIT_S + 5,
        timeout: REQUEST_TIMEOUT_S,
        setupClient: (client) => clients.push(client as DrainableClient),
      },
      (error, result) => {
        clearTimeout(drainTimer);
        clearTimeout(cutTimer);
        if (error) return reject(error);
        const cpuAfter = cpuMsOf(pid);
        const elapsedS = ((lastResponse || performance.now()) - started) / 1000;
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (stats as { count: number }).count;
        resolve({
          seconds: elapsedS,
          rps: responses / elapsedS,
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
          serverCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
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
    const cutTimer = setTimeout(() => instance.stop(), (seconds + DRAIN_LIMIT_S) * 1000);
  });
}

/** One request, to fail early and clearly when the server does not accept the hook at all. */
async function preflight(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${HOOK_PATH}`, { method: 'POST', headers: HEADERS, body: BODY });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`preflight POST ${HOOK_PATH} answered ${response.status}: ${text}`);
}

// ---------------------------------------------------------------------------------------------
// The hub's view

interface Stored {
  total: number;
  byStatus: Record<string, number>;
  newestId: number | null;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function stored(port: number): Promise<Stored> {
  const base = `http://127.0.0.1:${port}`;
  const ready = (await getJson(`${base}/readyz`)) as { counts: { hooks: Record<string, number> } };
  const page = (await getJson(`${base}/api/hooks?limit=1`)) as { items: Array<{ id: number }> };
  const byStatus = ready.counts.hooks;
  const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  return { total, byStatus, newestId: page.items[0]?.id ?? null };
}

// ---------------------------------------------------------------------------------------------
// Stages

interface Stage {
  label: string;
  measured: Measured;
  warmup: Measured | null;
  /** hookyard only: the stored-hooks check and the resolver's progress. */
  check?: { ok: boolean; line: string; resolverLine: string };
  /** hookyard with BENCH_HUB_STATS=1: time in the store's write transactions. */
  storeLines?: string[];
}

async function warmAndMeasure(label: string, child: Child): Promise<Pick<Stage, 'warmup' | 'measured'>> {
  const { port } = child;
  const pid = child.process.pid;
  await preflight(port);
  process.stderr.write(`  ${label}: warm-up ${WARMUP_S} s … `);
  const warmup = WARMUP_S > 0 ? await drive(port, WARMUP_S, pid) : null;
  process.stderr.write(`measuring ${DURATION_S} s … `);
  const measured = await drive(port, DURATION_S, pid);
  process.stderr.write('done\n');
  return { warmup, measured };
}

async function bareStage(): Promise<Stage> {
  const child = await startChild('bare node:http', 'bare-server.ts', []);
  try {
    return { label: 'bare node:http', ...(await warmAndMeasure('bare node:http', child)) };
  } finally {
    await stopChild(child);
  }
}

/** BENCH_NAIVE=1: one INSERT per request on node:http, the reference point for group commit. */
async function naiveStage(tmp: string): Promise<Stage> {
  // Same durability as the headline hookyard run: full unless only normal was asked for.
  const durability = DURABILITIES.includes('full') ? 'full' : 'normal';
  const label = `naive insert-per-request (${durability})`;
  const data = join(tmp, 'data-naive');
  await mkdir(data, { recursive: true });
  const child = await startChild(label, 'naive-server.ts', [data, durability]);
  try {
    return { label, ...(await warmAndMeasure(label, child)) };
  } finally {
    await stopChild(child);
  }
}

async function hookyardStage(tmp: string, durability: 'full' | 'normal'): Promise<Stage> {
  const label = `hookyard (durability=${durability})`;
  const config = join(tmp, `hookyard-${durability}.yaml`);
  const data = join(tmp, `data-${durability}`);
  await writeFile(config, hubConfigYaml(durability));
  await mkdir(data, { recursive: true });
  // One folder per run: node writes one profile per thread (tsx's loader has its own); the
  // largest file is the main thread's.
  const profDir = CPU_PROF_DIR ? join(CPU_PROF_DIR, `hookyard-${durability}`) : null;
  const execArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const child = await startChild(label, 'hub-server.ts', [config, data], execArgv);
  try {
    const before = await stored(child.port); // the preflight hook is stored after this
    const { warmup, measured } = await warmAndMeasure(label, child);
    const after = await stored(child.port);
    const answered = 1 + (warmup?.ok ?? 0) + measured.ok;
    const fresh = before.total === 0;
    const countOk = after.total - before.total === answered;
    const idOk = !fresh || after.newestId === after.total;
    const ok = countOk && idOk;
    const line =
      `check ${label}: stored hooks ${after.total - before.total} ${countOk ? '=' : '≠'} 2xx answers ${answered} ` +
      `(preflight 1 + warm-up ${warmup?.ok ?? 0} + measured ${measured.ok}); newest id ${after.newestId ?? 'none'}` +
      `${idOk ? '' : ` ≠ ${after.total} rows`} — ${ok ? 'OK' : 'FAILED'}`;
    const resolved = after.total - (after.byStatus.received ?? 0);
    const resolverLine =
      `resolver ${label}: ${resolved} of ${after.total} stored hooks resolved by the end of the run ` +
      `(${Object.entries(after.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ')})`;
    await stopChild(child); // the child reports its stats as it exits
    const stats = child.messages.find((m) => m.bench === 'stats') as Record<string, StoreCallStats> | undefined;
    const storeLines = stats ? storeStatsLines(label, stats) : undefined;
    return { label, warmup, measured, check: { ok, line, resolverLine }, storeLines };
  } finally {
    await stopChild(child);
  }
}

interface StoreCallStats {
  calls: number;
  hooks: number;
  ms: number;
  maxMs: number;
}

function storeStatsLines(label: string, stats: Record<string, StoreCallStats>): string[] {
  const lines = [`store write transactions in ${label} (warm-up and measured run together):`];
  for (const [name, s] of Object.entries(stats)) {
    if (name === 'bench' || typeof s !== 'object' || !s.calls) continue;
    lines.push(
      `  ${name.padEnd(16)} ${String(s.calls).padStart(7)} calls, ${(s.hooks / s.calls).toFixed(1).padStart(6)} hooks/call, ` +
        `${(s.ms / s.calls).toFixed(2).padStart(6)} ms/call (max ${s.maxMs.toFixed(1)}), ${((1000 * s.ms) / s.hooks).toFixed(1).padStart(5)} µs/hook, ` +
        `${(s.ms / 1000).toFixed(2)} s in all`,
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Report

function table(stages: Stage[]): string {
  const head = ['server', 'hooks/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx', 'errors', 'server CPU', 'CPU µs/hook'];
  const rows = stages.map(({ label, measured: m }) => [
    label,
    m.rps.toFixed(0),
    m.p50.toFixed(1),
    m.p99.toFixed(1),
    m.max.toFixed(1),
    String(m.ok),
    String(m.non2xx),
    String(m.errors + m.lost),
    m.serverCpuMs === null ? 'n/a' : `${((100 * m.serverCpuMs) / 1000 / m.seconds).toFixed(0)}%`,
    m.serverCpuMs === null || m.responses === 0 ? 'n/a' : ((1000 * m.serverCpuMs) / m.responses).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

function problemsOf(stage: Stage): string[] {
  const m = stage.measured;
  const problems: string[] = [];
  for (const [phase, run] of [['warm-up', stage.warmup], ['measured', m]] as const) {
    if (!run) continue;
    if (run.non2xx > 0) {
      const codes = Object.entries(run.statusCodes).filter(([c]) => !c.startsWith('2')).map(([c, n]) => `${c}×${n}`).join(', ');
      problems.push(`${stage.label}, ${phase}: ${run.non2xx} non-2xx answers (${codes})`);
    }
    if (run.errors > 0) problems.push(`${stage.label}, ${phase}: ${run.errors} errors (${run.timeouts} timeouts)`);
    if (run.lost > 0) problems.push(`${stage.label}, ${phase}: ${run.lost} requests never answered (drain cut after ${DRAIN_LIMIT_S} s)`);
  }
  if (stage.check && !stage.check.ok) problems.push(stage.check.line);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Main

let tmp: string | null = null;
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child, 5_000)));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  tmp = await mkdtemp(join(tmpdir(), 'hookyard-bench-'));
  if (CPU_PROF_DIR) await mkdir(CPU_PROF_DIR, { recursive: true });
  console.log(
    `hookyard ingest bench — node ${process.version}, ${cpus().length} CPUs; ${CONNECTIONS} connections, ` +
      `POST ${HOOK_PATH} with a ${Buffer.byteLength(BODY)}-byte product hook; ${WARMUP_S} s warm-up (not counted), ` +
      `${DURATION_S} s measured per server`,
  );

  const loadBefore = loadavg()[0]!;
  const stages: Stage[] = [await bareStage()];
  if (NAIVE) stages.push(await naiveStage(tmp));
  for (const durability of DURABILITIES) stages.push(await hookyardStage(tmp, durability));

  console.log('');
  console.log(table(stages));
  console.log('');
  for (const stage of stages) {
    if (stage.check) console.log(stage.check.line);
  }
  for (const stage of stages) {
    if (stage.check) console.log(stage.check.resolverLine);
  }
  for (const stage of stages) {
    for (const line of stage.storeLines ?? []) console.log(line);
  }
  if (CPU_PROF_DIR) console.log(`cpu profiles of the hookyard children: ${CPU_PROF_DIR}`);
  if (loadBefore > 0.5) {
    console.log(
      `note: the 1-minute load average was ${loadBefore.toFixed(2)} before the run: other processes share the ${cpus().length} CPUs, ` +
        'so hooks/s and the ratio are noisy; CPU µs/hook is the steadier figure',
    );
  }

  const problems = stages.flatMap(problemsOf);
  for (const problem of problems) console.log(`PROBLEM: ${problem}`);

  const bare = stages[0]!.measured.rps;
  const naive = stages.find((s) => s.label.startsWith('naive'));
  if (naive) console.log(`ratio (${naive.label} / bare node:http): ${(naive.measured.rps / bare).toFixed(2)}`);
  const hubs = stages.filter((s) => s.label.startsWith('hookyard'));
  // The headline ratio (the default durability, full when it ran) comes last.
  hubs.sort((a, b) => (a.label.includes('full') ? 1 : 0) - (b.label.includes('full') ? 1 : 0));
  for (const stage of hubs) {
    const which = stage.label.includes('full') ? 'hookyard' : 'hookyard durability=normal';
    console.log(`ratio (${which} / bare node:http): ${(stage.measured.rps / bare).toFixed(2)}`);
  }
  return problems.length > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`\nbench failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
