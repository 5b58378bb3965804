/**
 * The one enqueue rule (read the header of ../sqlite/enqueue.ts: absorbed by a waiting request,
 * else marked on a running one, else inserted; deletes never absorbed; payload pointers taken over)
 * for PostgreSQL, where other processes write beside this one.
 *
 * A transaction that enqueues first locks the records it will touch (hookyard_lock_records,
 * migration 001), then reads their active requests once and keeps them here. Under those locks no
 * other writer changes which requests of these records are active, and claims pass them by, so the
 * rule is decided here without asking the database again for each request; the writes it decides
 * go out together at the end (flush): the new requests in one multi-row insert, the payload
 * pointers and marks in one statement each.
 *
 * Payload versions: hooks arrive out of order, so a waiting request that carries a payload does not
 * take in the pointer of an absorbed request whose payload is older than its own
 * (isStalePayload); it keeps its pointer and version. A running request's mark is not replaced by
 * a request whose payload is older than the mark's, and a request that waits again (retrying)
 * takes its mark in by the same comparison. A request without a payload still clears the pointer:
 * it reads the record from the source, as it is by then.
 *
 * New requests get ids reserved after the locks are taken: a record's requests are numbered in the
 * order they arrive, whichever process queues them, and the first active one is its head.
 */
import { isDeleteRequest } from '../../domain/scope.js';
import { isStalePayload } from '../../domain/version.js';
import { notifyWork, type Row, type Sql } from './db.js';
import type { TransferRow as TransferParams } from '../params.js';

/**
 * insert_transfers' columns for one request (src/store/params.ts; this is also what a mark keeps,
 * as JSON). A mark made before migration 002 lacks the payload version.
 */
export type TransferRow = Record<string, unknown> & Omit<TransferParams, 'payloadVersion'> & { payloadVersion?: string | null };

/** The request that absorbs a new one: waiting for the record, or running it (then it is marked). */
export interface Waiting {
  id: number;
  hasPayload: boolean;
  /** Waiting: the version of its payload record (null: no payload, or unversioned). */
  payloadVersion?: string | null;
  /** Running: the new request becomes its mark (a follow-up when it finishes). */
  running?: boolean;
}

/** What became of a finished request's mark. */
export type FollowUp = { kind: 'none' } | { kind: 'queued'; id: number } | { kind: 'absorbed'; id: number };

/** An active request of a locked record, as this transaction sees it. */
interface Active {
  id: number;
  running: boolean;
  child: boolean;
  toHub: boolean;
  payloadHook: number | null;
  payloadVersion: string | null;
  /** Running: the payload version of its mark (null: no mark, or a mark without a versioned payload). */
  markVersion: string | null;
}

const ACTIVE = new Set(['queued', 'retrying', 'running']);

export class Enqueue {
  private readonly records = new Map<string, Active[]>();
  private readonly activeById = new Map<number, Active>();
  private readonly ids: number[] = [];
  private readonly inserts: Array<TransferRow & { id: number; head: boolean }> = [];
  private readonly insertById = new Map<number, TransferRow & { id: number; head: boolean }>();
  private readonly payloads = new Map<number, { hook: number | null; seq: number | null; version: string | null }>();
  private readonly marks = new Map<number, string>();

  constructor(private readonly sql: Sql) {}

  /**
   * Locks the records (sorted; see hookyard_lock_records), reads their active requests, and
   * reserves ids for up to `inserts` new requests: call once, before anything else of the rule.
   */
  async open(recordKeys: Iterable<string>, inserts: number): Promise<void> {
    const keys = [...new Set(recordKeys)];
    await this.lock(keys);
    await this.load(keys);
    await this.reserve(inserts);
  }

  /**
   * Locks records for the rest of the transaction (hookyard_lock_records: sorted, all at once). A
   * transaction takes its record locks before any other lock it may wait for, once.
   */
  async lock(recordKeys: readonly string[]): Promise<void> {
    if (recordKeys.length > 0) await this.sql.run('lock_records', [recordKeys]);
  }

  /** Reads the active requests of records this transaction has locked already. */
  async load(recordKeys: readonly string[]): Promise<void> {
    if (recordKeys.length === 0) return;
    for (const key of recordKeys) this.records.set(key, []);
    for (const row of await this.sql.rows('active_of_records', [recordKeys])) this.track(String(row.record_key), activeFromRow(row));
  }

  /** Reserves ids for `n` more new requests (after their records were locked). */
  async reserve(n: number): Promise<void> {
    if (n > 0) this.ids.push(...(await this.sql.rows('reserve_transfer_ids', [n])).map((row) => Number(row.id)));
  }

  private track(key: string, active: Active): void {
    const list = this.records.get(key);
    if (list) list.push(active);
    else this.records.set(key, [active]);
    this.activeById.set(active.id, active);
  }

  private activeOf(key: string): Active[] {
    const list = this.records.get(key);
    if (list === undefined) throw new Error(`record ${key} was not locked and loaded before enqueueing`);
    return list;
  }

  /** The request waiting for this record, if one is. */
  waitingFor(recordKey: string): number | null {
    return this.waitingRow(recordKey)?.id ?? null;
  }

  private waitingRow(recordKey: string): Waiting | null {
    const first = this.activeOf(recordKey).find((a) => !a.running);
    return first ? { id: first.id, hasPayload: first.payloadHook !== null, payloadVersion: first.payloadVersion } : null;
  }

  /** The request that would absorb this one (waiting, else running), or null when it is to be inserted. */
  absorbing(row: TransferRow): Waiting | null {
    if (row.status !== 'queued' || isDeleteRequest(row)) return null;
    const waiting = this.waitingRow(row.recordKey);
    if (waiting) return waiting;
    const running = this.activeOf(row.recordKey).find((a) => a.running && !a.child);
    return running ? { id: running.id, hasPayload: false, running: true } : null;
  }

  /** Inserts a request that `absorbing` let through (at flush); its id. */
  insert(row: TransferRow): number {
    const id = this.ids.shift();
    if (id === undefined) throw new Error('more requests inserted than ids reserved');
    const active = ACTIVE.has(row.status);
    const head = active && this.activeOf(row.recordKey).length === 0;
    const pending = { ...row, id, head };
    this.inserts.push(pending);
    this.insertById.set(id, pending);
    if (active) {
      this.track(row.recordKey, {
        id,
        running: row.status === 'running',
        child: row.requestType === 'child',
        toHub: row.direction === 'to_hub',
        payloadHook: row.payloadHook ?? null,
        payloadVersion: row.payloadVersion ?? null,
        markVersion: null,
      });
    }
    return id;
  }

  /**
   * `row` was absorbed by `into`: a waiting request takes its payload pointer and version, unless
   * it has a payload and `row`'s is older; a running one is marked with it (its notification id
   * included), replacing an older mark unless `row`'s payload is older than the mark's.
   */
  absorbed(into: Waiting, row: TransferRow): void {
    const payloadHook = row.payloadHook ?? null;
    const payloadVersion = payloadHook === null ? null : (row.payloadVersion ?? null);
    if (into.running) {
      const active = this.activeById.get(into.id);
      if (active && isStalePayload(payloadVersion, active.markVersion)) return;
      const { now: _now, ...request } = row;
      this.marks.set(into.id, JSON.stringify({ ...request, payloadVersion }));
      if (active) active.markVersion = payloadVersion;
      return;
    }
    if (payloadHook === null && !into.hasPayload) return;
    if (payloadHook !== null && into.hasPayload && isStalePayload(payloadVersion, into.payloadVersion ?? null)) return;
    const payloadSeq = payloadHook === null ? null : (row.payloadSeq ?? null);
    this.takePayload(into.id, payloadHook, payloadSeq, payloadVersion);
    into.hasPayload = payloadHook !== null;
    into.payloadVersion = payloadVersion;
  }

  /** As take_payloads: only a to_hub request takes a payload pointer. */
  private takePayload(id: number, hook: number | null, seq: number | null, version: string | null): void {
    const pending = this.insertById.get(id);
    if (pending) {
      if (pending.direction === 'to_hub') Object.assign(pending, { payloadHook: hook, payloadSeq: seq, payloadVersion: version });
    } else {
      this.payloads.set(id, { hook, seq, version });
    }
    const active = this.activeById.get(id);
    if (active?.toHub) {
      active.payloadHook = hook;
      active.payloadVersion = version;
    }
  }

  /** Inserts the request, or finds the waiting or running one that absorbs it. */
  put(row: TransferRow): { id: number; absorbed: boolean } {
    const into = this.absorbing(row);
    if (into === null) return { id: this.insert(row), absorbed: false };
    this.absorbed(into, row);
    return { id: into.id, absorbed: true };
  }

  /** A request of a locked record became active again, waiting (a replay queued it). */
  requeued(recordKey: string, id: number, toHub: boolean, payloadHook: number | null, payloadVersion: string | null): void {
    const known = this.activeById.get(id);
    if (known) {
      known.running = false;
      return;
    }
    this.track(recordKey, { id, running: false, child: false, toHub, payloadHook, payloadVersion, markVersion: null });
    this.activeOf(recordKey).sort((a, b) => a.id - b.id);
  }

  /** A request of a locked record ended (coalesced, cancelled, finished). */
  ended(recordKey: string, id: number): void {
    const list = this.activeOf(recordKey);
    const at = list.findIndex((a) => a.id === id);
    if (at >= 0) list.splice(at, 1);
    this.activeById.delete(id);
  }

  /**
   * Request `id` (of the locked `recordKey`) just ended an attempt with its claim held, and its
   * mark was `marked`. Ended for good: the mark becomes one follow-up request — absorbed by a
   * request that waits for the record by then (a replay put one back), else queued. Ended
   * retrying: the request reads the record anew, so it takes the mark in as a waiting request would
   * (keeping its own payload when the mark's is older).
   */
  followUp(id: number, recordKey: string, retrying: boolean, marked: string | null, now: number): FollowUp {
    const self = this.activeById.get(id);
    if (retrying) {
      if (self) {
        self.running = false;
        self.markVersion = null;
      }
    } else {
      this.ended(recordKey, id);
    }
    if (marked === null) return { kind: 'none' };
    const request = { ...(JSON.parse(marked) as TransferRow), now };
    if (retrying) {
      this.absorbed({ id, hasPayload: true, payloadVersion: self?.payloadVersion ?? null }, request);
      return { kind: 'absorbed', id };
    }
    const put = this.put(request);
    return put.absorbed ? { kind: 'absorbed', id: put.id } : { kind: 'queued', id: put.id };
  }

  /**
   * Writes what the rule decided: new requests, payload pointers, marks. A new waiting request
   * notifies the listening processes (their transfer workers may be idle); an absorbed one or a
   * mark adds nothing to run now.
   */
  async flush(now: number): Promise<void> {
    if (this.inserts.length > 0) {
      const rows = this.inserts.splice(0);
      if (rows.some((row) => row.status === 'queued')) await notifyWork(this.sql, 'transfers');
      this.insertById.clear();
      const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key] ?? null);
      await this.sql.run('insert_transfers', [
        column('id'),
        column('trackingId'),
        column('hookId'),
        column('notificationId'),
        column('parentId'),
        column('connection'),
        column('type'),
        column('direction'),
        column('scope'),
        column('externalId'),
        column('requestType'),
        column('status'),
        column('reason'),
        column('reasonCode'),
        column('recordKey'),
        column('hubId'),
        column('sourceConnection'),
        column('origin'),
        column('runAt'),
        column('leaseOwner'),
        column('leaseUntil'),
        column('payloadHook'),
        column('payloadSeq'),
        column('payloadVersion'),
        column('head'),
        now,
      ]);
    }
    if (this.payloads.size > 0) {
      const entries = [...this.payloads];
      this.payloads.clear();
      await this.sql.run('take_payloads', [entries.map(([id]) => id), entries.map(([, p]) => p.hook), entries.map(([, p]) => p.seq), entries.map(([, p]) => p.version)]);
    }
    if (this.marks.size > 0) {
      const entries = [...this.marks];
      this.marks.clear();
      await this.sql.run('mark_follow_ups', [entries.map(([id]) => id), entries.map(([, mark]) => mark)]);
    }
  }
}

function activeFromRow(row: Row): Active {
  return {
    id: Number(row.id),
    running: row.status === 'running',
    child: row.request_type === 'child',
    toHub: row.direction === 'to_hub',
    payloadHook: row.payload_hook === null || row.payload_hook === undefined ? null : Number(row.payload_hook),
    payloadVersion: textOrNull(row.payload_version),
    markVersion: textOrNull(row.mark_version),
  };
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
