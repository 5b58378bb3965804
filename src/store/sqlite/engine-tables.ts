/**
 * The engine's tables in SQLite: transfer claims and outcomes, hub records, cross-references,
 * echoes and activity. SqliteStore delegates to this; each method is one transaction.
 */
import type Database from 'better-sqlite3';
import { isStalePayload } from '../../domain/version.js';
import type { ActivityEntry, DataType, HubRecord, TransferRequest } from '../../domain/types.js';
import { claimedFromRow, hubRecordFromRow, transferFromRow } from '../rows.js';
import {
  HubConflictError,
  LinkConflictError,
  type Claim,
  type ClaimedTransfer,
  type FinishEffects,
  type ExternalLink,
  type HubChange,
  type NewTransfer,
  type TransferOutcome,
} from '../store.js';
import type { Enqueue } from './enqueue.js';
import { transferParams } from '../params.js';

type Row = Record<string, unknown>;
type Statement = Database.Statement;


export class EngineTables {
  private readonly s: Record<string, Statement>;
  private readonly claimTx;
  private readonly startChildTx;
  private readonly finishTx;
  private readonly applyTx;
  private readonly renewTx;
  private readonly releaseTx;

  constructor(db: Database.Database, prepare: (name: string) => Statement, private readonly enqueue: Enqueue) {
    this.s = Object.fromEntries(
      [
        'claim_transfers',
        'insert_transfer',
        'holds_claim',
        'renew_transfer',
        'get_transfer',
        'finish_transfer',
        'insert_activity',
        'activity_of_transfer',
        'children_of_transfer',
        'get_hub_record',
        'hub_record_by_external_id',
        'hub_record_by_field',
        'insert_hub_record',
        'update_hub_record',
        'external_id_for',
        'external_ids_of_hub_record',
        'link_external_id',
        'unlink_hub_record',
        'set_written_hash',
        'register_echo',
        'consume_echo',
        'release_transfers',
        'release_children',
        'marks_of_worker',
        'set_follow_up',
        'abandon_orphans',
        'mark_link_deleted',
        'drop_deleted_link',
        'retire_failed_children',
        'set_source_version',
        'take_known',
      ].map((name) => [name, prepare(name)]),
    );

    this.claimTx = db.transaction((worker: string, limit: number, now: number, leaseMs: number, dueBy: number) => {
      this.s.abandon_orphans!.run({ now });
      return (this.s.claim_transfers!.all({ worker, now, dueBy, leaseUntil: now + leaseMs, limit }) as Row[]).map(claimedFromRow).sort((a, b) => a.id - b.id);
    });

    this.startChildTx = db.transaction((parent: Claim, child: NewTransfer, now: number, leaseMs: number) => {
      if (!this.holds(parent)) return null;
      const owner = (this.s.get_transfer!.get({ id: parent.id }) as Row).lease_owner as string;
      const row = this.s.insert_transfer!.get(transferParams(child, now, { status: 'running', leaseOwner: owner, leaseUntil: now + leaseMs })) as Row;
      const started = claimedFromRow(this.s.get_transfer!.get({ id: row.id }) as Row);
      started.claim.parent = parent;
      return started;
    });

    this.releaseTx = db.transaction((worker: string, now: number) => {
      this.s.release_children!.run({ worker, now });
      // A mark whose record is older than the request's own payload is not taken in (enqueue.ts).
      for (const row of this.s.marks_of_worker!.all({ worker }) as Row[]) {
        const mark = JSON.parse(String(row.follow_up)) as Record<string, unknown>;
        const ownVersion = (row.payload_version as string | null) ?? null;
        if (row.payload_hook === null || (mark.payloadHook ?? null) === null) continue;
        if (!isStalePayload((mark.payloadVersion as string | null | undefined) ?? null, ownVersion)) continue;
        const kept = { ...mark, payloadHook: row.payload_hook, payloadSeq: row.payload_seq, payloadVersion: ownVersion };
        this.s.set_follow_up!.run({ id: row.id, followUp: JSON.stringify(kept) });
      }
      return this.s.release_transfers!.run({ worker, now }).changes;
    });

    this.renewTx = db.transaction((claims: readonly Claim[], now: number, leaseMs: number) => {
      const lost: number[] = [];
      for (const claim of claims) {
        if (this.s.renew_transfer!.run({ id: claim.id, token: claim.token, leaseUntil: now + leaseMs }).changes === 0) lost.push(claim.id);
      }
      return lost;
    });

    this.finishTx = db.transaction(
      (claim: Claim, o: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number) => {
        if (claim.parent && !this.holds(claim.parent)) return false;
        const id = claim.id;
        const final = o.status !== 'retrying';
        const done = this.s.finish_transfer!.run({
          id,
          token: claim.token,
          status: o.status,
          reason: o.reason,
          reasonCode: o.reasonCode,
          errorCode: o.errorCode,
          error: o.error,
          runAt: o.runAt,
          hubId: o.hubId,
          resolvedBy: o.resolvedBy,
          finishedAt: final ? now : null,
          refund: o.refundAttempt ? 1 : 0,
          now,
        });
        if (done.changes === 0) return false;
        for (const entry of activity) this.s.insert_activity!.run({ transferId: id, at: entry.at, step: entry.step, detail: entry.detail });
        if (effects.link) {
          const { link } = effects;
          this.s.drop_deleted_link!.run({ connection: link.connection, type: link.type, hubId: link.hubId });
          const existing = this.s.external_id_for!.get({ connection: link.connection, type: link.type, hubId: link.hubId }) as Row | undefined;
          if (existing && existing.external_id !== link.externalId) {
            throw new LinkConflictError(link.connection, link.externalId, String(existing.external_id)); // rolls the transaction back
          }
          this.s.link_external_id!.run({ connection: link.connection, type: link.type, externalId: link.externalId, hubId: link.hubId, writtenHash: link.writtenHash, knownHub: link.knownHub ?? null, now });
        }
        if (effects.writtenHash) {
          const w = effects.writtenHash;
          this.s.set_written_hash!.run({ connection: w.connection, type: w.type, hubId: w.hubId, writtenHash: w.hash, knownHub: w.known ?? null });
        }
        if (effects.echo) this.s.register_echo!.run({ ...effects.echo, now });
        if (effects.linkDeleted) this.s.mark_link_deleted!.run({ ...effects.linkDeleted, now });
        if (effects.retireFailedChildren) this.s.retire_failed_children!.run({ parentId: id, now });
        // Coalescing while running: what arrived for the record while this attempt ran.
        const followUp = this.enqueue.followUp(id, !final, now);
        if (followUp.kind === 'queued') {
          this.s.insert_activity!.run({ transferId: id, at: now, step: 'follow-up', detail: `changes arrived while this ran: transfer ${followUp.id} runs once more for them` });
          this.s.insert_activity!.run({ transferId: followUp.id, at: now, step: 'queued', detail: `follow-up of transfer ${id}: the newest change that arrived while it ran` });
        } else if (followUp.kind === 'absorbed') {
          const detail = followUp.id === id ? 'changes arrived while this ran: the retry reads the record anew' : `changes arrived while this ran: transfer ${followUp.id}, waiting for the record, covers them`;
          this.s.insert_activity!.run({ transferId: id, at: now, step: 'follow-up', detail });
        }
        return true;
      },
    );

    this.applyTx = db.transaction((claim: Claim, change: HubChange, now: number) => {
      if (!this.holds(claim)) return null;
      let hubId: number;
      const data = JSON.stringify(change.data);
      if (change.hubId === null) {
        if (change.match) {
          // Match-and-link, enforced here: a record with this value created since the transfer
          // looked is linked to, not doubled (the transfer decides again and finds it).
          const twin = this.hubRecordByField(change.type, change.match.field, change.match.value);
          if (twin) throw new HubConflictError(twin.id, `hub ${change.type} ${twin.id} with ${change.match.field} = ${JSON.stringify(change.match.value)} was created meanwhile`);
        }
        hubId = Number((this.s.insert_hub_record!.get({ type: change.type, data, now }) as Row).id);
      } else {
        hubId = change.hubId;
        const written = this.s.update_hub_record!.run({ id: hubId, data, deleted: change.deleted ? 1 : 0, version: change.expectedVersion, now });
        if (written.changes === 0) throw new HubConflictError(hubId);
      }
      if (change.link) {
        const { link } = change;
        if (link.replaceExisting) this.s.unlink_hub_record!.run({ connection: link.connection, type: change.type, hubId });
        else this.s.drop_deleted_link!.run({ connection: link.connection, type: change.type, hubId });
        this.s.link_external_id!.run({ connection: link.connection, type: change.type, externalId: link.externalId, hubId, writtenHash: null, knownHub: change.takenFrom?.known ?? null, now });
      }
      if (change.sourceVersion) {
        const { connection, externalId, version } = change.sourceVersion;
        this.s.set_source_version!.run({ connection, type: change.type, externalId, version });
      }
      // A new link has the known values already (above).
      if (change.takenFrom && !change.link) this.s.take_known!.run({ connection: change.takenFrom.connection, type: change.type, externalId: change.takenFrom.externalId, knownHub: change.takenFrom.known });
      if (change.linkDeleted) this.s.mark_link_deleted!.run({ connection: change.linkDeleted.connection, type: change.type, hubId, now });
      // A queued request for the destination absorbs its fan-out: it reads the hub record as it is then.
      const fanOut = change.fanOut.map((out) => this.enqueue.put(transferParams({ ...out, hubId }, now, { status: 'queued', leaseOwner: null, leaseUntil: null })).id);
      return { hubId, fanOut };
    });
  }

  /** Whether a claim, and each claim it runs inside, still holds. */
  private holds(claim: Claim): boolean {
    for (let c: Claim | null | undefined = claim; c; c = c.parent) {
      if (this.s.holds_claim!.get({ id: c.id, token: c.token }) === undefined) return false;
    }
    return true;
  }

  claimTransfers(worker: string, limit: number, now: number, leaseMs: number, dueBy = now): ClaimedTransfer[] {
    return this.claimTx.immediate(worker, limit, now, leaseMs, Math.min(dueBy, now));
  }

  renewTransfers(claims: readonly Claim[], now: number, leaseMs: number): number[] {
    return this.renewTx.immediate(claims, now, leaseMs);
  }

  startChild(parent: Claim, child: NewTransfer, now: number, leaseMs: number): ClaimedTransfer | null {
    return this.startChildTx.immediate(parent, child, now, leaseMs);
  }

  finishTransfer(claim: Claim, outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number): boolean {
    return this.finishTx.immediate(claim, outcome, activity, effects, now);
  }

  releaseTransfers(worker: string, now: number): number {
    return this.releaseTx.immediate(worker, now);
  }

  activityOf(transferId: number): ActivityEntry[] {
    return (this.s.activity_of_transfer!.all({ transferId }) as Row[]).map((row) => ({
      at: Number(row.at),
      step: String(row.step),
      detail: row.detail === null ? null : String(row.detail),
    }));
  }

  childrenOf(transferId: number): TransferRequest[] {
    return (this.s.children_of_transfer!.all({ parentId: transferId }) as Row[]).map(transferFromRow);
  }

  getHubRecord(id: number): HubRecord | null {
    const row = this.s.get_hub_record!.get({ id }) as Row | undefined;
    return row ? hubRecordFromRow(row) : null;
  }

  hubRecordByExternalId(connection: string, type: DataType, externalId: string): HubRecord | null {
    const row = this.s.hub_record_by_external_id!.get({ connection, type, externalId }) as Row | undefined;
    return row ? hubRecordFromRow(row) : null;
  }

  hubRecordByField(type: DataType, field: string, value: unknown): HubRecord | null {
    const row = this.s.hub_record_by_field!.get({ type, path: `$."${field.replaceAll('"', '')}"`, value: JSON.stringify(value) }) as Row | undefined;
    return row ? hubRecordFromRow(row) : null;
  }

  externalIdOf(connection: string, type: DataType, hubId: number): ExternalLink | null {
    const row = this.s.external_id_for!.get({ connection, type, hubId }) as Row | undefined;
    return row
      ? {
          externalId: String(row.external_id),
          writtenHash: row.written_hash === null ? null : String(row.written_hash),
          knownHub: row.known_hub === null || row.known_hub === undefined ? null : String(row.known_hub),
          deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
          sourceVersion: row.source_version === null || row.source_version === undefined ? null : String(row.source_version),
        }
      : null;
  }

  externalIdsOfHubRecord(hubId: number): Array<{ connection: string; type: DataType; externalId: string; deletedAt: number | null }> {
    return (this.s.external_ids_of_hub_record!.all({ hubId }) as Row[]).map((row) => ({
      connection: String(row.connection),
      type: row.type as DataType,
      externalId: String(row.external_id),
      deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    }));
  }

  applyHubChange(claim: Claim, change: HubChange, now: number): { hubId: number; fanOut: number[] } | null {
    return this.applyTx.immediate(claim, change, now);
  }

  registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): void {
    this.s.register_echo!.run({ connection, type, externalId, expiresAt, now });
  }

  consumeEcho(connection: string, type: DataType, externalId: string, now: number): boolean {
    return this.s.consume_echo!.get({ connection, type, externalId, now }) !== undefined;
  }
}
