/**
 * The resolver worker: claims committed hooks in batches, reads and plans each one, and stores
 * the notifications and transfer requests with the hook's new status in one transaction.
 * The backlog lives in the store; the worker keeps nothing but the batch in hand.
 */
import type { Clock } from '../clock.js';
import { WakeSignal } from './wake.js';
import type { HubConfig } from '../config/types.js';
import type { DataType, StoredHook } from '../domain/types.js';
import { interpretHook } from '../resolve/interpret.js';
import type { ParsedBodies } from '../resolve/parsed-bodies.js';
import type { HookResolution, Store } from '../store/store.js';

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
  /** Bodies ingest parsed already, taken instead of parsing the stored bytes again. */
  parsedBodies?: ParsedBodies;
  /** Called after a batch was saved (the transfer worker listens: new requests may be queued). */
  onSaved?: () => void;
  /** Called when a "poll now" hook made a poll due (the poller listens). */
  onPollNow?: () => void;
}

export class HookResolver {
  private running = false;
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

  /** Claims and resolves one batch; resolves with the number of hooks written. */
  async runOnce(): Promise<number> {
    const { store, clock, worker, batch, leaseMs } = this.options;
    // One time for the batch: a request planned with a debounce window runs exactly that long
    // after the time it is recorded with.
    const now = clock.now();
    const hooks = await store.claimHooks(worker, batch, now, leaseMs);
    if (hooks.length === 0) return 0;
    const resolutions: HookResolution[] = [];
    const polls: Array<[string, DataType]> = [];
    for (const hook of hooks) {
      const { resolution, pollTypes } = await this.resolveOne(hook, now);
      resolutions.push(resolution);
      for (const type of pollTypes) polls.push([hook.connection, type]);
    }
    const saved = await store.saveResolutions(worker, resolutions, now);
    if (saved > 0) this.options.onSaved?.();
    for (const [connection, type] of polls) await store.pollNow(connection, type, now);
    if (polls.length > 0) this.options.onPollNow?.();
    return saved;
  }

  private async resolveOne(hook: StoredHook, now: number): Promise<{ resolution: HookResolution; pollTypes: DataType[] }> {
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
      const parsedBody = this.options.parsedBodies?.take(hook.id);
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
    while (this.running) {
      this.signal.looking();
      let written = 0;
      try {
        written = await this.runOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (written === 0 && this.running) await this.signal.rest();
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
