/**
 * What the hub would do with each notification of a hook, for `hookyard try`: the planner's answer
 * (queued, or skipped: not_enabled, delete_off, ignored), then what a transfer decides before it
 * reads anything — a second request for one record within the hook is absorbed by the first
 * (coalesced), a type the connection does not map to the hub ends skipped (no_mapping), and a
 * record the integration cannot read (no get, no payload record) ends dead. Pure.
 */
import type { DataType, Notification, PlannedTransfer } from '../domain/types.js';

/** What the fate reads of a connection beyond the planned requests. */
export interface FateInputs {
  /** Whether the connection maps this type to the hub. */
  mapsToHub(type: DataType): boolean;
  /** Whether a request for this type can be read: the integration has get, the request a payload record, or prerequisites resolve it. */
  canRead(type: DataType, transfer: PlannedTransfer): boolean;
}

export interface NotificationFate {
  seq: number;
  hookName: string | null;
  scope: string | null;
  externalId: string | null;
  /** queued: the hub would run it; skipped / dead: with the reason code the hub would give; unmatched / invalid: no request at all. */
  fate: 'queued' | 'skipped' | 'dead' | 'unmatched' | 'invalid';
  reasonCode: string | null;
  reason: string | null;
  /** The request it becomes (a child type's becomes its parent's). */
  transfer: { type: DataType; scope: string; externalId: string | null; requestType: string } | null;
}

export function notificationFates(connection: string, notifications: readonly Notification[], transfers: readonly PlannedTransfer[], inputs: FateInputs): NotificationFate[] {
  const bySeq = new Map(transfers.map((t) => [t.seq, t] as const));
  const firstOfRecord = new Map<string, number>();
  return notifications.map((n) => {
    const base = { seq: n.seq, hookName: n.hookName, scope: n.scope?.name ?? null, externalId: n.externalId };
    const t = bySeq.get(n.seq);
    if (!t) {
      const fate = n.status === 'unmatched' || n.status === 'invalid' ? n.status : 'skipped';
      const reasonCode = n.status === 'planned' && n.scope?.action === 'poll' ? 'poll_now' : n.status;
      return { ...base, fate, reasonCode, reason: n.reason ?? (reasonCode === 'poll_now' ? `asks for a ${n.scope!.type} poll now` : null), transfer: null };
    }
    const transfer = { type: t.type, scope: t.scope, externalId: t.externalId, requestType: t.requestType };
    const ends = (fate: NotificationFate['fate'], reasonCode: string | null, reason: string | null): NotificationFate => ({ ...base, fate, reasonCode, reason, transfer });
    if (t.status === 'skipped') return ends('skipped', t.reasonCode, t.reason);
    const key = `${t.type}|${t.externalId ?? ''}`;
    const first = firstOfRecord.get(key);
    if (first !== undefined) return ends('skipped', 'coalesced', `coalesced into the request of notification ${first}, which has not run yet`);
    firstOfRecord.set(key, n.seq);
    if (!inputs.mapsToHub(t.type)) return ends('skipped', 'no_mapping', `connection ${connection} has no to_hub mapping for ${t.type}`);
    if (t.requestType !== 'delete' && !inputs.canRead(t.type, t)) {
      return ends('dead', 'HY_ERR_INTEGRATION_UNSUPPORTED', `the integration cannot read ${t.type} records (no get) and the hook carries no payload record`);
    }
    return ends('queued', null, null);
  });
}
