/**
 * The ingest part of `npm run bench`: a bare node:http server (the ceiling of this runtime) and
 * hookyard (whole pipeline: ingest and resolution) under the same load, in interleaved rounds
 * (bare, hookyard, bare, hookyard, …), each server a fresh child process.
 *
 * For hookyard the CPU window runs from the start of the load until every hook taken in is
 * resolved, and after each round the hooks stored must equal the 2xx answers (a 202 means
 * committed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DatabaseCpu } from './pg-cpu.js';
import { startServer, stopServer, type Child } from './children.js';
import { drive, preflight, SHOP_KEY, type LoadSettings, type Measured } from './load.js';

export interface IngestSettings extends LoadSettings {
  tmp: string;
  durationS: number;
  warmupS: number;
  rounds: number;
  durability: 'full' | 'normal';
  naive: boolean;
  skeleton: boolean;
  cpuProfDir: string | null;
  /** postgres:// of a server: hookyard runs on PostgreSQL, a fresh database each round (`--postgres`). */
  postgresUrl: string | null;
  /** How long hookyard may take to resolve what it took in, after the load, s. */
  resolveLimitS: number;
  progress: (text: string) => void;
}

export interface Stage {
  server: 'bare' | 'hookyard' | 'naive' | 'skeleton';
  label: string;
  round: number;
  measured: Measured;
  warmup: Measured | null;
  /** hookyard only: the stored-hooks check and the resolver's progress. */
  check?: { ok: boolean; line: string; resolverLine: string };
  /** hookyard with BENCH_HUB_STATS=1: time in the store's write transactions. */
  storeLines?: string[];
  /** hookyard on PostgreSQL: the database's CPU per hook taken (warm-up and measured run together). */
  databaseUsPerHook?: number;
}

function hubConfigYaml(durability: 'full' | 'normal'): string {
  return [
    '# written by bench/ingest.ts',
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

/** Waits until the hub has no hook left to resolve (or `limitS` has passed); polls /readyz every 200 ms. */
async function resolved(port: number, limitS: number): Promise<void> {
  const until = Date.now() + limitS * 1000;
  for (;;) {
    const ready = (await getJson(`http://127.0.0.1:${port}/readyz`)) as { counts: { hooks: Record<string, number> } };
    if ((ready.counts.hooks.received ?? 0) === 0 || Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function warmAndMeasure(settings: IngestSettings, label: string, child: Child, settle?: () => Promise<void>): Promise<Pick<Stage, 'warmup' | 'measured'>> {
  const { port } = child;
  const pid = child.process.pid;
  await preflight(port);
  settings.progress(`${label}: warm-up ${settings.warmupS} s`);
  const warmup = settings.warmupS > 0 ? await drive(settings, port, settings.warmupS, pid, settle) : null;
  settings.progress(`${label}: measuring ${settings.durationS} s${settle ? ', then until every hook is resolved' : ''}`);
  const measured = await drive(settings, port, settings.durationS, pid, settle);
  return { warmup, measured };
}

async function bareStage(settings: IngestSettings, round: number): Promise<Stage> {
  const label = 'bare node:http';
  const child = await startServer(label, 'bare-server.ts', []);
  try {
    return { server: 'bare', label, round, ...(await warmAndMeasure(settings, `round ${round}, ${label}`, child)) };
  } finally {
    await stopServer(child);
  }
}

/** BENCH_NAIVE=1: one INSERT per request on node:http, the reference point for group commit. */
async function naiveStage(settings: IngestSettings, round: number): Promise<Stage> {
  const label = `naive insert-per-request (${settings.durability})`;
  const data = join(settings.tmp, `data-naive-${round}`);
  await mkdir(data, { recursive: true });
  const child = await startServer(label, 'naive-server.ts', [data, settings.durability]);
  try {
    return { server: 'naive', label, round, ...(await warmAndMeasure(settings, `round ${round}, ${label}`, child)) };
  } finally {
    await stopServer(child);
  }
}

/** BENCH_SKELETON=1: hookyard's design with nothing else (skeleton-server.ts), the floor of the ingest ratio. */
async function skeletonStage(settings: IngestSettings, round: number): Promise<Stage> {
  const label = `skeleton: group commit + resolution pass (${settings.durability})`;
  const data = join(settings.tmp, `data-skeleton-${round}`);
  await mkdir(data, { recursive: true });
  const child = await startServer(label, 'skeleton-server.ts', [data, settings.durability]);
  try {
    return { server: 'skeleton', label, round, ...(await warmAndMeasure(settings, `round ${round}, ${label}`, child)) };
  } finally {
    await stopServer(child);
  }
}

/** A fresh database on the server for a round on PostgreSQL; dropped by the returned function. */
async function roundDatabase(serverUrl: string, round: number): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hookyard_bench_ingest_${process.pid}_${round}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function hookyardStage(settings: IngestSettings, round: number): Promise<Stage> {
  if (settings.postgresUrl === null) return hookyardRound(settings, round, null);
  const database = await roundDatabase(settings.postgresUrl, round);
  try {
    return await hookyardRound(settings, round, database.url);
  } finally {
    await database.drop();
  }
}

async function hookyardRound(settings: IngestSettings, round: number, databaseUrl: string | null): Promise<Stage> {
  const label = databaseUrl ? `hookyard on PostgreSQL (durability=${settings.durability})` : `hookyard (durability=${settings.durability})`;
  const config = join(settings.tmp, `hookyard-${round}.yaml`);
  const data = join(settings.tmp, `data-hookyard-${round}`);
  await writeFile(config, hubConfigYaml(settings.durability));
  await mkdir(data, { recursive: true });
  // One folder per run: node writes one profile per thread (tsx's loader has its own); the
  // largest file is the main thread's.
  const profDir = settings.cpuProfDir ? join(settings.cpuProfDir, `hookyard-round-${round}`) : null;
  const execArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const child = await startServer(label, 'hub-server.ts', databaseUrl ? [config, data, databaseUrl] : [config, data], execArgv);
  const databaseCpu = databaseUrl ? await DatabaseCpu.open(databaseUrl) : null;
  try {
    const before = await stored(child.port); // the preflight hook is stored after this
    const settle = () => resolved(child.port, settings.resolveLimitS);
    const databaseBefore = await databaseCpu?.sample();
    const { warmup, measured } = await warmAndMeasure(settings, `round ${round}, ${label}`, child, settle);
    const databaseMs = databaseCpu && databaseBefore ? DatabaseCpu.between(databaseBefore, await databaseCpu.sample()) : null;
    const after = await stored(child.port);
    const answered = 1 + (warmup?.ok ?? 0) + measured.ok;
    const fresh = before.total === 0;
    const countOk = after.total - before.total === answered;
    // Ids are dense on SQLite; PostgreSQL's sequences may leave gaps, so the count alone is checked there.
    const idOk = !fresh || databaseUrl !== null || after.newestId === after.total;
    const unresolved = after.byStatus.received ?? 0;
    const ok = countOk && idOk && unresolved === 0;
    const line =
      `check round ${round}, ${label}: stored hooks ${after.total - before.total} ${countOk ? '=' : '≠'} 2xx answers ${answered} ` +
      `(preflight 1 + warm-up ${warmup?.ok ?? 0} + measured ${measured.ok}); newest id ${after.newestId ?? 'none'}` +
      `${idOk ? '' : ` ≠ ${after.total} rows`}; ${unresolved === 0 ? 'all resolved' : `${unresolved} not resolved after ${settings.resolveLimitS} s`} — ${ok ? 'OK' : 'FAILED'}`;
    const resolverLine =
      `resolver round ${round}, ${label}: ${after.total - unresolved} of ${after.total} stored hooks resolved ` +
      `(${Object.entries(after.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ')})`;
    await stopServer(child); // the child reports its stats as it exits
    const stats = child.messages.find((m) => m.bench === 'stats') as Record<string, StoreCallStats> | undefined;
    const storeLines = stats ? storeStatsLines(`round ${round}, ${label}`, stats) : undefined;
    const databaseUsPerHook = databaseMs === null ? undefined : (1000 * databaseMs) / Math.max(1, answered);
    return { server: 'hookyard', label, round, warmup, measured, check: { ok, line, resolverLine }, storeLines, ...(databaseUsPerHook !== undefined ? { databaseUsPerHook } : {}) };
  } finally {
    await databaseCpu?.close();
    await stopServer(child);
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

/** Every round: bare, [naive,] [skeleton,] hookyard, then again. */
export async function runIngest(settings: IngestSettings): Promise<Stage[]> {
  const stages: Stage[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    stages.push(await bareStage(settings, round));
    if (settings.naive) stages.push(await naiveStage(settings, round));
    if (settings.skeleton) stages.push(await skeletonStage(settings, round));
    stages.push(await hookyardStage(settings, round));
  }
  return stages;
}

/** CPU µs per answered hook; null when the CPU time could not be read. */
export function cpuUsPerHook(m: Measured): number | null {
  return m.serverCpuMs === null || m.ok === 0 ? null : (1000 * m.serverCpuMs) / m.ok;
}

export function problemsOf(stage: Stage, drainLimitS: number): string[] {
  const problems: string[] = [];
  const name = `round ${stage.round}, ${stage.label}`;
  for (const [phase, run] of [['warm-up', stage.warmup], ['measured', stage.measured]] as const) {
    if (!run) continue;
    if (run.non2xx > 0) {
      const codes = Object.entries(run.statusCodes).filter(([c]) => !c.startsWith('2')).map(([c, n]) => `${c}×${n}`).join(', ');
      problems.push(`${name}, ${phase}: ${run.non2xx} non-2xx answers (${codes})`);
    }
    if (run.errors > 0) problems.push(`${name}, ${phase}: ${run.errors} errors (${run.timeouts} timeouts)`);
    if (run.lost > 0) problems.push(`${name}, ${phase}: ${run.lost} requests never answered (drain cut after ${drainLimitS} s)`);
  }
  if (stage.check && !stage.check.ok) problems.push(stage.check.line);
  return problems;
}
