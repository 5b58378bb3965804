/**
 * Planning: notifications → transfer requests. Pure: time comes in as `now`.
 *
 * - A notification whose scope the connection has not enabled still becomes a request, `skipped`
 *   with the reason, so that an operator sees what was left out and why.
 * - A child type whose integration declares a parent (customer address → customer) becomes a
 *   request for the parent record.
 * - Noise rules: an ignored type is skipped; a debounced type waits its window, and the hooks that
 *   arrive meanwhile are absorbed by the waiting request (coalescing, in the store).
 */
import { randomUUID } from 'node:crypto';
import type { DataType, Notification, PlannedTransfer, ScopeName } from '../domain/types.js';
import { scopeEnablement, type ScopeSwitches } from '../domain/enablement.js';
import { scopeFor } from '../domain/scope.js';

export type NewTrackingId = () => string;

/** What planning reads of a connection (a loaded ConnectionConfig is one). */
export interface PlanningConnection extends ScopeSwitches {
  /** Per data type: drop its hooks, or debounce them (ms). */
  noise: ReadonlyMap<DataType, { ignore: true } | { debounceMs: number }>;
}

export function planTransfers(
  connection: PlanningConnection,
  notifications: readonly Notification[],
  now: number,
  newTrackingId: NewTrackingId = randomUUID,
): PlannedTransfer[] {
  const planned: PlannedTransfer[] = [];
  for (const notification of notifications) {
    const { scope } = notification;
    if (notification.status !== 'planned' || scope === null) continue;
    if (scope.action === 'poll') continue; // a "poll now" hook: the resolver asks for a poll instead
    const enablement = scopeEnablement(connection, scope);
    // Noise rules name the type the hook is about (the child), before it becomes its parent.
    const noise = connection.noise.get(scope.type);
    const parent = notification.parent;
    const request = {
      seq: notification.seq,
      trackingId: newTrackingId(),
      connection: connection.name,
      type: parent?.type ?? scope.type,
      direction: 'to_hub' as const,
      scope: parent ? (scopeFor(parent.type, 'updated') as ScopeName) : scope.name,
      externalId: parent?.externalId ?? notification.externalId,
      requestType: parent ? ('standard' as const) : scope.action === 'deleted' ? ('delete' as const) : ('standard' as const),
      origin: parent ? `${scope.name} ${notification.externalId ?? ''}`.trim() : null,
    };
    if (!enablement.enabled) {
      planned.push({ ...request, status: 'skipped', reason: enablement.reason, reasonCode: enablement.code, runAt: now });
    } else if (noise && 'ignore' in noise) {
      planned.push({
        ...request,
        status: 'skipped',
        reason: `${scope.type} hooks are ignored on connection ${connection.name} (noise rule)`,
        reasonCode: 'ignored',
        runAt: now,
      });
    } else {
      planned.push({ ...request, status: 'queued', reason: null, reasonCode: null, runAt: now + (noise?.debounceMs ?? 0) });
    }
  }
  return planned;
}
