/**
 * A hookyard hub as `hookyard serve` runs it (config file, embedded SQLite, JSON logger on),
 * for bench/run.ts. Usage: hub-server.ts <config.yaml> <data dir> [database url]
 * (with a postgres:// database url, on PostgreSQL: `npm run bench -- --postgres`)
 *
 * Listens on 127.0.0.1 on a free port and reports it as one JSON line on stdout
 * ({"bench":"ready",...}; the hub's own log lines are JSON too, the parent looks for the
 * "bench" key). SIGTERM closes the hub (drain, stop the resolver, close the store) and exits.
 */
import { createHub, loadConfigFile, openStore, type Store } from '../src/index.js';

interface CallStats {
  calls: number;
  hooks: number;
  ms: number;
  maxMs: number;
}

/**
 * BENCH_HUB_STATS=1: counts and times the store's three write transactions (better-sqlite3 is
 * synchronous, so the time from call to settled promise is the time the event loop was blocked).
 */
function timeStore(store: Store): Record<'appendHooks' | 'claimHooks' | 'saveResolutions', CallStats> {
  const stats = {
    appendHooks: { calls: 0, hooks: 0, ms: 0, maxMs: 0 },
    claimHooks: { calls: 0, hooks: 0, ms: 0, maxMs: 0 },
    saveResolutions: { calls: 0, hooks: 0, ms: 0, maxMs: 0 },
  };
  const record = (s: CallStats, hooks: number, started: number) => {
    const ms = performance.now() - started;
    s.calls += 1;
    s.hooks += hooks;
    s.ms += ms;
    s.maxMs = Math.max(s.maxMs, ms);
  };
  const { appendHooks, claimHooks, saveResolutions } = store;
  store.appendHooks = async (hooks, now, lease) => {
    const started = performance.now();
    const ids = await appendHooks.call(store, hooks, now, lease);
    record(stats.appendHooks, ids.length, started);
    return ids;
  };
  store.claimHooks = async (...args) => {
    const started = performance.now();
    const claimed = await claimHooks.apply(store, args);
    if (claimed.length > 0) record(stats.claimHooks, claimed.length, started);
    return claimed;
  };
  store.saveResolutions = async (worker, resolutions, now) => {
    const started = performance.now();
    const saved = await saveResolutions.call(store, worker, resolutions, now);
    record(stats.saveResolutions, resolutions.length, started);
    return saved;
  };
  return stats;
}

const [configFile, dataDir, databaseUrl] = process.argv.slice(2);
if (!configFile || !dataDir) {
  process.stderr.write('usage: hub-server.ts <config.yaml> <data dir>\n');
  process.exit(2);
}

const config = loadConfigFile(configFile);
// As hookyard serve opens it.
const store = await openStore({ dataDir, durability: config.store.durability, ...(databaseUrl ? { url: databaseUrl } : {}) });
// Diagnostics only (see bench/README.md): BENCH_HUB_LOGGER=0 runs without the JSON logger,
// BENCH_HUB_RESOLVE=0 without the resolver worker; the defaults are what `hookyard serve` runs.
const hub = await createHub({
  config,
  store,
  logger: process.env.BENCH_HUB_LOGGER !== '0',
  workers: process.env.BENCH_HUB_RESOLVE !== '0',
});
const stats = process.env.BENCH_HUB_STATS === '1' ? timeStore(store) : null;
const address = await hub.listen(0, '127.0.0.1');
const port = Number(new URL(address).port);
process.stdout.write(`${JSON.stringify({ bench: 'ready', server: 'hookyard', port, durability: config.store.durability, store: store.kind })}\n`);

process.once('SIGTERM', () => {
  hub.close().then(
    () => {
      if (stats) process.stdout.write(`${JSON.stringify({ bench: 'stats', ...stats })}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`hub-server: error while closing: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
});
