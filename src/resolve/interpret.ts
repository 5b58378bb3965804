/**
 * Reading and planning one hook, without I/O: what the resolver worker stores and what
 * `hookyard try` prints.
 */
import type { DataType, HookStatus, IncomingHook, Notification, PlannedTransfer } from '../domain/types.js';
import { scopeEnablement } from '../domain/enablement.js';
import type { ErrorCode } from '../errors.js';
import { planTransfers, type NewTrackingId, type PlanningConnection } from '../plan/plan.js';
import { NOTIFICATIONS_PER_HOOK } from './limits.js';
import { readPayloadRecord } from './payload.js';
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
 * With a `record.version`, the version is read now too: a request waiting for the record keeps the
 * newest payload it absorbs by it (the stores' enqueue rule). A version that cannot be read is null.
 */
async function markPayloads(receiver: CompiledReceiver, hook: IncomingHook, parsedBody: { value: unknown } | undefined, transfers: PlannedTransfer[]): Promise<PlannedTransfer[]> {
  if (!receiver.record) return transfers;
  const marked: PlannedTransfer[] = [];
  for (const t of transfers) {
    if (t.requestType !== 'standard' || t.origin !== null) {
      marked.push(t);
      continue;
    }
    let payloadVersion: string | null = null;
    if (receiver.record.version) {
      try {
        payloadVersion = (await readPayloadRecord(receiver, hook, t.seq, parsedBody))?.version ?? null;
      } catch {
        payloadVersion = null; // the transfer reads the record again and reports the expression's error
      }
    }
    marked.push({ ...t, payload: true, payloadVersion });
  }
  return marked;
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
    transfers: await markPayloads(connection.receiver, hook, parsedBody, planTransfers(connection, resolution.notifications, now, newTrackingId)),
    polls: [
      ...new Set(
        resolution.notifications
          .filter((n) => n.status === 'planned' && n.scope?.action === 'poll' && scopeEnablement(connection, n.scope).enabled)
          .map((n) => n.scope!.type),
      ),
    ],
  };
}
