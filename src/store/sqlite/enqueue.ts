/**
 * The one enqueue rule, used by resolution, fan-out, feeds, manual syncs and replays:
 *
 * - a queued request for a record that already has one waiting (queued or retrying, not yet
 *   running) is absorbed by it — the waiting one has not read the record yet, so it covers the
 *   newer change too;
 * - else, when the record's request is running (coalescing while running), the running one is
 *   marked to run once more when it finishes: the mark is the newest such request, kept whole on
 *   the running row (follow_up, migration 012). It may have read the record before this change, so
 *   the change gets one follow-up run — not one per hook. finishTransfer turns the mark into that
 *   follow-up (followUp below);
 * - else it is inserted. Skipped requests are recorded as planned, never absorbed.
 *
 * The rule can only fold in what is resolved before the waiting request starts: while hooks wait to
 * be resolved, the transfer worker holds requests back for a bounded time (engine/claim-horizon.ts).
 *
 * A delete is never absorbed, neither by a waiting request nor as a running one's mark: it is
 * queued as a request of its own, in line behind what the record has running or waiting, so that
 * no later change can fold it away (a waiting update that took a delete in would read a record
 * that is gone and end `not_found`, and the delete would be lost). A change arriving after it is
 * absorbed by the waiting delete: ids are not used again, so the record stays deleted.
 *
 * Payload records: a waiting request that would take the record from its hook's body must not use
 * that (older) payload once a newer request was absorbed into it. The waiting request takes the
 * absorbed one's payload pointer — the newer hook's element, or none (it then reads the record
 * from the source, as it is by then). Without payloads on either side nothing is written. A mark
 * keeps the newest request's pointer, which its follow-up (or the request itself, when it waits
 * again) takes. "Newer" is by the records' versions where both payloads have one (the receiver's
 * `record.version`, read at resolution): hooks arrive out of order, and a payload older than the
 * one a request holds is not taken — neither by a waiting request nor as a mark — or the hub's
 * stale guard would keep the record at the older version and the newer change would be lost.
 * Without comparable versions, the last to arrive wins, as before.
 */
import type Database from 'better-sqlite3';
import { isDeleteRequest } from '../../domain/scope.js';
import { isStalePayload } from '../../domain/version.js';

type Row = Record<string, unknown>;

/** insert_transfer's parameters (see its header); `recordKey` and `status` are what the rule reads. */
export type TransferRow = Record<string, unknown> & {
  recordKey: string;
  status: string;
  payloadHook?: number | null;
  payloadSeq?: number | null;
  payloadVersion?: string | null;
};

/** The request that absorbs a new one: waiting for the record, or running it (then it is marked). */
export interface Waiting {
  id: number;
  hasPayload: boolean;
  /** The version of the payload it holds (null: none, or without a version). */
  payloadVersion?: string | null;
  /** Running: the new request becomes its mark (a follow-up when it finishes). */
  running?: boolean;
}

/** What became of a finished request's mark. */
export type FollowUp = { kind: 'none' } | { kind: 'queued'; id: number } | { kind: 'absorbed'; id: number };

export class Enqueue {
  private readonly waiting: Database.Statement;
  private readonly runningFor: Database.Statement;
  private readonly inserting: Database.Statement;
  private readonly takingPayload: Database.Statement;
  private readonly marking: Database.Statement;
  private readonly markOf: Database.Statement;
  private readonly clearing: Database.Statement;

  constructor(prepare: (name: string) => Database.Statement) {
    this.waiting = prepare('find_waiting_transfer');
    this.runningFor = prepare('find_running_transfer');
    this.inserting = prepare('insert_transfer');
    this.takingPayload = prepare('take_payload');
    this.marking = prepare('mark_follow_up');
    this.markOf = prepare('follow_up_of');
    this.clearing = prepare('clear_follow_up');
  }

  /** The request waiting for this record, if one is. */
  waitingFor(recordKey: string): number | null {
    return this.waitingRow(recordKey)?.id ?? null;
  }

  private waitingRow(recordKey: string): Waiting | null {
    const row = this.waiting.get({ recordKey }) as Row | undefined;
    return row ? { id: Number(row.id), hasPayload: row.payload_hook !== null, payloadVersion: (row.payload_version as string | null) ?? null } : null;
  }

  /** The request that would absorb this one (waiting, else running), or null when it is to be inserted. */
  absorbing(row: TransferRow): Waiting | null {
    if (row.status !== 'queued' || isDeleteRequest(row)) return null;
    const waiting = this.waitingRow(row.recordKey);
    if (waiting) return waiting;
    const running = this.runningFor.get({ recordKey: row.recordKey }) as Row | undefined;
    return running ? { id: Number(running.id), hasPayload: false, running: true } : null;
  }

  /** Inserts a request that `absorbing` let through. Call inside the same transaction. */
  insert(row: TransferRow): number {
    return Number((this.inserting.get({ ...row, payloadVersion: row.payloadVersion ?? null }) as Row).id);
  }

  /** Whether `row` carries a payload older than the one `heldVersion` belongs to (then it is not taken). */
  private olderPayload(row: TransferRow, holds: boolean, heldVersion: string | null | undefined): boolean {
    return holds && (row.payloadHook ?? null) !== null && isStalePayload(row.payloadVersion ?? null, heldVersion ?? null);
  }

  /**
   * `row` was absorbed by `into`: a waiting request takes its payload pointer (see the header); a
   * running one is marked with it (its notification id included), replacing an older mark.
   */
  absorbed(into: Waiting, row: TransferRow): void {
    if (into.running) {
      const marked = (this.markOf.get({ id: into.id }) as Row | undefined)?.follow_up;
      const mark = marked === null || marked === undefined ? null : (JSON.parse(String(marked)) as TransferRow);
      if (mark && this.olderPayload(row, (mark.payloadHook ?? null) !== null, mark.payloadVersion)) return; // the mark's record is newer
      const { now: _now, ...request } = row;
      this.marking.run({ id: into.id, followUp: JSON.stringify(request) });
      return;
    }
    const payloadHook = row.payloadHook ?? null;
    if (payloadHook === null && !into.hasPayload) return;
    if (this.olderPayload(row, into.hasPayload, into.payloadVersion)) return; // it holds a newer record
    const payloadVersion = payloadHook === null ? null : (row.payloadVersion ?? null);
    this.takingPayload.run({ id: into.id, payloadHook, payloadSeq: payloadHook === null ? null : (row.payloadSeq ?? null), payloadVersion });
    into.hasPayload = payloadHook !== null;
    into.payloadVersion = payloadVersion;
  }

  /** Inserts the request, or finds the waiting or running one that absorbs it. Call inside a transaction. */
  put(row: TransferRow): { id: number; absorbed: boolean } {
    const into = this.absorbing(row);
    if (into === null) return { id: this.insert(row), absorbed: false };
    this.absorbed(into, row);
    return { id: into.id, absorbed: true };
  }

  /**
   * The attempt of request `id` just ended (its claim held); its mark, if any, is consumed. Ended
   * for good: the mark becomes one follow-up request — absorbed by a request that waits for the
   * record by then (a replay put one back), else queued. Ended retrying: the request runs again and
   * reads the record anew, so it takes the mark in as a waiting request would (payload pointer).
   * Call inside the finishing transaction, after the row's new status is written.
   */
  followUp(id: number, retrying: boolean, now: number): FollowUp {
    const own = this.markOf.get({ id }) as Row | undefined;
    const marked = own?.follow_up;
    if (marked === null || marked === undefined) return { kind: 'none' };
    this.clearing.run({ id });
    const request = { ...(JSON.parse(String(marked)) as TransferRow), now };
    if (retrying) {
      this.absorbed({ id, hasPayload: own!.payload_hook !== null, payloadVersion: (own!.payload_version as string | null) ?? null }, request);
      return { kind: 'absorbed', id };
    }
    const put = this.put(request);
    return put.absorbed ? { kind: 'absorbed', id: put.id } : { kind: 'queued', id: put.id };
  }
}
