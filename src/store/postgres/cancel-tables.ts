/**
 * Cancels in PostgreSQL: ending queued or retrying requests without running them. A cancelled
 * request stays on its row, skipped with reason code `cancelled`, and can be replayed. Each cancel
 * is recorded in the replays table under the kinds `cancel` and `cancels`, as on SQLite. A cancel
 * locks the records of the requests it ends, as every change of a record's active requests does.
 */
import type { TransferRequest } from '../../domain/types.js';
import { transferFromRow } from '../rows.js';
import type { Cancel, CancelFilter, Page, RecordedFilter } from '../store.js';
import type { Db, Sql } from './db.js';
import { insertActivity } from './engine-tables.js';
import { filterParams } from './filters.js';

/** Ends the waiting requests among `ids` (their records locked here); the ones it ended. */
async function cancel(sql: Sql, requests: ReadonlyArray<{ id: number; recordKey: string }>, cancelId: number, actor: string, now: number): Promise<number[]> {
  if (requests.length === 0) return [];
  await sql.run('lock_records', [requests.map((r) => r.recordKey)]);
  const reason = `cancelled by ${actor} (cancel ${cancelId})`;
  const ended = (await sql.rows('cancel_transfers', [requests.map((r) => r.id), reason, now])).map((row) => Number(row.id)).sort((a, b) => a - b);
  await insertActivity(
    sql,
    ended.map((id) => ({ transferId: id, at: now, step: 'cancelled', detail: `${reason}: not run; a replay queues it again` })),
  );
  return ended;
}

export class CancelTables {
  constructor(private readonly db: Db) {}

  async cancelTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null> {
    try {
      return await this.db.transaction(async (sql) => {
        const cancelId = Number((await sql.row('insert_replay', ['cancel', String(id), 0, actor, now]))!.id);
        const request = await sql.row('record_key_of', [id]);
        if (!request || (await cancel(sql, [{ id, recordKey: String(request.record_key) }], cancelId, actor, now)).length === 0) throw new NotCancellable();
        await sql.run('add_to_replay', [cancelId, 1]);
        return transferFromRow((await sql.row('get_transfer', [id]))!);
      });
    } catch (error) {
      if (error instanceof NotCancellable) return null;
      throw error;
    }
  }

  async countCancellable(filter: CancelFilter): Promise<number> {
    return Number((await this.db.sql.row('count_cancel_candidates', filterParams(filter)))!.n);
  }

  async startCancel(filter: CancelFilter, actor: string, now: number): Promise<number> {
    return Number((await this.db.sql.row('insert_replay', ['cancels', JSON.stringify(filter), 0, actor, now]))!.id);
  }

  async cancelPage(cancelId: number, filter: CancelFilter, afterId: number, limit: number, now: number): Promise<{ cancelled: number; lastId: number | null }> {
    return this.db.transaction(async (sql) => {
      const actor = String((await sql.row('get_replay', [cancelId]))?.actor ?? 'unknown');
      const candidates = (await sql.rows('cancel_candidates', [...filterParams(filter), afterId, limit])).map((row) => ({ id: Number(row.id), recordKey: String(row.record_key) }));
      const cancelled = (await cancel(sql, candidates, cancelId, actor, now)).length;
      await sql.run('add_to_replay', [cancelId, cancelled]);
      return { cancelled, lastId: candidates.length === limit ? candidates.at(-1)!.id : null };
    });
  }

  async listCancels(filter: RecordedFilter): Promise<Page<Cancel>> {
    const items = (await this.db.sql.rows('list_cancels', [filter.before ?? null, filter.limit])).map((row): Cancel => ({
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
