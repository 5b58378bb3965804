/**
 * The engine's throughput, for bench/run.ts: a hub on embedded SQLite (durability full) whose two
 * connections use bench/engine-integration.ts, a system that answers in-process. The source's
 * records are read at once and the destination's creates return at once, so what is measured is
 * hookyard's own bookkeeping per transfer.
 *
 * Usage: engine-hub.ts <data dir> <transfers> <concurrency> [all|prepare|work] [database url] [go file]
 *
 * With a postgres:// database url the hub runs on PostgreSQL, and the run can be split over
 * processes (`npm run bench -- --postgres`): `prepare` receives and resolves the hooks and exits;
 * each `work` process says it is ready, waits until the go file exists (so that all start
 * together), runs its transfer worker until the store counts every transfer settled, and reports
 * when it started and ended (epoch ms) and its own CPU time. `all` (the default) does both in one.
 *
 * `transfers` counts both directions: transfers/2 records, each one transfer to the hub (read
 * from the source) and one from the hub (created in the destination). The hooks announcing the
 * records are received and resolved first, not measured; then the transfer worker starts and the
 * clock and the CPU time (process.cpuUsage: every thread of this process) run until every
 * transfer has succeeded. Progress and the result are JSON lines with a "bench" key on stdout.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub, loadConfig, openStore } from '../src/index.js';
import { calls } from './engine-integration.js';

const KEY = 'bench-engine-key';
/** Notifications per hook: the default limit (limits.notificationsPerHook). */
const PER_HOOK = 1_000;
const integrationFile = resolvePath(fileURLToPath(import.meta.url), '..', 'engine-integration.ts');

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'engine', ...message })}\n`);
}

const [dataDir, transfersArg, concurrencyArg, modeArg = 'all', databaseUrl = '', goFile = ''] = process.argv.slice(2);
const transfers = Number(transfersArg);
const concurrency = Number(concurrencyArg);
const mode = modeArg as 'all' | 'prepare' | 'work';
if (
  !dataDir ||
  !Number.isInteger(transfers) ||
  transfers < 2 ||
  transfers % 2 !== 0 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  !['all', 'prepare', 'work'].includes(mode) ||
  (mode === 'work' && !goFile)
) {
  process.stderr.write('usage: engine-hub.ts <data dir> <transfers, even> <concurrency> [all|prepare|work] [database url] [go file]\n');
  process.exit(2);
}
const records = transfers / 2;

await mkdir(dataDir, { recursive: true });
const configFile = join(dataDir, 'engine.yaml');
await writeFile(
  configFile,
  [
    '# written by bench/engine-hub.ts',
    'store: { durability: full }',
    `engine: { concurrency: ${concurrency} }`,
    'connections:',
    '  source:',
    `    integration: ${JSON.stringify(integrationFile)}`,
    `    webhook: { apiKey: "${KEY}" }`,
    '    scopes: [product/updated]',
    '    mappings:',
    '      product:',
    '        to_hub: { sync: add_and_update, fields: { sku: sku, name: title, price: { formula: "$number(price)" }, active: { static: true } } }',
    '  destination:',
    `    integration: ${JSON.stringify(integrationFile)}`,
    `    webhook: { apiKey: "${KEY}-destination" }`,
    '    scopes: [product/updated]',
    '    mappings:',
    '      product:',
    '        from_hub: { sync: add_and_update, fields: { code: sku, label: name, price: price } }',
    '',
  ].join('\n'),
);

const config = await loadConfig(configFile);
const store = await openStore({ dataDir, durability: config.store.durability, ...(databaseUrl ? { url: databaseUrl } : {}) });
// Workers off: the hooks are resolved by hand first, then only the transfer worker is started.
const hub = await createHub({ config, store, logger: false, workers: false });
let closing = false;
process.once('SIGTERM', () => {
  closing = true;
  void hub.close().finally(() => process.exit(143)); // stopped from outside: no result
});

const address = await hub.listen(0, '127.0.0.1');

// 1. The hooks: records/1000 standard hooks of 1,000 notifications each.
for (let first = 0; mode !== 'work' && first < records; first += PER_HOOK) {
  const notifications = [];
  for (let id = first; id < Math.min(records, first + PER_HOOK); id++) notifications.push({ scope: 'product/updated', external_id: String(100_000 + id) });
  const response = await fetch(`${address}/hooks/source`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ notifications }),
  });
  if (response.status !== 202) throw new Error(`POST /hooks/source answered ${response.status}: ${await response.text()}`);
}
if (mode !== 'work') {
  while ((await hub.resolver.runOnce()) > 0);
  const queued = await store.counts();
  if ((queued.transfers.queued ?? 0) !== records) {
    throw new Error(`expected ${records} queued transfers after resolving, found ${JSON.stringify(queued.transfers)}`);
  }
  say({ phase: 'queued', records });
}
if (mode === 'prepare') {
  say({ phase: 'done', prepared: records });
  await hub.close();
  process.exit(0);
}
if (mode === 'work') {
  say({ phase: 'ready' });
  while (!existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 5));
}

// 2. The measured run. Alone, this process has every transfer; one of several counts the store's.
const settledOf = (statuses: Record<string, number>) =>
  Object.entries(statuses).reduce((sum, [status, n]) => (status === 'queued' || status === 'running' || status === 'retrying' ? sum : sum + n), 0);
const cpuBefore = process.cpuUsage();
const startedAt = Date.now();
const started = performance.now();
hub.transfers.start();
const progress = setInterval(() => say({ phase: 'progress', done: calls.read + calls.created, total: transfers }), 1_000);
let counts = await store.counts();
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, mode === 'all' && calls.created < records ? 100 : 20));
  if (closing) await new Promise(() => {}); // the SIGTERM handler exits
  if (mode === 'all' && calls.created < records) continue;
  counts = await store.counts();
  if (settledOf(counts.transfers) >= transfers) break;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(progress);
say({
  phase: 'done',
  transfers,
  seconds,
  startedAt,
  endedAt: Date.now(),
  cpuMs: (cpu.user + cpu.system) / 1000,
  statuses: counts.transfers,
  created: calls.created,
  updated: calls.updated,
});
await hub.close();
process.exit(0);
