/**
 * `npm run bench`: everything side by side in one run, ending with one line scripts can read:
 *
 *   summary ingest_cpu_ratio=… ingest_rps_ratio=… engine_ratio=… coalescing_reads=… claim_ms_10k=… claim_ms_1m=…
 *
 * 1. ingest (bench/ingest.ts): bare node:http and hookyard under wrk, interleaved rounds, medians;
 *    CPU µs per answered hook from /proc is the primary figure.
 * 2. engine (bench/engine.ts): hookyard transfers through an in-process integration beside
 *    graphile-worker no-op jobs on the local PostgreSQL.
 * 3. claims and coalescing: bench/claims.ts and bench/coalescing.ts as child processes; their
 *    last line `result key=value …` goes into the summary.
 *
 * Every setting is an environment variable (BENCH_ONLY, BENCH_DURATION, …): see bench/README.md.
 * Children, temp directories and the bench database are removed at the end, on failure and on
 * Ctrl-C. Exit code 1 when a hook stored ≠ answered, a non-2xx answer, an error, or a part failed.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { benchDir, runScript, stopAll } from './children.js';
import { dropBenchDatabase, runEngine, type EngineFigure } from './engine.js';
import { cpuUsPerHook, problemsOf, runIngest, type Stage } from './ingest.js';
import { BODY, HEADERS, HOOK_PATH } from './load.js';
import { formatSummary, formatValue, median, resultOf, type Summary } from './summary.js';
import { WRK, wrkAvailable, wrkScript } from './wrk.js';

// ---------------------------------------------------------------------------------------------
// Settings

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name}=${raw}: expected a number ≥ ${min}`);
  return value;
}

function envChoice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!choices.includes(raw as T)) throw new Error(`${name}=${raw}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

function envList<T extends string>(name: string, fallback: readonly T[], choices: readonly T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const unknown = items.filter((item) => !choices.includes(item as T));
  if (unknown.length > 0 || items.length === 0) throw new Error(`${name}=${raw}: expected a comma-separated list of ${choices.join(', ')}`);
  return [...new Set(items as T[])];
}

const PARTS = ['ingest', 'engine', 'claims', 'coalescing'] as const;
type Part = (typeof PARTS)[number];

/**
 * `npm run bench -- --postgres`: hookyard on PostgreSQL — ingest beside the bare ceiling, and the
 * engine with 1 and 3 worker processes beside graphile-worker on the same server. The claims and
 * coalescing parts are SQLite's; they run only when BENCH_ONLY asks for them.
 */
const ON_POSTGRES = process.argv.slice(2).includes('--postgres');
const unknownArgs = process.argv.slice(2).filter((arg) => arg !== '--postgres');
if (unknownArgs.length > 0) {
  process.stderr.write(`bench: unknown argument ${unknownArgs.join(' ')} (the only one is --postgres; settings are BENCH_* variables, see bench/README.md)\n`);
  process.exit(2);
}
const ONLY = envList<Part>('BENCH_ONLY', ON_POSTGRES ? ['ingest', 'engine'] : PARTS, PARTS);
const POSTGRES_WORKERS = ON_POSTGRES ? [1, 3] : [];
const DURATION_S = envNumber('BENCH_DURATION', 10, 1);
const WARMUP_S = envNumber('BENCH_WARMUP', 2, 0);
const ROUNDS = Math.floor(envNumber('BENCH_ROUNDS', 3, 1));
const WRK_THREADS = Math.floor(envNumber('BENCH_WRK_THREADS', 1, 1));
const CONNECTIONS_ASKED = Math.floor(envNumber('BENCH_CONNECTIONS', 100, 1));
const LOADGEN = envChoice<'wrk' | 'autocannon'>('BENCH_LOADGEN', 'wrk', ['wrk', 'autocannon']);
const DURABILITY = envChoice<'full' | 'normal'>('BENCH_DURABILITY', 'full', ['full', 'normal']);
const NAIVE = process.env.BENCH_NAIVE === '1';
const SKELETON = process.env.BENCH_SKELETON === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolvePath(process.env.BENCH_CPU_PROF) : null;
const RESOLVE_LIMIT_S = envNumber('BENCH_RESOLVE_LIMIT', 120, 1);
const ENGINE_TRANSFERS = 2 * Math.ceil(envNumber('BENCH_ENGINE_TRANSFERS', 20_000, 2) / 2);
const ENGINE_CONCURRENCY = Math.floor(envNumber('BENCH_ENGINE_CONCURRENCY', 8, 1));
const GRAPHILE_MODES =
  process.env.BENCH_GRAPHILE === 'none' ? [] : envList<'batched' | 'plain'>('BENCH_GRAPHILE', ['plain', 'batched'], ['batched', 'plain']);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Per-request timeout, s. */
const REQUEST_TIMEOUT_S = 10;
/** How long a drain may take before the run is cut (in-flight requests then count as lost). */
const DRAIN_LIMIT_S = 15;

// ---------------------------------------------------------------------------------------------
// Progress: one line rewritten in place on a terminal; otherwise a line when the step changes or
// every 5 s.

const tty = process.stderr.isTTY === true;
let progressShown = false;
let lastProgress = { step: '', at: 0 };

function progress(text: string): void {
  if (tty) {
    process.stderr.write(`\r\x1b[K  … ${text}`);
    progressShown = true;
    return;
  }
  const step = text.split(':')[0]!;
  const now = Date.now();
  if (step === lastProgress.step && now - lastProgress.at < 5_000) return;
  lastProgress = { step, at: now };
  process.stderr.write(`  … ${text}\n`);
}

function endProgress(): void {
  if (progressShown) process.stderr.write('\r\x1b[K');
  progressShown = false;
  lastProgress = { step: '', at: 0 };
}

// ---------------------------------------------------------------------------------------------
// Tables

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

function ingestTable(stages: Stage[]): string {
  const head = ['round', 'server', 'hooks/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx', 'errors', 'server CPU', 'CPU µs/hook'];
  const rows = stages.map(({ round, label, measured: m }) => {
    const perHook = cpuUsPerHook(m);
    return [
      String(round),
      label,
      m.rps.toFixed(0),
      m.p50.toFixed(1),
      m.p99.toFixed(1),
      m.max.toFixed(1),
      String(m.ok),
      String(m.non2xx),
      String(m.errors + m.lost),
      m.serverCpuMs === null ? 'n/a' : `${((100 * m.serverCpuMs) / 1000 / m.seconds).toFixed(0)}%`,
      perHook === null ? 'n/a' : perHook.toFixed(1),
    ];
  });
  return table(head, rows);
}

interface IngestMedians {
  label: string;
  rps: number;
  cpuUsPerHook: number | null;
  threads: Array<[string, number]>;
}

function mediansOf(stages: Stage[], server: Stage['server']): IngestMedians | null {
  const mine = stages.filter((s) => s.server === server);
  if (mine.length === 0) return null;
  const perHook = mine.map((s) => cpuUsPerHook(s.measured));
  const names = new Set(mine.flatMap((s) => [...s.measured.threadCpuMs.keys()]));
  const threads: Array<[string, number]> = [...names].map((name) => [
    name,
    median(mine.map((s) => (1000 * (s.measured.threadCpuMs.get(name) ?? 0)) / Math.max(1, s.measured.ok))),
  ]);
  threads.sort((a, b) => b[1] - a[1]);
  return {
    label: mine[0]!.label,
    rps: median(mine.map((s) => s.measured.rps)),
    cpuUsPerHook: perHook.every((v) => v !== null) ? median(perHook as number[]) : null,
    threads,
  };
}

function engineTable(figures: EngineFigure[]): string {
  const head = ['engine', 'units', 'seconds', 'per second', 'CPU µs/unit', 'of which'];
  const rows = figures.map((f) => [
    f.label,
    String(f.units),
    f.seconds.toFixed(1),
    f.perSecond.toFixed(0),
    f.cpuUsPerUnit.toFixed(0),
    Object.entries(f.cpuParts).map(([part, us]) => `${part} ${us.toFixed(0)}`).join(', '),
  ]);
  return table(head, rows);
}

// ---------------------------------------------------------------------------------------------
// Sub-benches written as their own scripts

async function subBench(name: 'claims' | 'coalescing', keys: string[], problems: string[]): Promise<Record<string, number>> {
  const script = `${name}.ts`;
  if (!existsSync(join(benchDir, script))) {
    console.log(`note: bench/${script} does not exist in this tree: ${keys.join(', ')} n/a`);
    return {};
  }
  console.log(`\n== ${name} (bench/${script})`);
  const run = await runScript(script, [], (line) => console.log(`  ${name} │ ${line}`));
  const result = resultOf(run.stdout);
  if (run.code !== 0) problems.push(`bench/${script} exited with ${run.signal ?? `code ${run.code}`}`);
  if (!result) {
    problems.push(`bench/${script} printed no "result key=value …" line`);
    return {};
  }
  const missing = keys.filter((key) => result[key] === undefined);
  if (missing.length > 0) console.log(`note: bench/${script} gave no ${missing.join(', ')}`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Main

let tmp: string | null = null;
/** Ctrl-C or SIGTERM: what the parts still report is not printed. */
let interrupted = false;
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    endProgress();
    await stopAll();
    await dropBenchDatabase(POSTGRES_URL).catch((error: Error) => console.error(`note: could not drop the bench database: ${error.message}`));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the children, removing the temp directory and the bench database`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  tmp = await mkdtemp(join(tmpdir(), 'hookyard-bench-'));
  if (CPU_PROF_DIR) await mkdir(CPU_PROF_DIR, { recursive: true });
  const loadBefore = loadavg()[0]!;
  const summary: Summary = {};
  const problems: string[] = [];
  console.log(`hookyard bench — node ${process.version}, ${cpus().length} CPUs; parts: ${ONLY.join(', ')}`);

  if (ONLY.includes('ingest')) {
    let wrkScriptFile: string | null = null;
    if (LOADGEN === 'wrk' && wrkAvailable()) {
      wrkScriptFile = join(tmp, 'hook.lua');
      await writeFile(wrkScriptFile, wrkScript({ method: 'POST', path: HOOK_PATH, headers: HEADERS, body: BODY }));
    } else if (LOADGEN === 'wrk') {
      console.log(`note: ${WRK} not found (Debian: apt-get install wrk); load from autocannon instead, which stalls near 3,000 requests/s on a small machine, so the ratios are lower than with wrk`);
    }
    const threads = wrkScriptFile ? Math.min(WRK_THREADS, CONNECTIONS_ASKED) : 1;
    const connections = Math.max(threads, CONNECTIONS_ASKED - (CONNECTIONS_ASKED % threads)); // wrk splits them evenly
    console.log(
      `\n== ingest: ${wrkScriptFile ? `wrk (${threads} thread${threads === 1 ? '' : 's'})` : 'autocannon'}, ${connections} connections, ` +
        `POST ${HOOK_PATH} with a ${Buffer.byteLength(BODY)}-byte product hook; ${ROUNDS} interleaved rounds of ` +
        `${WARMUP_S} s warm-up (not counted) + ${DURATION_S} s measured per server; hookyard durability ${DURABILITY}`,
    );
    const stages = await runIngest({
      tmp,
      connections,
      threads,
      wrkScript: wrkScriptFile,
      timeoutS: REQUEST_TIMEOUT_S,
      drainLimitS: DRAIN_LIMIT_S,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      rounds: ROUNDS,
      durability: DURABILITY,
      naive: NAIVE,
      skeleton: SKELETON,
      postgresUrl: ON_POSTGRES ? POSTGRES_URL : null,
      cpuProfDir: CPU_PROF_DIR,
      resolveLimitS: RESOLVE_LIMIT_S,
      progress,
    });
    endProgress();
    console.log(ingestTable(stages));
    console.log('hookyard rows: CPU from the start of the load until every hook taken in was resolved.');
    for (const stage of stages) if (stage.check) console.log(stage.check.line);
    for (const stage of stages) if (stage.check) console.log(stage.check.resolverLine);
    for (const stage of stages) for (const line of stage.storeLines ?? []) console.log(line);
    for (const stage of stages) {
      if (stage.databaseUsPerHook !== undefined) {
        console.log(`database CPU, round ${stage.round}: ${stage.databaseUsPerHook.toFixed(1)} µs per hook taken (PostgreSQL backends and background processes, warm-up and measured run together; not in the table's server CPU)`);
      }
    }
    if (CPU_PROF_DIR) console.log(`cpu profiles of the hookyard children: ${CPU_PROF_DIR}`);
    problems.push(...stages.flatMap((stage) => problemsOf(stage, DRAIN_LIMIT_S)));

    const bare = mediansOf(stages, 'bare')!;
    const hub = mediansOf(stages, 'hookyard')!;
    const naive = mediansOf(stages, 'naive');
    const skeleton = mediansOf(stages, 'skeleton');
    console.log(`\nmedians of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}:`);
    console.log(
      table(
        ['server', 'hooks/s', 'CPU µs/hook', 'CPU ratio to bare', 'hooks/s ratio to bare'],
        [bare, ...(naive ? [naive] : []), ...(skeleton ? [skeleton] : []), hub].map((m) => [
          m.label,
          m.rps.toFixed(0),
          m.cpuUsPerHook === null ? 'n/a' : m.cpuUsPerHook.toFixed(1),
          m.cpuUsPerHook === null || bare.cpuUsPerHook === null ? 'n/a' : (bare.cpuUsPerHook / m.cpuUsPerHook).toFixed(2),
          (m.rps / bare.rps).toFixed(2),
        ]),
      ),
    );
    for (const m of [bare, hub]) {
      console.log(`CPU by thread, ${m.label} (µs/hook, median): ${m.threads.filter(([, us]) => us >= 0.05).map(([name, us]) => `${name} ${us.toFixed(1)}`).join(', ') || 'n/a'}`);
    }
    // Each round measures bare and hookyard back to back: the ratios are taken per round and their
    // median reported, so that a round in which the machine was busier weighs on both sides alike.
    const paired = (round: number) => ({
      bare: stages.find((s) => s.round === round && s.server === 'bare')!,
      hub: stages.find((s) => s.round === round && s.server === 'hookyard')!,
    });
    const rounds = [...new Set(stages.map((s) => s.round))].map(paired);
    const cpuRatios = rounds
      .map(({ bare: b, hub: h }) => [cpuUsPerHook(b.measured), cpuUsPerHook(h.measured)] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== null && pair[1] !== null)
      .map(([b, h]) => b / h);
    const rpsRatios = rounds.map(({ bare: b, hub: h }) => h.measured.rps / b.measured.rps);
    console.log(`ratios per round (bare ÷ hookyard CPU per hook; hookyard ÷ bare hooks/s): ${rounds.map((_, i) => `${cpuRatios[i]?.toFixed(3) ?? 'n/a'} / ${rpsRatios[i]!.toFixed(3)}`).join(', ')}; the summary takes their medians`);
    if (cpuRatios.length > 0) summary.ingest_cpu_ratio = median(cpuRatios);
    summary.ingest_rps_ratio = median(rpsRatios);
  }

  if (ONLY.includes('engine')) {
    console.log(
      `\n== engine: ${ENGINE_TRANSFERS} transfers (${ENGINE_TRANSFERS / 2} records, each to the hub and out to one destination) ` +
        `vs ${ENGINE_TRANSFERS} graphile-worker no-op jobs; concurrency ${ENGINE_CONCURRENCY} for both`,
    );
    const { hookyard, graphile } = await runEngine({
      tmp,
      transfers: ENGINE_TRANSFERS,
      concurrency: ENGINE_CONCURRENCY,
      postgresUrl: POSTGRES_URL,
      graphileModes: GRAPHILE_MODES,
      postgresWorkers: POSTGRES_WORKERS,
      progress,
    });
    endProgress();
    console.log(engineTable([...hookyard, ...graphile]));
    console.log(
      ON_POSTGRES
        ? 'CPU: hookyard = its worker processes + the PostgreSQL backends and background processes; graphile-worker = the same for its worker.'
        : 'CPU: hookyard = the hub process; graphile-worker = the worker process + the PostgreSQL backends and background processes.',
    );
    for (const figure of [...hookyard, ...graphile]) if (figure.problem) problems.push(figure.problem);
    // The first mode is the reference (graphile-worker as installed, unless BENCH_GRAPHILE says
    // otherwise), against hookyard's first figure (one process); every other pair is shown beside it.
    for (const [h, mine] of hookyard.entries()) {
      for (const [i, figure] of graphile.entries()) {
        const ratio = mine.perSecond / figure.perSecond;
        if (h === 0 && i === 0) summary.engine_ratio = ratio;
        console.log(`${h === 0 && i === 0 ? 'engine_ratio' : 'beside it:  '} = ${mine.label} transfers/s ÷ ${figure.label} jobs/s = ${formatValue(ratio)}`);
      }
    }
  }

  if (ONLY.includes('claims')) Object.assign(summary, pick(await subBench('claims', ['claim_ms_10k', 'claim_ms_1m'], problems), ['claim_ms_10k', 'claim_ms_1m']));
  if (ONLY.includes('coalescing')) Object.assign(summary, pick(await subBench('coalescing', ['coalescing_reads'], problems), ['coalescing_reads']));

  console.log('');
  if (loadBefore > 0.5) {
    console.log(
      `note: the 1-minute load average was ${loadBefore.toFixed(2)} before the run: other processes share the ${cpus().length} CPUs, ` +
        'so rates and their ratios are noisy; CPU per hook is the steadier figure',
    );
  }
  if (interrupted) return 130;
  for (const problem of problems) console.log(`PROBLEM: ${problem}`);
  console.log(formatSummary(summary));
  return problems.length > 0 ? 1 : 0;
}

function pick(values: Record<string, number>, keys: Array<keyof Summary>): Summary {
  const picked: Summary = {};
  for (const key of keys) if (values[key] !== undefined) picked[key] = values[key];
  return picked;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  endProgress();
  if (!interrupted) console.error(`\nbench failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
