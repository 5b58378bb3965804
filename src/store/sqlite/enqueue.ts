/**
 * The one enqueue rule, used by resolution, fan-out, feeds, manual syncs and replays: a queued
 * request for a record that already has one waiting (queued or retrying, not yet running) is
 * absorbed by it — the waiting one has not read the record yet, so it covers the newer change too.
 * Skipped requests are recorded as planned.
 */
import type Database from 'better-sqlite3';

type Row = Record<string, unknown>;

/** insert_transfer's parameters (see its header); `recordKey` and `status` are what the rule reads. */
export type TransferRow = Record<string, unknown> & { recordKey: string; status: string };

export class Enqueue {
  private readonly waiting: Database.Statement;
  private readonly inserting: Database.Statement;

  constructor(prepare: (name: string) => Database.Statement) {
    this.waiting = prepare('find_waiting_transfer');
    this.inserting = prepare('insert_transfer');
  }

  /** The request waiting for this record, if one is. */
  waitingFor(recordKey: string): number | null {
    const row = this.waiting.get({ recordKey }) as Row | undefined;
    return row ? Number(row.id) : null;
  }

  /** The waiting request that would absorb this one, or null when it is to be inserted. */
  absorbing(row: TransferRow): number | null {
    return row.status === 'queued' ? this.waitingFor(row.recordKey) : null;
  }

  /** Inserts a request that `absorbing` let through. Call inside the same transaction. */
  insert(row: TransferRow): number {
    return Number((this.inserting.get(row) as Row).id);
  }

  /** Inserts the request, or finds the waiting one that absorbs it. Call inside a transaction. */
  put(row: TransferRow): { id: number; absorbed: boolean } {
    const into = this.absorbing(row);
    return into !== null ? { id: into, absorbed: true } : { id: this.insert(row), absorbed: false };
  }
}
