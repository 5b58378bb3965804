/**
 * The hub: canonical records with their cross-references to each system's ids, changed by to_hub
 * transfers together with the fan-out they cause; and the echoes hookyard expects back.
 */
import type { DataType, HubRecord } from '../../domain/types.js';
import type { Claim, NewTransfer } from './transfer-queue.js';

/**
 * A change to the hub from one to_hub transfer, applied in one transaction with the fan-out it
 * causes, so that a crash can never leave a changed hub record without its outgoing requests.
 */
export interface HubChange {
  type: DataType;
  /** null: create a new hub record. */
  hubId: number | null;
  /** The version read before mapping; the write fails with a conflict when it moved on. */
  expectedVersion: number | null;
  data: Record<string, unknown>;
  deleted: boolean;
  /** Record the cross-reference (connection, type, external id) → this hub record. */
  link: { connection: string; externalId: string; replaceExisting: boolean } | null;
  /**
   * Match-and-link: a new record (hubId null) is created only while no live hub record of the type
   * has this value in this field; otherwise the change fails with HubConflictError and is decided
   * again (it then links to that record). Two transfers with one match value end with one record.
   */
  match?: { field: string; value: unknown } | null;
  /** One from_hub request per destination (hub id filled in by the store). */
  fanOut: Array<Omit<NewTransfer, 'hubId'>>;
  /**
   * The version of the source record this change was taken from (the receiver's `record.version`),
   * kept on the source's link so that an older payload arriving later is skipped as stale.
   */
  sourceVersion?: { connection: string; externalId: string; version: string } | null;
  /** The source deleted its record: its link (connection + type → this hub record) is marked deleted. */
  linkDeleted?: { connection: string } | null;
  /**
   * The source record this change read and took in, and the values it holds in hub terms (JSON):
   * they become its link's known values, and the hash of hookyard's last write there is forgotten.
   */
  takenFrom?: { connection: string; externalId: string; known: string } | null;
}

/** A connection's link to a hub record. */
export interface ExternalLink {
  externalId: string;
  writtenHash: string | null;
  /**
   * What hookyard last knew the record to hold, in hub terms (JSON): the hub record's values it
   * wrote there, or the values it read there and took in; null when neither happened yet.
   */
  knownHub: string | null;
  /** Set when the record was deleted in that system. */
  deletedAt: number | null;
  /** The version of the source record the hub last took in through this link (payload records). */
  sourceVersion: string | null;
}

export class HubConflictError extends Error {
  constructor(hubId: number | null, detail?: string) {
    super(detail ?? `hub record ${hubId} changed while it was being mapped`);
    this.name = 'HubConflictError';
  }
}

export interface HubRecords {
  getHubRecord(id: number): Promise<HubRecord | null>;
  hubRecordByExternalId(connection: string, type: DataType, externalId: string): Promise<HubRecord | null>;
  /** A live hub record of the type whose (top-level) field equals the value. */
  hubRecordByField(type: DataType, field: string, value: unknown): Promise<HubRecord | null>;
  /** The connection's link to a hub record; `deletedAt` set when its record was deleted there. */
  externalIdOf(connection: string, type: DataType, hubId: number): Promise<ExternalLink | null>;
  externalIdsOfHubRecord(hubId: number): Promise<Array<{ connection: string; type: DataType; externalId: string; deletedAt: number | null }>>;

  /**
   * Applies a to_hub change with its fan-out while `claim` holds. Throws HubConflictError when the
   * hub record moved past `expectedVersion` or `match` found a record created meanwhile; resolves
   * null when the claim is lost.
   */
  applyHubChange(claim: Claim, change: HubChange, now: number): Promise<{ hubId: number; fanOut: number[] } | null>;

  /** One more echo expected for this record (a write hookyard is about to make). */
  registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): Promise<void>;
  /** True (and counted off) when an echo is still expected for this record. */
  consumeEcho(connection: string, type: DataType, externalId: string, now: number): Promise<boolean>;
}
