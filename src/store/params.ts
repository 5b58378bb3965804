/**
 * The columns of a new transfer request, from what the engine and the planner hand the store: the
 * same for every adapter (SQLite's insert_transfer, PostgreSQL's insert_transfers).
 */
import type { PlannedTransfer } from '../domain/types.js';
import type { NewTransfer } from './store.js';
import { recordKey } from './rows.js';

export type TransferRow = {
  trackingId: string;
  hookId: number | null;
  notificationId: number | null;
  parentId: number | null;
  connection: string;
  type: string;
  direction: string;
  scope: string;
  externalId: string | null;
  requestType: string;
  status: string;
  reason: string | null;
  reasonCode: string | null;
  recordKey: string;
  hubId: number | null;
  sourceConnection: string | null;
  origin: string | null;
  runAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  now: number;
  payloadHook: number | null;
  payloadSeq: number | null;
  /** The version of the payload record (null: no payload, or none read). */
  payloadVersion: string | null;
};

/** A planned request: from a resolved hook (`hookId`), a feed or a manual sync (no hook). */
export function plannedParams(t: PlannedTransfer, hookId: number | null, notificationId: number | null, now: number): TransferRow {
  return {
    trackingId: t.trackingId,
    hookId,
    notificationId,
    parentId: null,
    connection: t.connection,
    type: t.type,
    direction: t.direction,
    scope: t.scope,
    externalId: t.externalId,
    requestType: t.requestType,
    status: t.status,
    reason: t.reason,
    reasonCode: t.reasonCode,
    recordKey: recordKey(t.direction, t.connection, t.type, t.externalId, null),
    hubId: null,
    sourceConnection: null,
    origin: t.origin,
    runAt: t.runAt,
    leaseOwner: null,
    leaseUntil: null,
    now,
    // The element of this hook that carries the record (a receiver with `record`).
    payloadHook: t.payload && hookId !== null ? hookId : null,
    payloadSeq: t.payload && hookId !== null ? t.seq : null,
    // Its version, read at resolution: a waiting request keeps the newest payload it absorbs (enqueue.ts).
    payloadVersion: t.payload && hookId !== null ? (t.payloadVersion ?? null) : null,
  };
}

/** An engine-made request: a child of a running request (inserted running), or a fan-out from the hub. */
export function transferParams(t: NewTransfer, now: number, extra: { status: string; leaseOwner: string | null; leaseUntil: number | null }): TransferRow {
  return {
    trackingId: t.trackingId,
    hookId: t.hookId,
    notificationId: null,
    parentId: t.parentId,
    connection: t.connection,
    type: t.type,
    direction: t.direction,
    scope: t.scope,
    externalId: t.externalId,
    requestType: t.requestType,
    status: extra.status,
    reason: null,
    reasonCode: null,
    recordKey: recordKey(t.direction, t.connection, t.type, t.externalId, t.hubId),
    hubId: t.hubId,
    sourceConnection: t.sourceConnection,
    origin: t.origin,
    runAt: now,
    leaseOwner: extra.leaseOwner,
    leaseUntil: extra.leaseUntil,
    now,
    payloadHook: null,
    payloadSeq: null,
    payloadVersion: null,
  };
}
