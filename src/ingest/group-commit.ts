/**
 * Group commit: hooks that arrive while the event loop is busy are appended in one transaction,
 * and each request is answered only after that transaction commits. One fsync serves the whole
 * batch, which is what lets ingest keep up with the network instead of the disk.
 */
import type { Clock } from '../clock.js';
import type { IncomingHook } from '../domain/types.js';
import type { Appended, Store } from '../store/store.js';

interface Waiting {
  hook: IncomingHook;
  resolve: (appended: Appended) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private pending: Waiting[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private readonly listeners: Array<(appended: Appended[]) => void> = [];
  /** When the last batch committed (clock time), for `busy`. */
  private lastCommitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxBatch: number,
  ) {}

  /** Resolves once the hook is committed, with its id (or, for a re-delivery, the first one's). */
  append(hook: IncomingHook): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.pending.push({ hook, resolve, reject });
      this.schedule();
    });
  }

  /** Called with the ids of each committed batch (the resolver listens to wake up). */
  onCommit(listener: (appended: Appended[]) => void): void {
    this.listeners.push(listener);
  }

  /** Hooks taken but not yet committed. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Whether hooks are arriving: something is waiting, or a batch committed within `windowMs`. */
  busy(windowMs: number): boolean {
    return this.pending.length > 0 || this.flushing !== null || this.clock.now() - this.lastCommitAt < windowMs;
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.length > 0 || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request parsed in this loop turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      const appended = await this.store.appendHooks(
        batch.map((w) => w.hook),
        this.clock.now(),
      );
      this.lastCommitAt = this.clock.now();
      batch.forEach((w, i) => w.resolve(appended[i]!));
      for (const listener of this.listeners) listener(appended);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
