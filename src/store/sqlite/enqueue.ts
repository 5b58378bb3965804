/**
 * The one enqueue rule, used by resolution, fan-out, feeds, manual syncs and replays: a queued
 * request for a record that already has one waiting (queued or retrying, not yet running) is
 * absorbed by it — the waiting one has not read the record yet, so it covers the newer change too.
 * Skipped requests are recorded as planned.
 *
 * Payload records: a waiting request that would take the record from its hook's body must not use
 * that (older) payload once a newer request was absorbed into it. The waiting request takes the
 * absorbed one's payload pointer — the newer hook's element, or none (it then reads the record
 * from the source, as it is by then). Without payloads on either side nothing is written.
 */
import type Database from 'better-sqlite3';

type Row = Record<string, unknown>;

/** insert_transfer's parameters (see its header); `recordKey` and `status` are what the rule reads. */
export type TransferRow = Record<string, unknown> & { recordKey: string; status: string; payloadHook?: number | null; payloadSeq?: number | null };

/** The request waiting for a record, and whether it points at a payload. */
export interface Waiting {
  id: number;
  hasPayload: boolean;
}

export class Enqueue {
  private readonly waiting: Database.Statement;
  private readonly inserting: Database.Statement;
  private readonly takingPayload: Database.Statement;

  constructor(prepare: (name: string) => Database.Statement) {
    this.waiting = prepare('find_waiting_transfer');
    this.inserting = prepare('insert_transfer');
    this.takingPayload = prepare('take_payload');
  }

  /** The request waiting for this record, if one is. */
  waitingFor(recordKey: string): number | null {
    return this.waitingRow(recordKey)?.id ?? null;
  }

  private waitingRow(recordKey: string): Waiting | null {
    const row = this.waiting.get({ recordKey }) as Row | undefined;
    return row ? { id: Number(row.id), hasPayload: row.payload_hook !== null } : null;
  }

  /** The waiting request that would absorb this one, or null when it is to be inserted. */
  absorbing(row: TransferRow): Waiting | null {
    return row.status === 'queued' ? this.waitingRow(row.recordKey) : null;
  }

  /** Inserts a request that `absorbing` let through. Call inside the same transaction. */
  insert(row: TransferRow): number {
    return Number((this.inserting.get(row) as Row).id);
  }

  /** `row` was absorbed by `into`: `into` takes its payload pointer (see the header). */
  absorbed(into: Waiting, row: TransferRow): void {
    const payloadHook = row.payloadHook ?? null;
    if (payloadHook === null && !into.hasPayload) return;
    this.takingPayload.run({ id: into.id, payloadHook, payloadSeq: payloadHook === null ? null : (row.payloadSeq ?? null) });
    into.hasPayload = payloadHook !== null;
  }

  /** Inserts the request, or finds the waiting one that absorbs it. Call inside a transaction. */
  put(row: TransferRow): { id: number; absorbed: boolean } {
    const into = this.absorbing(row);
    if (into === null) return { id: this.insert(row), absorbed: false };
    this.absorbed(into, row);
    return { id: into.id, absorbed: true };
  }
}
