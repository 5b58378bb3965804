/**
 * The engine part of `npm run bench`: hookyard carrying transfers through an integration that
 * answers in-process (bench/engine-hub.ts), beside graphile-worker running as many no-op jobs on
 * the local PostgreSQL (bench/engine-graphile.ts), with the same concurrency. Each runs in its own
 * child process; the PostgreSQL database is made for this run and dropped after it (also on
 * failure and Ctrl-C, through dropBenchDatabase).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runScript } from './children.js';
import { DatabaseCpu } from './pg-cpu.js';

export interface EngineSettings {
  tmp: string;
  transfers: number;
  concurrency: number;
  /** postgres://… of the server; the bench database is made on it. */
  postgresUrl: string;
  graphileModes: Array<'batched' | 'plain'>;
  /** hookyard on PostgreSQL with this many worker processes each (none: on SQLite, one process). */
  postgresWorkers: number[];
  progress: (text: string) => void;
}

export interface EngineFigure {
  label: string;
  /** Transfers or jobs. */
  units: number;
  seconds: number;
  perSecond: number;
  /** CPU of every process doing the work, µs per transfer or job. */
  cpuUsPerUnit: number;
  /** How that CPU splits (e.g. worker / database), µs per unit. */
  cpuParts: Record<string, number>;
  problem: string | null;
}

const benchDatabase = `hookyard_bench_${process.pid}`;
let databaseMade = false;

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The URL of the bench database on the server `postgresUrl` names. */
function databaseUrl(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${benchDatabase}`;
  return url.toString();
}

async function makeBenchDatabase(postgresUrl: string): Promise<string> {
  await admin(postgresUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${benchDatabase}`);
  });
  databaseMade = true;
  return databaseUrl(postgresUrl);
}

/** Drops the bench database if this process made it; safe to call more than once. */
export async function dropBenchDatabase(postgresUrl: string): Promise<void> {
  if (!databaseMade) return;
  await admin(postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`));
  databaseMade = false;
}

/** Runs a bench child to its end; its {"bench":…} JSON lines become progress, the `done` one is returned. */
async function runMeasured(script: string, args: string[], label: string, progress: (text: string) => void): Promise<Record<string, unknown>> {
  let done = null as Record<string, unknown> | null;
  const run = await runScript(script, args, (line, stream) => {
    if (stream === 'stdout' && line.startsWith('{"bench"')) {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.phase === 'progress') progress(`${label}: ${message.done} of ${message.total}`);
      else if (message.phase === 'queued') progress(`${label}: queued, running`);
      else if (message.phase === 'done') done = message;
    }
  });
  if (!done || run.code !== 0) {
    throw new Error(`${label} ended (${run.signal ?? `code ${run.code}`}) without a result:\n    ${run.stderrTail.join('\n    ')}`);
  }
  return done;
}

async function hookyardFigure(settings: EngineSettings): Promise<EngineFigure> {
  const label = `hookyard, ${settings.transfers} transfers`;
  settings.progress(`${label}: receiving and resolving the hooks`);
  const done = await runMeasured('engine-hub.ts', [join(settings.tmp, 'engine'), String(settings.transfers), String(settings.concurrency)], label, settings.progress);
  const seconds = done.seconds as number;
  const cpuMs = done.cpuMs as number;
  const statuses = done.statuses as Record<string, number>;
  const succeeded = statuses.succeeded ?? 0;
  return {
    label: `hookyard (in-process integration, SQLite, durability full)`,
    units: settings.transfers,
    seconds,
    perSecond: settings.transfers / seconds,
    cpuUsPerUnit: (1000 * cpuMs) / settings.transfers,
    cpuParts: { hub: (1000 * cpuMs) / settings.transfers },
    problem:
      succeeded === settings.transfers
        ? null
        : `hookyard engine: ${succeeded} of ${settings.transfers} transfers succeeded (${Object.entries(statuses).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ')})`,
  };
}

async function graphileFigure(settings: EngineSettings, url: string, mode: 'batched' | 'plain'): Promise<EngineFigure> {
  const label = `graphile-worker (${mode}), ${settings.transfers} no-op jobs`;
  settings.progress(`${label}: adding the jobs`);
  const done = await runMeasured('engine-graphile.ts', [url, String(settings.transfers), String(settings.concurrency), mode], label, settings.progress);
  const seconds = done.seconds as number;
  const worker = done.workerCpuMs as number;
  const database = done.databaseCpuMs as number;
  const jobs = settings.transfers;
  return {
    label: `graphile-worker 0.17, ${mode === 'batched' ? 'batching on (localQueue, completeJobBatchDelay 0)' : 'default settings'}`,
    units: jobs,
    seconds,
    perSecond: jobs / seconds,
    cpuUsPerUnit: (1000 * (worker + database)) / jobs,
    cpuParts: { worker: (1000 * worker) / jobs, database: (1000 * database) / jobs },
    problem: done.succeeded === jobs ? null : `graphile-worker (${mode}): ${done.succeeded} of ${jobs} jobs succeeded, ${done.failed} failed`,
  };
}

/**
 * hookyard on PostgreSQL (`--postgres`): one process receives and resolves the hooks; then
 * `workers` processes, started together, run the transfers until the store counts them all
 * settled. Time: from the first worker's start to the last one's end. CPU: the workers' own and
 * the database's (its backends and background processes), from /proc.
 */
async function postgresFigure(settings: EngineSettings, workers: number): Promise<EngineFigure> {
  const label = `hookyard on PostgreSQL, ${workers} worker process${workers === 1 ? '' : 'es'}`;
  const url = await makeBenchDatabase(settings.postgresUrl);
  const dir = join(settings.tmp, `engine-postgres-${workers}`);
  const base = [String(settings.transfers), String(settings.concurrency)];
  settings.progress(`${label}: receiving and resolving the hooks`);
  await runMeasured('engine-hub.ts', [join(dir, 'prepare'), ...base, 'prepare', url], label, settings.progress);
  const goFile = join(dir, 'go');
  let ready = 0;
  let allReady: () => void = () => {};
  const readyAll = new Promise<void>((resolve) => (allReady = resolve));
  const runs = Array.from({ length: workers }, (_, i) => {
    let done = null as Record<string, unknown> | null;
    const run = runScript('engine-hub.ts', [join(dir, `worker-${i + 1}`), ...base, 'work', url, goFile], (line, stream) => {
      if (stream !== 'stdout' || !line.startsWith('{"bench"')) return;
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.phase === 'ready' && ++ready === workers) allReady();
      else if (message.phase === 'progress' && i === 0) settings.progress(`${label}: running`);
      else if (message.phase === 'done') done = message;
    });
    return run.then((result) => {
      if (!done || result.code !== 0) throw new Error(`${label}, worker ${i + 1} ended (${result.signal ?? `code ${result.code}`}) without a result:\n    ${result.stderrTail.join('\n    ')}`);
      return done;
    });
  });
  await Promise.race([readyAll, Promise.all(runs)]);
  const database = await DatabaseCpu.open(url);
  try {
    const before = await database.sample();
    writeFileSync(goFile, 'go\n');
    const done = await Promise.all(runs);
    const databaseMs = DatabaseCpu.between(before, await database.sample());
    const seconds = (Math.max(...done.map((d) => d.endedAt as number)) - Math.min(...done.map((d) => d.startedAt as number))) / 1000;
    const workerMs = done.reduce((sum, d) => sum + (d.cpuMs as number), 0);
    const statuses = done[0]!.statuses as Record<string, number>;
    const succeeded = statuses.succeeded ?? 0;
    const n = settings.transfers;
    return {
      label,
      units: n,
      seconds,
      perSecond: n / seconds,
      cpuUsPerUnit: (1000 * (workerMs + databaseMs)) / n,
      cpuParts: { workers: (1000 * workerMs) / n, database: (1000 * databaseMs) / n },
      problem: succeeded === n ? null : `${label}: ${succeeded} of ${n} transfers succeeded (${Object.entries(statuses).filter(([, k]) => k > 0).map(([s, k]) => `${s} ${k}`).join(', ')})`,
    };
  } finally {
    await database.close();
    await dropBenchDatabase(settings.postgresUrl);
  }
}

/**
 * hookyard first (on SQLite, or on PostgreSQL with each number of worker processes asked), then
 * graphile-worker in each mode; engine_ratio uses hookyard's first figure and the first mode.
 */
export async function runEngine(settings: EngineSettings): Promise<{ hookyard: EngineFigure[]; graphile: EngineFigure[] }> {
  const hookyard: EngineFigure[] = [];
  if (settings.postgresWorkers.length === 0) hookyard.push(await hookyardFigure(settings));
  for (const workers of settings.postgresWorkers) hookyard.push(await postgresFigure(settings, workers));
  const graphile: EngineFigure[] = [];
  if (settings.graphileModes.length > 0) {
    const url = await makeBenchDatabase(settings.postgresUrl);
    try {
      for (const mode of settings.graphileModes) {
        // A fresh database for each: the jobs table of the one before would weigh on the next.
        if (graphile.length > 0) await makeBenchDatabase(settings.postgresUrl);
        graphile.push(await graphileFigure(settings, url, mode));
      }
    } finally {
      await dropBenchDatabase(settings.postgresUrl);
    }
  }
  return { hookyard, graphile };
}
