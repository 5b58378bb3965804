/**
 * The reference for the engine bench, for bench/run.ts: graphile-worker running no-op jobs on the
 * local PostgreSQL, in a database bench/run.ts created for this run (and drops afterwards).
 *
 * Usage: engine-graphile.ts <connection string> <jobs> <concurrency> [batched|plain]
 *
 * The jobs are added first (addJobs, 1,000 at a time), not measured; then the worker runs with
 * the given concurrency until every job has succeeded, with graphile-worker's documented batching
 * (`batched`, the default) or its default settings (`plain`). Measured: wall time from the first
 * job's start, this process's CPU (process.cpuUsage: every thread) and the CPU of the PostgreSQL processes that did the work —
 * the backends connected to this database and the server's background processes (WAL writer,
 * checkpointer, background writer, autovacuum) — from /proc/<pid>/stat. Progress and the result
 * are JSON lines with a "bench" key on stdout.
 */
import { EventEmitter } from 'node:events';
import { Logger, makeWorkerUtils, run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import { cpuMsOf } from './proc.js';

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'graphile', ...message })}\n`);
}

const [connectionString, jobsArg, concurrencyArg, batchingArg = 'batched'] = process.argv.slice(2);
/** graphile-worker's documented batching (worker.graphile.org/docs/performance#batching), unless `plain`. */
const batching = batchingArg !== 'plain';
/** Jobs the pool locks and fetches at once with batching on. */
const LOCAL_QUEUE = 100;
const jobs = Number(jobsArg);
const concurrency = Number(concurrencyArg);
if (!connectionString || !Number.isInteger(jobs) || jobs < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('usage: engine-graphile.ts <connection string> <jobs> <concurrency>\n');
  process.exit(2);
}

const logger = new Logger(() => () => {}); // quiet: graphile-worker logs each job start otherwise
const utils = await makeWorkerUtils({ connectionString, logger });
await utils.migrate();
for (let first = 0; first < jobs; first += 1_000) {
  const specs = [];
  for (let i = first; i < Math.min(jobs, first + 1_000); i++) specs.push({ identifier: 'noop', payload: { id: i } });
  await utils.addJobs(specs);
}
say({ phase: 'queued', jobs });

// The PostgreSQL processes that work for this run, seen from a connection of its own.
const monitor = new pg.Client({ connectionString });
await monitor.connect();
const database = (await monitor.query<{ db: string; me: number }>('SELECT current_database() AS db, pg_backend_pid() AS me')).rows[0]!;
async function databasePids(): Promise<number[]> {
  const { rows } = await monitor.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE pid <> $2
        AND (datname = $1 OR backend_type IN ('checkpointer', 'background writer', 'walwriter', 'autovacuum launcher'))`,
    [database.db, database.me],
  );
  return rows.map((row) => row.pid);
}
function cpuOf(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMsOf(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

const dbBefore = cpuOf(await databasePids());
const cpuBefore = process.cpuUsage();
// The clock starts with the first job, not with the pool's start-up (connecting, LISTEN, checking
// the schema: a second or more that is no part of running jobs); the CPU time counts it all.
let started = 0;
const events = new EventEmitter() as WorkerEvents;
events.once('job:start', () => (started = performance.now()));
let succeeded = 0;
let failed = 0;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => (finish = resolve));
const runner = await run({
  connectionString,
  concurrency,
  logger,
  noHandleSignals: true,
  events,
  pollInterval: 1_000,
  taskList: { noop: async () => {} },
  ...(batching
    ? { preset: { worker: { localQueue: { size: LOCAL_QUEUE }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } }
    : {}),
});
runner.events.on('job:success', () => {
  succeeded += 1;
  if (succeeded + failed >= jobs) finish();
});
runner.events.on('job:error', () => {
  failed += 1;
  if (succeeded + failed >= jobs) finish();
});
const progress = setInterval(() => say({ phase: 'progress', done: succeeded + failed, total: jobs }), 1_000);
process.once('SIGTERM', () => process.exit(143)); // stopped from outside: no result (bench/run.ts drops the database)
await finished;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// Backends that started during the run count from zero; the monitor's own is left out.
const dbAfter = cpuOf(await databasePids());
let databaseCpuMs = 0;
for (const [pid, ms] of dbAfter) databaseCpuMs += ms - (dbBefore.get(pid) ?? 0);
clearInterval(progress);
say({ phase: 'done', jobs, succeeded, failed, seconds, workerCpuMs: (cpu.user + cpu.system) / 1000, databaseCpuMs, databaseProcesses: dbAfter.size });
await runner.stop();
await monitor.end();
await utils.release();
process.exit(0);
