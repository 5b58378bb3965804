/**
 * Group commit: hooks that arrive while the event loop is busy are appended in one transaction,
 * and each request is answered only after that transaction commits. One fsync serves the whole
 * batch, which is what lets ingest keep up with the network instead of the disk.
 */
import type { Clock } from '../clock.js';
import type { IncomingHook } from '../domain/types.js';
import type { Store } from '../store/store.js';

interface Waiting {
  hook: IncomingHook;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private pending: Waiting[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private readonly listeners: Array<(ids: number[]) => void> = [];
  /** When the last batch committed (clock time), for `busy`. */
  private lastCommitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the hook's id once it is committed. */
  append(hook: IncomingHook): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ hook, resolve, reject });
      this.schedule();
    });
  }

  /** Called with the ids of each committed batch (the resolver listens to wake up). */
  onCommit(listener: (ids: number[]) => void): void {
    this.listeners.push(listener);
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
      const ids = await this.store.appendHooks(
        batch.map((w) => w.hook),
        this.clock.now(),
      );
      this.lastCommitAt = this.clock.now();
      batch.forEach((w, i) => w.resolve(ids[i]!));
      for (const listener of this.listeners) listener(ids);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
