/**
 * A read hook's status, from its notifications alone: `resolved` only when every one of them was
 * planned, so that a hook which yields nothing, or only partly what it promised, shows up under
 * its own status (in /api/hooks?status=, /readyz and /metrics) instead of hiding among the
 * resolved ones.
 */
import type { HookStatus, Notification } from '../domain/types.js';

export type ReadHookStatus = Extract<HookStatus, 'resolved' | 'partial' | 'unmatched' | 'invalid' | 'empty'>;

export function hookStatusOf(notifications: readonly Pick<Notification, 'status'>[]): ReadHookStatus {
  if (notifications.length === 0) return 'empty';
  let planned = 0;
  let unmatched = 0;
  for (const n of notifications) {
    if (n.status === 'planned') planned += 1;
    else if (n.status === 'unmatched') unmatched += 1;
  }
  if (planned === notifications.length) return 'resolved';
  if (planned > 0) return 'partial';
  // Nothing planned. An unknown hook name is the one a configuration change (a scope declared)
  // can fix and a replay then pick up, so it names the hook even when others were invalid.
  return unmatched > 0 ? 'unmatched' : 'invalid';
}
