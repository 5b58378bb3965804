/**
 * Retention: a loop that removes finished hooks and transfer requests once they are older than the
 * configuration keeps them (`retention:`), so that the store stops growing. Each pass walks the
 * requests, then the hooks, oldest first, one small batch per transaction (Retention in the store),
 * and yields to the event loop between batches: ingest and the workers carry on while it runs.
 *
 * Requests go before hooks: a hook is removed only once every request it made is gone. On a
 * store that several processes share, one of them prunes at a time (the store's lock); the others
 * find it busy and wait for their next pass.
 */
import type { Clock } from '../clock.js';
import type { HubConfig, RetentionConfig } from '../config/types.js';
import type { PrunePolicy, PruneStep, Store } from '../store/store.js';

export interface PrunerOptions {
  store: Store;
  clock: Clock;
  retention: RetentionConfig;
  /** The longest body replay guard window of any connection (ms; 0: none): hooks it may still find are kept. */
  guardWindowMs: number;
  /** A line for the log, once per pass that removed something. */
  log: (line: string) => void;
  /** Once per pass that removed something, with what it removed (for metrics). */
  onPruned?: (counts: PruneCounts) => void;
  onError: (error: unknown) => void;
}

/** What one pass removed. */
export interface PruneCounts {
  transfers: number;
  hooks: number;
}

/** The cutoffs of a pass at `now` (pure): each class is kept for its retention, or for ever. */
export function prunePolicy(retention: RetentionConfig, guardWindowMs: number, now: number): PrunePolicy {
  const before = (keepMs: number | null) => (keepMs === null ? null : now - keepMs);
  return {
    finishedBefore: before(retention.transfersMs),
    deadBefore: before(retention.deadMs),
    hooksBefore: before(retention.hooksMs),
    deadHooksBefore: before(retention.deadMs),
    guardSince: now - guardWindowMs,
  };
}

/** The longest body replay guard window among the connections (ms; 0 when none has one). */
export function longestGuardWindow(config: HubConfig): number {
  let longest = 0;
  for (const connection of config.connections.values()) longest = Math.max(longest, connection.dedupe?.windowMs ?? 0);
  return longest;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Pruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneCounts> | null = null;
  private stopped = true;
  /** Set by stop(): a pass in progress ends after its current batch. */
  private closing = false;
  private total = 0;

  constructor(private readonly options: PrunerOptions) {}

  /** True when the configuration keeps every class for ever: the loop does not run. */
  get keepsEverything(): boolean {
    const { hooksMs, transfersMs, deadMs } = this.options.retention;
    return hooksMs === null && transfersMs === null && deadMs === null;
  }

  start(): void {
    if (!this.stopped || this.keepsEverything) return;
    this.stopped = false;
    this.closing = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Rows (hooks and transfer requests) this process has pruned since it started: for metrics. */
  pruned(): number {
    return this.total;
  }

  /**
   * One pass now: every batch there is to remove at this moment. A pass already running is joined,
   * not doubled.
   */
  pass(): Promise<PruneCounts> {
    if (!this.running) {
      this.running = this.walkAll().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass()
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => this.schedule());
    }, this.options.retention.everyMs);
    this.timer.unref();
  }

  private async walkAll(): Promise<PruneCounts> {
    const { store, clock, retention, guardWindowMs, log } = this.options;
    const now = clock.now();
    const policy = prunePolicy(retention, guardWindowMs, now);
    const transfers = await this.walk((after) => store.pruneTransfers(policy, after, retention.batch, now));
    const hooks = await this.walk((after) => store.pruneHooks(policy, after, retention.batch, now));
    if (transfers + hooks > 0) {
      log(`retention: pruned ${transfers} transfer request(s) and ${hooks} hook(s)`);
      this.options.onPruned?.({ transfers, hooks });
    }
    return { transfers, hooks };
  }

  /** Walks one table batch by batch until it reaches rows too young to prune (or another process holds the prune). */
  private async walk(batch: (after: number) => Promise<PruneStep>): Promise<number> {
    let after = 0;
    let pruned = 0;
    for (;;) {
      const step = await batch(after);
      pruned += step.pruned;
      this.total += step.pruned;
      if (step.next === null || step.busy || this.closing) return pruned;
      after = step.next;
      // Between batches the event loop serves others first (hooks arriving, transfers finishing).
      await nextTurn();
    }
  }
}
