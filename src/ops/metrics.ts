/**
 * The hub's Prometheus metrics: counters and histograms fed by the operational events (hooks
 * answered, transfer outcomes, circuits, feeds), gauges read at scrape time from what the store
 * keeps anyway (status counters) and from the backlog sample, and Node's process metrics.
 *
 * Each hub has a registry of its own — several hubs may run in one process (tests, embedders) and
 * closing one drops its series. Process metrics (CPU, memory, event loop, GC) describe the process,
 * not a hub: they live in one registry per process, made at the first scrape, because prom-client
 * starts an event-loop monitor and a GC observer for each registry it fills and offers no way to
 * stop them — one set per hub would pile up with every hub made and closed.
 *
 * A scrape costs the same with ten rows or ten million: it reads the status counters the store
 * keeps with the rows (one small statement, no COUNT over hooks or transfers), and the transfer
 * requests due come from the sample ingest's backpressure takes once a second (BacklogGauge) — or,
 * in a process that takes no hooks, from a sample of its own, taken at most every
 * DUE_SAMPLE_MAX_AGE_MS and never waited for once there is one.
 *
 * The event-fed counters and histograms are tallies (src/ops/tally.ts): counting a hook must cost
 * next to nothing, and prom-client's own children hash their labels on every call.
 *
 * Labels stay bounded: connection is a configured name ("unknown" when a hook's URL named none —
 * never the URL's text, which is the sender's); codes are HY_ERR_* codes from the error table or
 * HTTP_<status>; reasons are the engine's reason codes, capped at MAX_REASONS distinct values.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { ERRORS } from '../errors.js';
import type { Store, StoreCounts } from '../store/store.js';
import type { HookAnswer, OpsEvent, OpsEvents } from './events.js';
import { CounterTally, HistogramTally, type HistogramSeries } from './tally.js';

/** Where a hook's acknowledgement lands: group commit answers in a few milliseconds. */
const ACK_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A transfer is one or two calls to another system: tens of milliseconds to a request timeout. */
const TRANSFER_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** How old the due-transfer sample may get in a process without a BacklogGauge (5 s). */
const DUE_SAMPLE_MAX_AGE_MS = 5_000;
/** Distinct reason labels kept; more would mean a reason text, not a code, reached the label. */
const MAX_REASONS = 64;
const REASON_SHAPE = /^[a-z][a-z0-9_]{0,39}$/;

/** Circuit states as gauge values: what an alert compares against. */
export const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

let processRegistry: Registry | null = null;

/** The process's own metrics (hookyard_process_*, hookyard_nodejs_*), made once per process; their monitors do not keep it alive. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'hookyard_' });
  }
  return processRegistry;
}

export interface HubMetricsOptions {
  events: OpsEvents;
  store: Store;
  /** Each connection's circuit in this process (the engine's Guards). */
  guards: { states(): Record<string, 'closed' | 'open' | 'half-open'> };
  clock: Clock;
  /** The configured connection names, now (a reload may change them): each has a circuit series from the start. */
  connections: () => Iterable<string>;
  /** The backpressure sample, when this process takes hooks; null otherwise. */
  /** The sample ingest's backpressure takes (its BacklogGauge), or null in a process that takes no hooks. */
  backlog: { readonly transfers: number } | null;
  /** A scrape whose store read failed: the store's gauges are left out and this is told why. */
  onError: (error: unknown) => void;
}

export class HubMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;
  private readonly received: CounterTally;
  private readonly rejected: CounterTally;
  private readonly ack: HistogramTally;
  private readonly finished: CounterTally;
  private readonly duration: HistogramTally;
  private readonly circuitChanges: CounterTally;
  private readonly feedFailures: CounterTally;
  /** A hook's two series by connection and answer: counting a hook is one lookup, an add and an observation. */
  private readonly hookSeries = new Map<string | null, Map<HookAnswer, { received: { value: number }; ack: HistogramSeries }>>();
  private readonly reasons = new Set<string>();
  private storeRead: Promise<StoreCounts | null> | null = null;
  private due: { value: number; at: number } | null = null;
  private dueRead: Promise<void> | null = null;

  constructor(private readonly options: HubMetricsOptions) {
    const registry = this.registry;
    this.received = new CounterTally(
      'hookyard_hooks_received_total',
      'Hooks answered, by connection ("unknown" when the URL named none) and answer: accepted, duplicate, ping or rejected.',
      ['connection', 'status'],
      registry,
    );
    this.rejected = new CounterTally(
      'hookyard_hooks_rejected_total',
      'Hooks refused, by connection and error code (HY_ERR_*, or HTTP_<status> for a refusal without one).',
      ['connection', 'code'],
      registry,
    );
    this.ack = new HistogramTally('hookyard_hook_ack_seconds', "Time from a hook's arrival to its answer (after the commit, for an accepted hook).", ['connection'], ACK_BUCKETS_S, registry);
    this.finished = new CounterTally(
      'hookyard_transfers_finished_total',
      'Transfer runs whose outcome was written, by outcome status (succeeded, skipped, retrying, dead) and reason (reason code or HY_ERR_* error code; "none" when the outcome has neither).',
      ['connection', 'direction', 'status', 'reason'],
      registry,
    );
    this.duration = new HistogramTally(
      'hookyard_transfer_duration_seconds',
      'Duration of a transfer run, from its start to its outcome written.',
      ['connection', 'direction'],
      TRANSFER_BUCKETS_S,
      registry,
    );
    this.circuitChanges = new CounterTally('hookyard_circuit_changes_total', "Times a connection's circuit opened or closed again.", ['connection', 'state'], registry);
    this.feedFailures = new CounterTally(
      'hookyard_feed_failures_total',
      'Feed polls and initializations that failed, by connection, data type and kind (poll or init).',
      ['connection', 'type', 'kind'],
      registry,
    );
    this.storeGauges([registry]);
    this.unsubscribe = options.events.on((event) => this.count(event));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition: this hub's series, then the process's. */
  async text(): Promise<string> {
    const [hub, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${hub}${process}`;
  }

  /** Stops listening and drops this hub's series; the process metrics stay for other hubs. */
  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }

  private count(event: OpsEvent): void {
    switch (event.type) {
      case 'hook.received': {
        let byAnswer = this.hookSeries.get(event.connection);
        if (!byAnswer) this.hookSeries.set(event.connection, (byAnswer = new Map()));
        let series = byAnswer.get(event.answer);
        if (!series) {
          const connection = event.connection ?? 'unknown';
          series = { received: this.received.child(connection, event.answer), ack: this.ack.child(connection) };
          byAnswer.set(event.answer, series);
        }
        series.received.value += 1;
        this.ack.observe(series.ack, event.ms / 1000);
        if (event.answer === 'rejected') this.rejected.child(event.connection ?? 'unknown', boundedCode(event.code)).value += 1;
        return;
      }
      case 'transfer.finished': {
        const { connection, direction } = event.transfer;
        this.finished.child(connection, direction, event.outcome.status, this.reasonOf(event.outcome)).value += 1;
        this.duration.observe(this.duration.child(connection, direction), event.ms / 1000);
        return;
      }
      case 'circuit.opened':
        this.circuitChanges.child(event.connection, 'open').value += 1;
        return;
      case 'circuit.closed':
        this.circuitChanges.child(event.connection, 'closed').value += 1;
        return;
      case 'feed.failed':
        this.feedFailures.child(event.connection, event.dataType, event.kind).value += 1;
        return;
    }
  }

  private reasonOf(outcome: { reasonCode: string | null; errorCode: string | null }): string {
    if (outcome.errorCode) return boundedCode(outcome.errorCode);
    const reason = outcome.reasonCode;
    if (!reason) return 'none';
    if (this.reasons.has(reason)) return reason;
    if (!REASON_SHAPE.test(reason) || this.reasons.size >= MAX_REASONS) return 'other';
    this.reasons.add(reason);
    return reason;
  }

  /** Gauges computed at scrape time. */
  private storeGauges(registers: Registry[]): void {
    const metrics = this;
    const fromCounts = (name: string, help: string, labelNames: string[], fill: (gauge: Gauge<string>, counts: StoreCounts) => void) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const counts = await metrics.readCounts();
          this.reset();
          if (counts) fill(this, counts);
          // Not 0, which would read as "nothing waiting": a series without labels cannot be left out.
          else if (labelNames.length === 0) this.set(NaN);
        },
      });
    fromCounts('hookyard_inbox_backlog', 'Hooks stored but not read yet (backpressure: server.maxBacklog).', [], (g, c) => g.set(c.hooks.received));
    fromCounts('hookyard_hooks', 'Hooks by status.', ['status'], (g, c) => {
      for (const [status, n] of Object.entries(c.hooks)) g.set({ status }, n);
    });
    fromCounts('hookyard_transfers', 'Transfer requests by status.', ['status'], (g, c) => {
      for (const [status, n] of Object.entries(c.transfers)) g.set({ status }, n);
    });
    fromCounts('hookyard_transfers_by_reason', 'Finished transfer requests by reason code (echo, coalesced, filtered, …).', ['reason'], (g, c) => {
      for (const [reason, n] of Object.entries(c.reasons)) g.set({ reason }, n);
    });
    new Gauge({
      name: 'hookyard_store_answered',
      help: 'Whether the store answered this scrape (1) or not (0: the status gauges are left out, the backlog is NaN).',
      registers,
      async collect() {
        this.set((await metrics.readCounts()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hookyard_transfers_due',
      help: 'Transfer requests due to run and not yet running (backpressure: server.maxQueuedTransfers); sampled at most a few seconds ago.',
      registers,
      async collect() {
        this.set((await metrics.dueTransfers()) ?? NaN);
      },
    });
    new Gauge({
      name: 'hookyard_circuit_state',
      help: "Each connection's circuit: 0 closed, 1 half-open (one probe goes out), 2 open (calls held back).",
      labelNames: ['connection'],
      registers,
      collect() {
        for (const [connection, state] of Object.entries(metrics.circuits())) this.set({ connection }, CIRCUIT_STATE_VALUE[state]);
      },
    });
    new Gauge({
      name: 'hookyard_circuit_open',
      help: "1 when a connection's circuit is open or half-open (calls to its system are held back).",
      labelNames: ['connection', 'state'],
      registers,
      collect() {
        // The state label changes with the state: the old series goes.
        this.reset();
        for (const [connection, state] of Object.entries(metrics.circuits())) this.set({ connection, state }, state === 'closed' ? 0 : 1);
      },
    });
  }

  private circuits(): Record<string, 'closed' | 'open' | 'half-open'> {
    const states: Record<string, 'closed' | 'open' | 'half-open'> = {};
    for (const name of this.options.connections()) states[name] = 'closed';
    return Object.assign(states, this.options.guards.states());
  }

  /** The store's status counters, read once per scrape however many gauges ask. */
  private readCounts(): Promise<StoreCounts | null> {
    this.storeRead ??= this.options.store
      .counts()
      .catch((error: unknown) => {
        this.options.onError(error);
        return null;
      })
      .finally(() => {
        this.storeRead = null;
      });
    return this.storeRead;
  }

  private async dueTransfers(): Promise<number | null> {
    const { backlog, clock, store } = this.options;
    if (backlog) return backlog.transfers;
    const now = clock.now();
    if (!this.dueRead && (!this.due || now - this.due.at >= DUE_SAMPLE_MAX_AGE_MS)) {
      this.dueRead = store
        .waitingWork(now)
        .then((waiting) => {
          this.due = { value: waiting.transfers, at: now };
        })
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => {
          this.dueRead = null;
        });
    }
    // Only the first scrape waits; later ones take the last sample while a new one is read.
    if (!this.due && this.dueRead) await this.dueRead;
    return this.due?.value ?? null;
  }
}

/** An HY_ERR_* code from the table or HTTP_<status> as it is; anything else (a framework's own code) as "other". */
function boundedCode(code: string | null): string {
  if (!code) return 'none';
  if (code in ERRORS || /^HTTP_\d{3}$/.test(code)) return code;
  return 'other';
}
