/**
 * The work waiting, read from the store once a second (not per request): past either limit,
 * ingest answers 429 with Retry-After instead of letting the inbox or the transfer queue grow
 * without bound. Hooks are one unit and transfer requests another (one hook may plan up to
 * `limits.notificationsPerHook` of them), so each has its own limit: `server.maxBacklog` for
 * hooks not read yet (in-process hooks still waiting for their group commit count too), and
 * `server.maxQueuedTransfers` for requests due to run.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

export class BacklogGauge {
  private hooks = 0;
  private dueTransfers = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.look();
    this.timer = setInterval(() => void this.look(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Hooks stored but not read yet. */
  get value(): number {
    return this.hooks;
  }

  /** Transfer requests due to run and not yet running. */
  get transfers(): number {
    return this.dueTransfers;
  }

  private async look(): Promise<void> {
    try {
      const waiting = await this.store.waitingWork(this.clock.now());
      this.hooks = waiting.hooks;
      this.dueTransfers = waiting.transfers;
    } catch (error) {
      this.onError(error);
    }
  }
}
