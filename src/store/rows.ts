/** Row ↔ domain conversions shared by the adapters (column names are the same in both). */
import type { ActivityEntry, HubRecord, StoredHook, TransferRequest } from '../domain/types.js';
import type { ClaimedTransfer, Feed, FeedKind, HookSummary, LineageFilter, LineageStep, Page, PrunedLineage, StoredNotification } from './store.js';

type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function hookFromRow(row: Row): StoredHook {
  return {
    id: num(row.id),
    connection: String(row.connection),
    receivedAt: num(row.received_at),
    headers: JSON.parse(String(row.headers)) as Record<string, string>,
    segments: JSON.parse(String(row.segments)) as string[],
    contentType: strOrNull(row.content_type),
    body: Buffer.isBuffer(row.body) ? row.body : Buffer.from(row.body as Uint8Array),
    status: row.status as StoredHook['status'],
    errorCode: strOrNull(row.error_code),
    errorMessage: strOrNull(row.error_message),
    resolvedAt: numOrNull(row.resolved_at),
  };
}

export function hookSummaryFromRow(row: Row): HookSummary {
  return {
    id: num(row.id),
    connection: String(row.connection),
    receivedAt: num(row.received_at),
    contentType: strOrNull(row.content_type),
    bodyBytes: num(row.body_bytes),
    status: row.status as HookSummary['status'],
    errorCode: strOrNull(row.error_code),
    errorMessage: strOrNull(row.error_message),
    resolvedAt: numOrNull(row.resolved_at),
  };
}

export function notificationFromRow(row: Row): StoredNotification {
  return {
    id: num(row.id),
    hookId: num(row.hook_id),
    seq: num(row.seq),
    hookName: strOrNull(row.hook_name),
    scope: strOrNull(row.scope) as StoredNotification['scope'],
    externalId: strOrNull(row.external_id),
    status: row.status as StoredNotification['status'],
    reason: strOrNull(row.reason),
  };
}

export function transferFromRow(row: Row): TransferRequest {
  return {
    id: num(row.id),
    trackingId: String(row.tracking_id),
    hookId: numOrNull(row.hook_id),
    parentId: numOrNull(row.parent_id),
    connection: String(row.connection),
    type: row.type as TransferRequest['type'],
    direction: row.direction as TransferRequest['direction'],
    scope: row.scope as TransferRequest['scope'],
    externalId: strOrNull(row.external_id),
    requestType: row.request_type as TransferRequest['requestType'],
    status: row.status as TransferRequest['status'],
    reason: strOrNull(row.reason),
    attempts: num(row.attempts),
    runAt: num(row.run_at),
    lastErrorCode: strOrNull(row.last_error_code),
    lastError: strOrNull(row.last_error),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    hubId: numOrNull(row.hub_id),
    sourceConnection: strOrNull(row.source_connection),
    origin: strOrNull(row.origin),
    reasonCode: strOrNull(row.reason_code),
    resolvedBy: numOrNull(row.resolved_by),
    finishedAt: numOrNull(row.finished_at),
    payload: row.payload_hook === null || row.payload_hook === undefined ? null : { hookId: num(row.payload_hook), seq: num(row.payload_seq) },
    leaseOwner: strOrNull(row.lease_owner),
    leaseUntil: numOrNull(row.lease_until),
  };
}

/** A row just claimed, with the claim its run presents on every write. */
export function claimedFromRow(row: Row): ClaimedTransfer {
  return { ...transferFromRow(row), claim: { id: num(row.id), token: num(row.claim) } };
}

export function hubRecordFromRow(row: Row): HubRecord {
  return {
    id: num(row.id),
    type: row.type as HubRecord['type'],
    data: JSON.parse(String(row.data)) as Record<string, unknown>,
    version: num(row.version),
    deleted: Boolean(num(row.deleted)),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

/** A hub record's summary of pruned lineage from its rows (pruned_lineage_of): null when none were pruned. */
export function prunedLineageFromRows(rows: Row[]): PrunedLineage | null {
  if (rows.length === 0) return null;
  const summary: PrunedLineage = { steps: 0, from: Infinity, to: -Infinity, byStatus: {}, byDirection: {}, byConnection: {} };
  const add = (into: Record<string, number>, key: string, n: number) => {
    into[key] = (into[key] ?? 0) + n;
  };
  for (const row of rows) {
    const n = Number(row.steps);
    summary.steps += n;
    summary.from = Math.min(summary.from, Number(row.first_at));
    summary.to = Math.max(summary.to, Number(row.last_at));
    add(summary.byStatus, String(row.status), n);
    add(summary.byDirection, String(row.direction), n);
    add(summary.byConnection, String(row.connection), n);
  }
  return summary;
}

/** `direction|connection|type|id`: transfers with the same key run one at a time, in order. */
/** A lineage page: each transfer with its activity (rows of activity_of_transfers, by transfer id). */
export function lineagePage(transfers: TransferRequest[], activityRows: Row[], filter: LineageFilter): Page<LineageStep> {
  const activity = new Map<number, ActivityEntry[]>(transfers.map((t) => [t.id, []]));
  for (const row of activityRows) {
    activity.get(Number(row.transfer_id))?.push({ at: Number(row.at), step: String(row.step), detail: row.detail === null ? null : String(row.detail) });
  }
  const items = transfers.map((transfer) => ({ transfer, activity: activity.get(transfer.id)! }));
  return { items, next: items.length === filter.limit ? items.at(-1)!.transfer.id : null };
}

export function recordKey(direction: string, connection: string, type: string, externalId: string | null, hubId: number | null): string {
  return direction === 'from_hub' ? `from_hub|${connection}|${type}|hub:${hubId ?? ''}` : `to_hub|${connection}|${type}|${externalId ?? ''}`;
}

/** A feed row as both stores keep it. */
export function feedFromRow(row: Row): Feed {
  return {
    connection: String(row.connection),
    type: row.type as Feed['type'],
    kind: row.kind as FeedKind,
    cursor: row.cursor === null ? null : String(row.cursor),
    status: String(row.status) as Feed['status'],
    nextRunAt: Number(row.next_run_at),
    pages: Number(row.pages),
    records: Number(row.records),
    total: numOrNull(row.total),
    lastError: row.last_error === null ? null : String(row.last_error),
    startedAt: numOrNull(row.started_at),
    updatedAt: numOrNull(row.updated_at),
    finishedAt: numOrNull(row.finished_at),
    leaseOwner: row.lease_owner === null ? null : String(row.lease_owner),
  };
}
