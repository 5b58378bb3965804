/**
 * Claims and counts against a large backlog: `node --import tsx bench/claims.ts`.
 *
 * One fresh store file in a temp directory. It is filled through the store's own enqueue
 * (`queueTransfers`, one transaction per batch) with runnable requests, one record each — what a
 * backlog looks like: the enqueue rule folds a second request for a waiting record into the first.
 * At 10,000 and then at 1,000,000 runnable requests it measures:
 *
 * - `claimTransfers(8)`: the median of CLAIMS claims (after WARMUP not counted), each followed by
 *   finishing what it took, so that every claim walks on past the requests the previous ones ended;
 * - `counts()` (behind /readyz and /metrics) and `waitingWork()` (backpressure, /metrics):
 *   the median of COUNTS calls.
 *
 * Prints a table, and as its last line `result claim_ms_10k=… claim_ms_1m=… counts_ms_1m=…`.
 * Environment: BENCH_CLAIMS_LARGE (default 1000000) and BENCH_CLAIMS_SMALL (default 10000) runnable
 * requests; BENCH_CLAIMS_KEEP=1 keeps the file and prints where it is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PlannedTransfer } from '../src/domain/types.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store, TransferOutcome } from '../src/store/store.js';

const SMALL = Number(process.env.BENCH_CLAIMS_SMALL ?? 10_000);
const LARGE = Number(process.env.BENCH_CLAIMS_LARGE ?? 1_000_000);
const KEEP = process.env.BENCH_CLAIMS_KEEP === '1';
const BATCH = 50_000; // requests per enqueue transaction
const WARMUP = 10; // claims not measured first at each size: the first reach pages the fill left on disk
const CLAIMS = 200; // claims measured per size
const COUNTS = 20; // counts() and waitingWork() calls measured per size
const LIMIT = 8; // what a worker asks for per claim
const LEASE_MS = 30_000;
const T0 = Date.UTC(2026, 0, 1);

const ok: TransferOutcome = { status: 'succeeded', reason: null, reasonCode: null, errorCode: null, error: null, runAt: null, hubId: null, resolvedBy: null };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A product/updated request for record `n`, as a manual sync or a resolved hook plans it. */
function planned(n: number): PlannedTransfer {
  return {
    seq: 0,
    trackingId: `bench-${n}`,
    connection: n % 2 ? 'shop' : 'erp',
    type: 'product',
    direction: 'to_hub',
    scope: 'product/updated',
    externalId: `P${n}`,
    requestType: 'standard',
    status: 'queued',
    reason: null,
    reasonCode: null,
    runAt: T0,
    origin: null,
  };
}

/** Enqueues requests for records [from, to) in transactions of BATCH, printing progress. */
async function fill(store: Store, from: number, to: number): Promise<void> {
  const started = performance.now();
  for (let at = from; at < to; at += BATCH) {
    const end = Math.min(to, at + BATCH);
    const batch: PlannedTransfer[] = [];
    for (let n = at; n < end; n++) batch.push(planned(n));
    const { queued } = await store.queueTransfers(batch, T0);
    if (queued !== batch.length) throw new Error(`expected ${batch.length} new requests, ${queued} were queued`);
    if (to - from > BATCH) {
      const s = (performance.now() - started) / 1000;
      process.stdout.write(`  filled ${end.toLocaleString('en')} / ${to.toLocaleString('en')} requests (${s.toFixed(1)} s)\n`);
    }
  }
}

interface Measured {
  runnable: number;
  claimMs: number;
  claimMaxMs: number;
  countsMs: number;
  waitingMs: number;
}

let clock = T0 + 1;

async function measure(store: Store, runnable: number): Promise<Measured> {
  const claims: number[] = [];
  for (let i = -WARMUP; i < CLAIMS; i++) {
    const now = ++clock;
    const t = performance.now();
    const claimed = await store.claimTransfers('bench', LIMIT, now, LEASE_MS);
    if (i >= 0) claims.push(performance.now() - t);
    if (claimed.length !== LIMIT) throw new Error(`claim ${i} took ${claimed.length} requests, expected ${LIMIT}`);
    for (const c of claimed) if (!(await store.finishTransfer(c.claim, ok, [], {}, ++clock))) throw new Error(`could not finish ${c.id}`);
  }
  const counts: number[] = [];
  const waiting: number[] = [];
  for (let i = 0; i < COUNTS; i++) {
    let t = performance.now();
    const c = await store.counts();
    counts.push(performance.now() - t);
    t = performance.now();
    const w = await store.waitingWork(clock);
    waiting.push(performance.now() - t);
    if (i === 0) process.stdout.write(`  counts: queued ${c.transfers.queued}, succeeded ${c.transfers.succeeded}; due ${w.transfers}\n`);
  }
  return { runnable, claimMs: median(claims), claimMaxMs: Math.max(...claims), countsMs: median(counts), waitingMs: median(waiting) };
}

const dir = mkdtempSync(join(tmpdir(), 'hookyard-bench-claims-'));
const file = join(dir, 'hookyard.db');
const store = openSqliteStore({ file, durability: 'normal' });
const results: Measured[] = [];
try {
  console.log(`claims bench: ${file}`);
  console.log(`filling ${SMALL.toLocaleString('en')} runnable requests`);
  await fill(store, 0, SMALL);
  results.push(await measure(store, SMALL));
  // The small run finished (WARMUP + CLAIMS) × LIMIT requests; top up to LARGE runnable ones.
  const more = LARGE - (SMALL - (WARMUP + CLAIMS) * LIMIT);
  console.log(`filling ${more.toLocaleString('en')} more, to ${LARGE.toLocaleString('en')} runnable requests`);
  await fill(store, SMALL, SMALL + more);
  results.push(await measure(store, LARGE));
} finally {
  await store.close();
  if (KEEP) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}

const [small, large] = results as [Measured, Measured];
const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(16))).join('');
console.log('');
console.log(row(['runnable', 'claim(8) p50 ms', 'claim(8) max ms', 'counts() ms', 'waitingWork ms']));
for (const r of results) {
  console.log(row([r.runnable.toLocaleString('en'), r.claimMs.toFixed(3), r.claimMaxMs.toFixed(3), r.countsMs.toFixed(3), r.waitingMs.toFixed(3)]));
}
console.log(`claim growth ${LARGE.toLocaleString('en')} / ${SMALL.toLocaleString('en')}: ${(large.claimMs / small.claimMs).toFixed(2)}× (target ≤ 1.5×)`);
console.log(`result claim_ms_10k=${small.claimMs.toFixed(3)} claim_ms_1m=${large.claimMs.toFixed(3)} counts_ms_1m=${large.countsMs.toFixed(3)}`);
