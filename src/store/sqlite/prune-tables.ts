/** Retention in SQLite: finished requests and hooks removed a window at a time (roles/retention.ts). */
import type Database from 'better-sqlite3';
import type { PrunePolicy, PruneStep } from '../store.js';
import { nextStep, PRUNE_DONE, youngest } from '../prune-window.js';

type Row = Record<string, unknown>;


export class PruneTables {
  private readonly s: Record<string, Database.Statement>;
  private readonly transfersTx;
  private readonly hooksTx;

  /**
   * Freed pages: the database keeps SQLite's default auto_vacuum (none), so the pages a prune frees
   * go to the file's freelist and the next writes take them before the file grows. A store that
   * prunes as fast as it takes in stays the same size on disk; it never shrinks (VACUUM does that,
   * offline).
   */
  constructor(db: Database.Database, prepare: (name: string) => Database.Statement, deliveryRetentionMs: number) {
    this.s = Object.fromEntries(
      [
        'prune_window_transfers',
        'prunable_transfers',
        'summarise_pruned_transfers',
        'delete_transfer_activity',
        'delete_transfers',
        'prune_window_hooks',
        'prunable_hooks',
        'delete_hook_notifications',
        'delete_hook_payloads',
        'delete_hook_body_hashes',
        'delete_hooks',
      ].map((name) => [name, prepare(name)]),
    );
    this.transfersTx = db.transaction((policy: PrunePolicy, after: number, limit: number): PruneStep => {
      const cutoff = youngest(policy.finishedBefore, policy.deadBefore);
      if (cutoff === null) return PRUNE_DONE;
      const window = this.s.prune_window_transfers!.get({ after, limit }) as Row;
      if (Number(window.n) === 0) return PRUNE_DONE;
      const last = Number(window.last);
      const ids = (
        this.s.prunable_transfers!.all({ after, last, finishedBefore: policy.finishedBefore, deadBefore: policy.deadBefore }) as Row[]
      ).map((row) => Number(row.id));
      if (ids.length > 0) {
        const json = JSON.stringify(ids);
        this.s.summarise_pruned_transfers!.run({ ids: json });
        this.s.delete_transfer_activity!.run({ ids: json });
        this.s.delete_transfers!.run({ ids: json });
      }
      return nextStep(ids.length, window, cutoff);
    });
    this.hooksTx = db.transaction((policy: PrunePolicy, after: number, limit: number, now: number): PruneStep => {
      const cutoff = youngest(policy.hooksBefore, policy.deadHooksBefore);
      if (cutoff === null) return PRUNE_DONE;
      const window = this.s.prune_window_hooks!.get({ after, limit }) as Row;
      if (Number(window.n) === 0) return PRUNE_DONE;
      const last = Number(window.last);
      const ids = (
        this.s.prunable_hooks!.all({
          after,
          last,
          hooksBefore: policy.hooksBefore,
          deadHooksBefore: policy.deadHooksBefore,
          deliveriesSince: now - deliveryRetentionMs,
          guardSince: policy.guardSince,
        }) as Row[]
      ).map((row) => Number(row.id));
      if (ids.length > 0) {
        const json = JSON.stringify(ids);
        this.s.delete_hook_notifications!.run({ ids: json });
        this.s.delete_hook_payloads!.run({ ids: json });
        this.s.delete_hook_body_hashes!.run({ ids: json });
        this.s.delete_hooks!.run({ ids: json });
      }
      return nextStep(ids.length, window, cutoff);
    });
  }

  pruneTransfers(policy: PrunePolicy, after: number, limit: number): PruneStep {
    return this.transfersTx.immediate(policy, after, limit);
  }

  pruneHooks(policy: PrunePolicy, after: number, limit: number, now: number): PruneStep {
    return this.hooksTx.immediate(policy, after, limit, now);
  }
}
