/**
 * Retention in PostgreSQL: finished requests and hooks removed a window at a time (roles/retention.ts).
 * Several worker processes run a pruner: each batch first tries one advisory lock, so one prunes
 * at a time and the others skip their turn; the rows it removes are locked and checked again as
 * they are now, so a replay that takes a request or hook back meanwhile keeps it.
 */
import type { PrunePolicy, PruneStep } from '../store.js';
import { nextStep, PRUNE_DONE as DONE, youngest } from '../prune-window.js';
import type { Db, Row, Sql } from './db.js';

const BUSY: PruneStep = { pruned: 0, next: null, busy: true };

export class PruneTables {
  constructor(
    private readonly db: Db,
    private readonly deliveryRetentionMs: number,
  ) {}

  pruneTransfers(policy: PrunePolicy, after: number, limit: number): Promise<PruneStep> {
    const cutoff = youngest(policy.finishedBefore, policy.deadBefore);
    if (cutoff === null) return Promise.resolve(DONE);
    return this.db.transaction(async (sql) => {
      if (!(await locked(sql))) return BUSY;
      const window = (await sql.row('prune_window_transfers', [after, limit]))!;
      if (Number(window.n) === 0) return DONE;
      const last = Number(window.last);
      const ids = (await sql.rows('prunable_transfers', [after, last, policy.finishedBefore, policy.deadBefore])).map((row: Row) => Number(row.id));
      if (ids.length > 0) {
        await sql.run('summarise_pruned_transfers', [ids]);
        await sql.run('delete_transfer_activity', [ids]);
        await sql.run('delete_transfers', [ids]);
      }
      return nextStep(ids.length, window, cutoff);
    });
  }

  pruneHooks(policy: PrunePolicy, after: number, limit: number, now: number): Promise<PruneStep> {
    const cutoff = youngest(policy.hooksBefore, policy.deadHooksBefore);
    if (cutoff === null) return Promise.resolve(DONE);
    return this.db.transaction(async (sql) => {
      if (!(await locked(sql))) return BUSY;
      const window = (await sql.row('prune_window_hooks', [after, limit]))!;
      if (Number(window.n) === 0) return DONE;
      const last = Number(window.last);
      const ids = (
        await sql.rows('prunable_hooks', [after, last, policy.hooksBefore, policy.deadHooksBefore, now - this.deliveryRetentionMs, policy.guardSince])
      ).map((row: Row) => Number(row.id));
      if (ids.length > 0) {
        await sql.run('delete_hook_notifications', [ids]);
        await sql.run('delete_hook_payloads', [ids]);
        await sql.run('delete_hook_body_hashes', [ids]);
        await sql.run('delete_hooks', [ids]);
      }
      return nextStep(ids.length, window, cutoff);
    });
  }
}

async function locked(sql: Sql): Promise<boolean> {
  return (await sql.row('try_prune_lock'))!.locked === true;
}
