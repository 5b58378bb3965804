/**
 * The engine part of `npm run bench`: hookyard carrying transfers through an integration that
 * answers in-process (bench/engine-hub.ts), beside graphile-worker running as many no-op jobs on
 * the local PostgreSQL (bench/engine-graphile.ts), with the same concurrency. Each runs in its own
 * child process; the PostgreSQL database is made for this run and dropped after it (also on
 * failure and Ctrl-C, through dropBenchDatabase).
 */
import { join } from 'node:path';
import pg from 'pg';
import { runScript } from './children.js';

export interface EngineSettings {
  tmp: string;
  transfers: number;
  concurrency: number;
  /** postgres://… of the server; the bench database is made on it. */
  postgresUrl: string;
  graphileModes: Array<'batched' | 'plain'>;
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

/** hookyard first, then graphile-worker in each mode; the first mode is the one engine_ratio uses. */
export async function runEngine(settings: EngineSettings): Promise<{ hookyard: EngineFigure; graphile: EngineFigure[] }> {
  const hookyard = await hookyardFigure(settings);
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
