/**
 * The engine's tables in PostgreSQL: transfer claims and outcomes, hub records, cross-references,
 * echoes and activity. PostgresStore delegates to this; each method is one transaction.
 *
 * Claims across processes: a claim walks the heads (migration 001) in (run_at, id) order, takes
 * their rows FOR UPDATE SKIP LOCKED and stops after its limit; of those it keeps the ones whose
 * record it can lock without waiting, and checks them again in a fresh snapshot before taking them.
 * Every other write that changes which requests of a record are active holds the record's lock
 * (enqueue.ts), so a claim never takes a request while another transaction decides about its record.
 */
import type { ActivityEntry, DataType, HubRecord, TransferRequest } from '../../domain/types.js';
import { isStalePayload } from '../../domain/version.js';
import { claimedFromRow, hubRecordFromRow, recordKey, transferFromRow } from '../rows.js';
import {
  HubConflictError,
  LinkConflictError,
  type Claim,
  type ClaimedTransfer,
  type ExternalLink,
  type FinishEffects,
  type HubChange,
  type NewTransfer,
  type TransferOutcome,
} from '../store.js';
import { notifyWork, type Db, type Row, type Sql } from './db.js';
import { Enqueue, type FollowUp } from './enqueue.js';
import { transferParams } from '../params.js';

/** Writes a run's activity steps (one statement). */
export async function insertActivity(sql: Sql, entries: ReadonlyArray<{ transferId: number; at: number; step: string; detail: string | null }>): Promise<void> {
  if (entries.length === 0) return;
  await sql.run('insert_activities', [entries.map((e) => e.transferId), entries.map((e) => e.at), entries.map((e) => e.step), entries.map((e) => e.detail)]);
}

/** Whether a claim, and each claim it runs inside, still holds; share-locks their rows until the transaction ends. */
async function holds(sql: Sql, claim: Claim): Promise<Row | undefined> {
  let first: Row | undefined;
  for (let c: Claim | null | undefined = claim; c; c = c.parent) {
    const row = await sql.row('holds_claim', [c.id, c.token]);
    if (row === undefined) return undefined;
    first ??= row;
  }
  return first;
}

export class EngineTables {
  constructor(private readonly db: Db) {}

  async claimTransfers(worker: string, limit: number, now: number, leaseMs: number, dueBy: number): Promise<ClaimedTransfer[]> {
    dueBy = Math.min(dueBy, now);
    return this.db.transaction(async (sql) => {
      const go = await sql.row('claim_orphans', [now]);
      if (!go?.ok) return []; // a bulk enqueue holds every record for a moment
      const ids = (await sql.rows('claim_candidates', [now, dueBy, limit])).map((row) => Number(row.id));
      if (ids.length === 0) return [];
      const claimed = await sql.rows('claim_transfers', [ids, worker, now, now + leaseMs]);
      return claimed.map(claimedFromRow).sort((a, b) => a.id - b.id);
    });
  }

  async renewTransfers(claims: readonly Claim[], now: number, leaseMs: number): Promise<number[]> {
    if (claims.length === 0) return [];
    const renewed = new Set(
      (await this.db.sql.rows('renew_transfers', [claims.map((c) => c.id), claims.map((c) => c.token), now + leaseMs])).map((row) => `${row.id}:${row.claim}`),
    );
    return claims.filter((c) => !renewed.has(`${c.id}:${c.token}`)).map((c) => c.id);
  }

  async startChild(parent: Claim, child: NewTransfer, now: number, leaseMs: number): Promise<ClaimedTransfer | null> {
    return this.db.transaction(async (sql) => {
      // The child's record first, then the parent's row, in the order a parent finishing takes them.
      const enqueue = new Enqueue(sql);
      await enqueue.open([recordKey(child.direction, child.connection, child.type, child.externalId, child.hubId)], 1);
      const held = await holds(sql, parent);
      if (!held) return null;
      const id = enqueue.insert(transferParams(child, now, { status: 'running', leaseOwner: String(held.lease_owner), leaseUntil: now + leaseMs }));
      await enqueue.flush(now);
      const started = claimedFromRow((await sql.row('get_transfer', [id]))!);
      started.claim.parent = parent;
      return started;
    });
  }

  async finishTransfer(claim: Claim, o: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number): Promise<boolean> {
    return this.db.transaction(async (sql) => {
      const id = claim.id;
      const final = o.status !== 'retrying';
      // Its record's lock, before its status changes (the head moves, a follow-up may be queued),
      // and before its parent's row: a parent finishing takes them in the same order.
      const key = await sql.row('lock_record_of', [id]);
      if (!key) return false;
      const recordKey = String(key.record_key);
      if (claim.parent && !(await holds(sql, claim.parent))) return false;
      const done = await sql.row('finish_transfer', [
        id,
        claim.token,
        o.status,
        o.reason,
        o.reasonCode,
        o.errorCode,
        o.error,
        o.runAt,
        o.hubId,
        o.resolvedBy,
        final ? now : null,
        o.refundAttempt ? 1 : 0,
        now,
      ]);
      if (!done) return false;
      const steps = activity.map((entry) => ({ transferId: id, at: entry.at, step: entry.step, detail: entry.detail }));
      if (effects.link) {
        const { link } = effects;
        await sql.run('lock_link', [link.connection, link.type, link.hubId]);
        await sql.run('drop_deleted_link', [link.connection, link.type, link.hubId]);
        const existing = await sql.row('external_id_for', [link.connection, link.type, link.hubId]);
        if (existing && existing.external_id !== link.externalId) {
          throw new LinkConflictError(link.connection, link.externalId, String(existing.external_id)); // rolls the transaction back
        }
        await sql.run('link_external_id', [link.connection, link.type, link.externalId, link.hubId, link.writtenHash, link.knownHub ?? null, now]);
      }
      if (effects.writtenHash) {
        const w = effects.writtenHash;
        await sql.run('set_written_hash', [w.connection, w.type, w.hubId, w.hash, w.known ?? null]);
      }
      if (effects.echo) {
        const e = effects.echo;
        await sql.run('register_echo', [e.connection, e.type, e.externalId, e.expiresAt, now]);
      }
      if (effects.linkDeleted) {
        const d = effects.linkDeleted;
        await sql.run('mark_link_deleted', [d.connection, d.type, d.hubId, now]);
      }
      if (effects.retireFailedChildren) await sql.run('retire_failed_children', [id, now]);
      // Coalescing while running: what arrived for the record while this attempt ran.
      const marked = done.follow_up === null || done.follow_up === undefined ? null : String(done.follow_up);
      let followUp: FollowUp = { kind: 'none' };
      if (marked !== null) {
        await sql.run('clear_follow_up', [id]);
        const enqueue = new Enqueue(sql);
        await enqueue.load([recordKey]);
        await enqueue.reserve(1);
        followUp = enqueue.followUp(id, recordKey, !final, marked, now);
        await enqueue.flush(now);
      }
      if (followUp.kind === 'queued') {
        steps.push({ transferId: id, at: now, step: 'follow-up', detail: `changes arrived while this ran: transfer ${followUp.id} runs once more for them` });
        steps.push({ transferId: followUp.id, at: now, step: 'queued', detail: `follow-up of transfer ${id}: the newest change that arrived while it ran` });
      } else if (followUp.kind === 'absorbed') {
        const detail = followUp.id === id ? 'changes arrived while this ran: the retry reads the record anew' : `changes arrived while this ran: transfer ${followUp.id}, waiting for the record, covers them`;
        steps.push({ transferId: id, at: now, step: 'follow-up', detail });
      }
      await insertActivity(sql, steps);
      return true;
    });
  }

  async releaseTransfers(worker: string, now: number): Promise<number> {
    return this.db.transaction(async (sql) => {
      const running = await sql.rows('running_of_worker', [worker]);
      if (running.length === 0) return 0;
      await sql.run('lock_records', [running.map((row) => String(row.record_key))]);
      const ids = running.map((row) => Number(row.id));
      await sql.run('release_children', [ids, worker, now]);
      // A request marked while it ran waits again and takes its mark in, as a retrying one does
      // (enqueue.ts): it keeps its own payload when the mark's is older.
      const keep = (await sql.rows('marks_of_transfers', [ids]))
        .filter((row) => isStalePayload(textOrNull(row.mark_version), textOrNull(row.payload_version)))
        .map((row) => Number(row.id));
      const released = await sql.run('release_transfers', [ids, worker, now, keep]);
      if (released > 0) await notifyWork(sql, 'transfers'); // handed back to run at once, by another process
      return released;
    });
  }

  async applyHubChange(claim: Claim, change: HubChange, now: number): Promise<{ hubId: number; fanOut: number[] } | null> {
    return this.db.transaction(async (sql) => {
      // A new record's id first, so that the records of its fan-out are locked before anything
      // else, as every transaction takes its record locks (enqueue.ts).
      const hubId = change.hubId ?? Number((await sql.row('reserve_hub_record_id'))!.id);
      const rows = change.fanOut.map((out) => transferParams({ ...out, hubId }, now, { status: 'queued', leaseOwner: null, leaseUntil: null }));
      const enqueue = new Enqueue(sql);
      await enqueue.open(
        rows.map((row) => row.recordKey),
        rows.length,
      );
      if (!(await holds(sql, claim))) return null;
      const data = JSON.stringify(change.data);
      if (change.hubId === null) {
        if (change.match) {
          // Match-and-link, enforced here: a record with this value created since the transfer
          // looked is linked to, not doubled (the transfer decides again and finds it). The lock
          // makes a second create with this value wait, and then see the first one's record.
          const value = JSON.stringify(change.match.value);
          await sql.run('lock_match', [change.type, change.match.field, value]);
          const twin = await sql.row('hub_record_by_field', [change.type, change.match.field, value]);
          if (twin) throw new HubConflictError(Number(twin.id), `hub ${change.type} ${twin.id} with ${change.match.field} = ${value} was created meanwhile`);
        }
        await sql.run('insert_hub_record', [hubId, change.type, data, now]);
      } else {
        const written = await sql.run('update_hub_record', [hubId, data, change.deleted, change.expectedVersion, now]);
        if (written === 0) throw new HubConflictError(hubId);
      }
      if (change.link) {
        const { link } = change;
        await sql.run('lock_link', [link.connection, change.type, hubId]);
        await sql.run(link.replaceExisting ? 'unlink_hub_record' : 'drop_deleted_link', [link.connection, change.type, hubId]);
        await sql.run('link_external_id', [link.connection, change.type, link.externalId, hubId, null, change.takenFrom?.known ?? null, now]);
      }
      if (change.sourceVersion) {
        const { connection, externalId, version } = change.sourceVersion;
        await sql.run('set_source_version', [connection, change.type, externalId, version]);
      }
      // A new link has the known values already (above).
      if (change.takenFrom && !change.link) await sql.run('take_known', [change.takenFrom.connection, change.type, change.takenFrom.externalId, change.takenFrom.known]);
      if (change.linkDeleted) await sql.run('mark_link_deleted', [change.linkDeleted.connection, change.type, hubId, now]);
      // A queued request for the destination absorbs its fan-out: it reads the hub record as it is then.
      const fanOut = rows.map((row) => enqueue.put(row).id);
      await enqueue.flush(now);
      return { hubId, fanOut };
    });
  }

  async activityOf(transferId: number): Promise<ActivityEntry[]> {
    return (await this.db.sql.rows('activity_of_transfer', [transferId])).map((row) => ({
      at: Number(row.at),
      step: String(row.step),
      detail: row.detail === null ? null : String(row.detail),
    }));
  }

  async childrenOf(transferId: number): Promise<TransferRequest[]> {
    return (await this.db.sql.rows('children_of_transfer', [transferId])).map(transferFromRow);
  }

  async getHubRecord(id: number): Promise<HubRecord | null> {
    const row = await this.db.sql.row('get_hub_record', [id]);
    return row ? hubRecordFromRow(row) : null;
  }

  async hubRecordByExternalId(connection: string, type: DataType, externalId: string): Promise<HubRecord | null> {
    const row = await this.db.sql.row('hub_record_by_external_id', [connection, type, externalId]);
    return row ? hubRecordFromRow(row) : null;
  }

  async hubRecordByField(type: DataType, field: string, value: unknown): Promise<HubRecord | null> {
    if (value === undefined) return null;
    const row = await this.db.sql.row('hub_record_by_field', [type, field, JSON.stringify(value)]);
    return row ? hubRecordFromRow(row) : null;
  }

  async externalIdOf(connection: string, type: DataType, hubId: number): Promise<ExternalLink | null> {
    const row = await this.db.sql.row('external_id_for', [connection, type, hubId]);
    return row
      ? {
          externalId: String(row.external_id),
          writtenHash: row.written_hash === null ? null : String(row.written_hash),
          knownHub: row.known_hub === null || row.known_hub === undefined ? null : String(row.known_hub),
          deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
          sourceVersion: row.source_version === null ? null : String(row.source_version),
        }
      : null;
  }

  async externalIdsOfHubRecord(hubId: number): Promise<Array<{ connection: string; type: DataType; externalId: string; deletedAt: number | null }>> {
    return (await this.db.sql.rows('external_ids_of_hub_record', [hubId])).map((row) => ({
      connection: String(row.connection),
      type: row.type as DataType,
      externalId: String(row.external_id),
      deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    }));
  }

  async registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): Promise<void> {
    await this.db.sql.run('register_echo', [connection, type, externalId, expiresAt, now]);
  }

  async consumeEcho(connection: string, type: DataType, externalId: string, now: number): Promise<boolean> {
    return (await this.db.sql.row('consume_echo', [connection, type, externalId, now])) !== undefined;
  }
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
