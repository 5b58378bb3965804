/**
 * Cancels in SQLite: ending queued or retrying requests without running them. A cancelled request
 * stays on its row, skipped with reason code `cancelled`, and can be replayed. Each cancel is
 * recorded in the replays table (same columns: kind, target, count, actor) under the kinds
 * `cancel` and `cancels`, so that no schema change is needed; listReplays leaves them out.
 */
import type Database from 'better-sqlite3';
import type { TransferRequest } from '../../domain/types.js';
import { transferFromRow } from '../rows.js';
import type { Cancel, CancelFilter, Page, RecordedFilter } from '../store.js';
import { filterParams } from './filters.js';

type Row = Record<string, unknown>;

export class CancelTables {
  private readonly s: Record<string, Database.Statement>;
  private readonly oneTx;
  private readonly pageTx;

  constructor(db: Database.Database, prepare: (name: string) => Database.Statement) {
    this.s = Object.fromEntries(
      ['insert_replay', 'add_to_replay', 'list_cancels', 'get_replay', 'cancel_transfer', 'cancel_candidates', 'count_cancel_candidates', 'insert_activity', 'get_transfer'].map(
        (name) => [name, prepare(name)],
      ),
    );
    const cancel = (id: number, cancelId: number, actor: string, now: number): boolean => {
      const reason = `cancelled by ${actor} (cancel ${cancelId})`;
      if (this.s.cancel_transfer!.run({ id, reason, now }).changes === 0) return false;
      this.s.insert_activity!.run({ transferId: id, at: now, step: 'cancelled', detail: `${reason}: not run; a replay queues it again` });
      return true;
    };
    this.oneTx = db.transaction((id: number, actor: string, now: number) => {
      const cancelId = Number((this.s.insert_replay!.get({ kind: 'cancel', target: String(id), count: 0, actor, now }) as Row).id);
      if (!cancel(id, cancelId, actor, now)) throw new NotCancellable();
      this.s.add_to_replay!.run({ id: cancelId, count: 1 });
      return transferFromRow(this.s.get_transfer!.get({ id }) as Row);
    });
    this.pageTx = db.transaction((cancelId: number, filter: CancelFilter, afterId: number, limit: number, now: number) => {
      const actor = String((this.s.get_replay!.get({ id: cancelId }) as Row | undefined)?.actor ?? 'unknown');
      const ids = (this.s.cancel_candidates!.all({ ...filterParams(filter), afterId, limit }) as Row[]).map((row) => Number(row.id));
      let cancelled = 0;
      for (const id of ids) if (cancel(id, cancelId, actor, now)) cancelled += 1;
      this.s.add_to_replay!.run({ id: cancelId, count: cancelled });
      return { cancelled, lastId: ids.length === limit ? ids.at(-1)! : null };
    });
  }

  cancelTransfer(id: number, actor: string, now: number): TransferRequest | null {
    try {
      return this.oneTx.immediate(id, actor, now);
    } catch (error) {
      if (error instanceof NotCancellable) return null;
      throw error;
    }
  }

  countCancellable(filter: CancelFilter): number {
    return Number((this.s.count_cancel_candidates!.get(filterParams(filter)) as Row).n);
  }

  startCancel(filter: CancelFilter, actor: string, now: number): number {
    return Number((this.s.insert_replay!.get({ kind: 'cancels', target: JSON.stringify(filter), count: 0, actor, now }) as Row).id);
  }

  cancelPage(cancelId: number, filter: CancelFilter, afterId: number, limit: number, now: number): { cancelled: number; lastId: number | null } {
    return this.pageTx.immediate(cancelId, filter, afterId, limit, now);
  }

  listCancels(filter: RecordedFilter): Page<Cancel> {
    const items = (this.s.list_cancels!.all({ before: filter.before ?? null, limit: filter.limit }) as Row[]).map((row): Cancel => ({
      id: Number(row.id),
      kind: row.kind as Cancel['kind'],
      target: String(row.target),
      count: Number(row.count),
      actor: String(row.actor),
      createdAt: Number(row.created_at),
    }));
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }
}

/** Rolls the cancel's transaction back (its record too) when the request is not waiting. */
class NotCancellable extends Error {}
