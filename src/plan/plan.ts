/**
 * Planning: notifications → transfer requests. Pure. A notification whose scope the connection
 * has not enabled still becomes a request, `skipped` with the reason, so that an operator sees
 * what was left out and why.
 */
import { randomUUID } from 'node:crypto';
import type { Notification, PlannedTransfer } from '../domain/types.js';
import { scopeEnablement, type ConnectionConfig } from '../config/load.js';

export type NewTrackingId = () => string;

export function planTransfers(
  connection: ConnectionConfig,
  notifications: readonly Notification[],
  newTrackingId: NewTrackingId = randomUUID,
): PlannedTransfer[] {
  const planned: PlannedTransfer[] = [];
  for (const notification of notifications) {
    const { scope } = notification;
    if (notification.status !== 'planned' || scope === null) continue;
    const enablement = scopeEnablement(connection, scope);
    planned.push({
      seq: notification.seq,
      trackingId: newTrackingId(),
      connection: connection.name,
      type: scope.type,
      direction: 'to_hub',
      scope: scope.name,
      externalId: notification.externalId,
      requestType: scope.action === 'deleted' ? 'delete' : 'standard',
      status: enablement.enabled ? 'queued' : 'skipped',
      reason: enablement.enabled ? null : enablement.reason,
    });
  }
  return planned;
}
