/**
 * Group commit for the engine's writes. Transfers running side by side each end with a few small
 * writes (a hub change, a finish, an echo); one SQLite transaction each spends most of its time
 * beginning and committing. Writes asked for in the same turn of the event loop are run in one
 * transaction instead, each inside its own savepoint: one that throws rolls back alone and
 * rejects only its caller, and each caller's promise settles only after the whole batch has
 * committed, so a write is durable (at the store's level) when its promise resolves, as before.
 */
import type Database from 'better-sqlite3';

interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class WriteBatch {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly flushTx: Database.Transaction<(batch: readonly Pending[]) => Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>>;

  constructor(db: Database.Database) {
    // Each write is itself a better-sqlite3 transaction function: called inside this one, it runs
    // as a savepoint, released on success and rolled back when it throws.
    this.flushTx = db.transaction((batch) =>
      batch.map((write) => {
        try {
          return { ok: true as const, value: write.run() };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
  }

  /** Runs `write` (a transaction function call) in the next batch; settles after that batch commits. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes asked for but not yet committed. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Commits what is waiting now (before the store closes). */
  flushNow(): void {
    this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results;
    try {
      results = this.flushTx.immediate(batch);
    } catch (error) {
      // The commit itself failed (the disk, a lock held too long): nothing of the batch is written.
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => {
      const result = results[i]!;
      if (result.ok) write.resolve(result.value);
      else write.reject(result.error);
    });
  }
}
