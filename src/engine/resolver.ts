/**
 * The resolver worker: takes committed hooks in batches, reads and plans each one, and stores
 * the notifications and transfer requests with the hook's new status in one transaction.
 *
 * Hooks come two ways. Group commit hands over what this process just stored, leased to this
 * worker in the same insert, with the bodies ingest parsed (`lease`/`take`, the Handoff): those
 * are resolved from memory, up to `maxHanded` at a time. Everything else — hooks stored while the
 * hand-over was full, by another process, before a restart, or whose lease ran out — waits in the
 * store and is claimed from there. Either way the save holds only while the lease does, so a hook
 * resolved twice is saved once.
 */
import type { Clock } from '../clock.js';
import { WakeSignal } from './wake.js';
import type { HubConfig } from '../config/types.js';
import type { DataType, StoredHook } from '../domain/types.js';
import { interpretHook } from '../resolve/interpret.js';
import type { HandedHook, Handoff } from '../ingest/group-commit.js';
import type { HookLease, HookResolution, Store } from '../store/store.js';

export interface ResolverOptions {
  store: Store;
  config: HubConfig;
  clock: Clock;
  /** Names this worker's leases. */
  worker: string;
  batch: number;
  leaseMs: number;
  /** How long an idle worker waits before it looks again without being woken. */
  idleMs: number;
  /**
   * Whether hooks are arriving right now. While they are, the worker rests `yieldMs` between
   * batches, so that acknowledging hooks keeps the event loop: the backlog waits in the store.
   */
  ingestBusy?: () => boolean;
  yieldMs?: number;
  onError?: (error: unknown) => void;
  /** Hooks held in memory from the hand-over at most (default 2,000); past that they wait in the store. */
  maxHanded?: number;
  /** Called after a batch was saved (the transfer worker listens: new requests may be queued). */
  onSaved?: () => void;
  /** Called when a "poll now" hook made a poll due (the poller listens). */
  onPollNow?: () => void;
}

const DEFAULT_MAX_HANDED = 2_000;

export class HookResolver implements Handoff {
  private running = false;
  /** Handed over by group commit, leased to this worker, oldest first. */
  private handed: HandedHook[] = [];
  private loop: Promise<void> | null = null;
  private readonly signal: WakeSignal;

  constructor(private readonly options: ResolverOptions) {
    this.signal = new WakeSignal(options.idleMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Handoff: a lease for `count` new hooks while the worker runs and has room for them. */
  lease(count: number, now: number): HookLease | null {
    if (!this.running || this.handed.length + count > (this.options.maxHanded ?? DEFAULT_MAX_HANDED)) return null;
    return { worker: this.options.worker, until: now + this.options.leaseMs };
  }

  /** Handoff: hooks committed under a lease from `lease`. */
  take(hooks: HandedHook[]): void {
    for (const hook of hooks) this.handed.push(hook);
    this.wake();
  }

  /** Hooks handed over and not resolved yet. */
  get holding(): number {
    return this.handed.length;
  }

  /** Tells an idle worker that there is work (called after each group commit). */
  wake(): void {
    this.signal.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /** Takes (handed over, else claimed) and resolves one batch; resolves with the number of hooks written. */
  async runOnce(): Promise<number> {
    const { store, clock, worker, batch, leaseMs } = this.options;
    // One time for the batch: a request planned with a debounce window runs exactly that long
    // after the time it is recorded with.
    const now = clock.now();
    const hooks: HandedHook[] =
      this.handed.length > 0 ? this.handed.splice(0, batch) : (await store.claimHooks(worker, batch, now, leaseMs)).map((hook) => ({ hook }));
    if (hooks.length === 0) return 0;
    const resolutions: HookResolution[] = [];
    const polls: Array<[string, DataType]> = [];
    for (const { hook, parsedBody } of hooks) {
      const { resolution, pollTypes } = await this.resolveOne(hook, now, parsedBody);
      resolutions.push(resolution);
      for (const type of pollTypes) polls.push([hook.connection, type]);
    }
    const saved = await store.saveResolutions(worker, resolutions, now);
    if (saved > 0) this.options.onSaved?.();
    for (const [connection, type] of polls) await store.pollNow(connection, type, now);
    if (polls.length > 0) this.options.onPollNow?.();
    return saved;
  }

  private async resolveOne(hook: StoredHook, now: number, parsedBody: { value: unknown } | undefined): Promise<{ resolution: HookResolution; pollTypes: DataType[] }> {
    const connection = this.options.config.connections.get(hook.connection);
    if (!connection) {
      return { pollTypes: [], resolution: {
        hookId: hook.id,
        status: 'failed',
        errorCode: 'HY_ERR_CONNECTION_UNKNOWN',
        errorMessage: `connection "${hook.connection}" is no longer configured; restore it and replay the hook`,
        notifications: [],
        transfers: [],
      } };
    }
    try {
      const { polls, ...result } = await interpretHook(connection, hook, now, { ...this.options.config.limits, ...(parsedBody ? { parsedBody } : {}) });
      return { resolution: { hookId: hook.id, ...result }, pollTypes: polls };
    } catch (error) {
      this.options.onError?.(error);
      return {
        pollTypes: [],
        resolution: {
          hookId: hook.id,
          status: 'failed',
          errorCode: 'HY_ERR_INTERNAL',
          errorMessage: (error as Error).message,
          notifications: [],
          transfers: [],
        },
      };
    }
  }

  private async run(): Promise<void> {
    // Stopping, the worker still resolves what was handed to it (leased to it: nobody else would
    // for a lease's time), unless the store fails.
    let failed = false;
    while (this.running || (this.handed.length > 0 && !failed)) {
      this.signal.looking();
      let written = 0;
      try {
        written = await this.runOnce();
      } catch (error) {
        failed = !this.running;
        this.options.onError?.(error);
      }
      if (!this.running) continue;
      if (written === 0 && this.handed.length === 0) await this.signal.rest();
      else if (written > 0 && this.running && this.options.ingestBusy?.()) await this.rest(this.options.yieldMs ?? 0);
      // The store's calls may finish without real I/O: let waiting requests in between batches,
      // or a long backlog would hold the event loop until it is gone.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Waits without listening to wake-ups (they only mean more hooks arrived). */
  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

}
