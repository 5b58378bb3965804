/**
 * Reading and planning one hook, without I/O: what the resolver worker stores and what
 * `hookyard try` prints.
 */
import type { DataType, HookStatus, IncomingHook, Notification, PlannedTransfer } from '../domain/types.js';
import { scopeEnablement } from '../domain/enablement.js';
import type { ErrorCode } from '../errors.js';
import { planTransfers, type NewTrackingId, type PlanningConnection } from '../plan/plan.js';
import { NOTIFICATIONS_PER_HOOK } from './limits.js';
import type { CompiledReceiver } from './receiver.js';
import { resolveHook, type ScopeIndex } from './resolve.js';

/** What reading and planning a hook read of a connection (a loaded ConnectionConfig is one). */
export interface ResolvingConnection extends PlanningConnection {
  receiver: CompiledReceiver;
  scopeIndex: ScopeIndex;
}

export interface Interpretation {
  status: Exclude<HookStatus, 'received'>;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  notifications: Notification[];
  transfers: PlannedTransfer[];
  /** Types whose poll a "poll now" hook asked for (enabled poll scopes only). */
  polls: DataType[];
}

export interface InterpretOptions {
  /** The configuration's `limits.notificationsPerHook` (default NOTIFICATIONS_PER_HOOK, 1,000). */
  notificationsPerHook?: number;
  newTrackingId?: NewTrackingId;
  /** The body as ingest parsed it (handed over by group commit). */
  parsedBody?: { value: unknown };
}

/**
 * With a receiver that says where the record is, a request for the record the hook is about reads
 * it from the hook. Not a delete (no record), not a parent's request (the element is the child's).
 */
function markPayloads(receiver: CompiledReceiver, transfers: PlannedTransfer[]): PlannedTransfer[] {
  if (!receiver.record) return transfers;
  return transfers.map((t) => (t.requestType === 'standard' && t.origin === null ? { ...t, payload: true } : t));
}

export async function interpretHook(
  connection: ResolvingConnection,
  hook: IncomingHook,
  now: number,
  options: InterpretOptions = {},
): Promise<Interpretation> {
  const { notificationsPerHook = NOTIFICATIONS_PER_HOOK, newTrackingId, parsedBody } = options;
  const resolution = await resolveHook(connection.receiver, connection.scopeIndex, hook, notificationsPerHook, parsedBody);
  if (resolution.status === 'failed') {
    return { status: 'failed', errorCode: resolution.errorCode, errorMessage: resolution.errorMessage, notifications: [], transfers: [], polls: [] };
  }
  return {
    status: resolution.status,
    errorCode: null,
    errorMessage: null,
    notifications: resolution.notifications,
    transfers: markPayloads(connection.receiver, planTransfers(connection, resolution.notifications, now, newTrackingId)),
    polls: [
      ...new Set(
        resolution.notifications
          .filter((n) => n.status === 'planned' && n.scope?.action === 'poll' && scopeEnablement(connection, n.scope).enabled)
          .map((n) => n.scope!.type),
      ),
    ],
  };
}
