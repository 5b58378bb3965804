/**
 * Group commit: hooks that arrive while the event loop is busy are appended in one transaction,
 * and each request is answered only after that transaction commits. One fsync serves the whole
 * batch, which is what lets ingest keep up with the network instead of the disk.
 *
 * Hand-over: when a `Handoff` (the resolver of this process) has room, a batch is stored already
 * leased to it and handed to it with the bodies ingest parsed, so the resolver neither claims the
 * hooks back from the store nor reads and parses them again. Without room, or without a running
 * resolver, the rows are stored unleased and wait in the store to be claimed.
 */
import type { Clock } from '../clock.js';
import type { IncomingHook, StoredHook } from '../domain/types.js';
import type { Appended, HookLease, Store } from '../store/store.js';

/** A hook handed to the resolver as stored, with the body ingest parsed (when it did). */
export interface HandedHook {
  hook: StoredHook;
  parsedBody?: { value: unknown };
}

/** Who takes committed hooks from memory (the resolver). */
export interface Handoff {
  /** The lease for a batch of `count` new hooks, or null when it takes none now. */
  lease(count: number, now: number): HookLease | null;
  /** The hooks of a batch committed under that lease. */
  take(hooks: HandedHook[]): void;
}

interface Waiting {
  hook: IncomingHook;
  parsedBody: { value: unknown } | undefined;
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
    private readonly handoff: Handoff | null = null,
  ) {}

  /**
   * Resolves once the hook is committed, with its id (or, for a re-delivery, the first one's).
   * `parsedBody`: the body as ingest parsed it, handed to the resolver with the hook.
   */
  append(hook: IncomingHook, parsedBody?: { value: unknown }): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.pending.push({ hook, parsedBody, resolve, reject });
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
      const now = this.clock.now();
      const lease = this.handoff?.lease(batch.length, now) ?? null;
      const appended = await this.store.appendHooks(
        batch.map((w) => w.hook),
        now,
        lease ?? undefined,
      );
      this.lastCommitAt = this.clock.now();
      if (lease) this.handoff!.take(handed(batch, appended, now));
      batch.forEach((w, i) => w.resolve(appended[i]!));
      for (const listener of this.listeners) listener(appended);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

/** The new rows of a committed batch as the store holds them (a re-delivery stored nothing). */
function handed(batch: readonly Waiting[], appended: readonly Appended[], now: number): HandedHook[] {
  const hooks: HandedHook[] = [];
  batch.forEach((w, i) => {
    const { id, duplicate } = appended[i]!;
    if (duplicate) return;
    const { connection, headers, segments, contentType, body } = w.hook;
    const hook: StoredHook = { id, connection, receivedAt: now, headers, segments, contentType, body, status: 'received', errorCode: null, errorMessage: null, resolvedAt: null };
    hooks.push(w.parsedBody ? { hook, parsedBody: w.parsedBody } : { hook });
  });
  return hooks;
}
