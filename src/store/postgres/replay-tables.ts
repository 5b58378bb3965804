/**
 * Replays in PostgreSQL: putting dead or finished requests back in the queue, reading hooks again.
 * A replay locks the records of the requests it puts back, as every enqueue does (enqueue.ts).
 */
import type { TransferRequest } from '../../domain/types.js';
import { isDeleteRequest } from '../../domain/scope.js';
import { transferFromRow } from '../rows.js';
import type { Page, RecordedFilter, Replay, ReplayFilter } from '../store.js';
import { notifyWork, type Db, type Row, type Sql } from './db.js';
import { Enqueue } from './enqueue.js';
import { insertActivity } from './engine-tables.js';
import { filterParams } from './filters.js';

type Step = { transferId: number; at: number; step: string; detail: string };

/** Puts one request back in the queue (or has a waiting one absorb it); false when it is running or queued. */
async function requeue(sql: Sql, enqueue: Enqueue, request: Row, replayId: number, now: number, steps: Step[]): Promise<boolean> {
  const id = Number(request.id);
  const key = String(request.record_key);
  // The enqueue rule: another request waiting for the same record absorbs this one (not a delete).
  const into = isDeleteRequest(request) ? null : enqueue.waitingFor(key);
  if (into !== null && into !== id) {
    const reason = `replay ${replayId}: coalesced into transfer ${into}, which has not run yet`;
    if ((await sql.run('coalesce_transfer', [id, reason, now])) === 0) return false;
    enqueue.ended(key, id);
    steps.push({ transferId: id, at: now, step: 'replayed', detail: reason });
    return true;
  }
  if ((await sql.run('requeue_transfer', [id, now])) === 0) return false;
  enqueue.requeued(
    key,
    id,
    request.direction === 'to_hub',
    request.payload_hook === null ? null : Number(request.payload_hook),
    request.payload_version === null || request.payload_version === undefined ? null : String(request.payload_version),
  );
  steps.push({ transferId: id, at: now, step: 'replayed', detail: `replay ${replayId}: queued again with its attempts renewed` });
  return true;
}

export class ReplayTables {
  constructor(private readonly db: Db) {}

  async retryTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null> {
    try {
      return await this.db.transaction(async (sql) => {
        const replayId = Number((await sql.row('insert_replay', ['transfer', String(id), 0, actor, now]))!.id);
        const request = await sql.row('record_key_of', [id]);
        if (!request) throw new NotReplayable();
        const enqueue = new Enqueue(sql);
        await enqueue.open([String(request.record_key)], 0);
        const steps: Step[] = [];
        if (!(await requeue(sql, enqueue, { ...request, id }, replayId, now, steps))) throw new NotReplayable();
        await notifyWork(sql, 'transfers');
        await insertActivity(sql, steps);
        await sql.run('add_to_replay', [replayId, 1]);
        return transferFromRow((await sql.row('get_transfer', [id]))!);
      });
    } catch (error) {
      if (error instanceof NotReplayable) return null;
      throw error;
    }
  }

  async countReplayable(filter: ReplayFilter): Promise<number> {
    return Number((await this.db.sql.row('count_replay_candidates', filterParams(filter)))!.n);
  }

  async startReplay(filter: ReplayFilter, actor: string, now: number): Promise<number> {
    return Number((await this.db.sql.row('insert_replay', ['transfers', JSON.stringify(filter), 0, actor, now]))!.id);
  }

  async replayPage(replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number): Promise<{ requeued: number; lastId: number | null }> {
    return this.db.transaction(async (sql) => {
      const candidates = await sql.rows('replay_candidates', [...filterParams(filter), afterId, limit]);
      const enqueue = new Enqueue(sql);
      await enqueue.open(
        candidates.map((row) => String(row.record_key)),
        0,
      );
      const steps: Step[] = [];
      let requeued = 0;
      for (const request of candidates) if (await requeue(sql, enqueue, request, replayId, now, steps)) requeued += 1;
      if (requeued > 0) await notifyWork(sql, 'transfers');
      await insertActivity(sql, steps);
      await sql.run('add_to_replay', [replayId, requeued]);
      return { requeued, lastId: candidates.length === limit ? Number(candidates.at(-1)!.id) : null };
    });
  }

  async replayHook(id: number, actor: string, now: number): Promise<number | null> {
    return this.db.transaction(async (sql) => {
      // The hooks' counters follow the row (migration 001's statement triggers).
      if ((await sql.run('rereceive_hook', [id])) === 0) return null;
      await notifyWork(sql, 'hooks');
      return Number((await sql.row('insert_replay', ['hook', String(id), 1, actor, now]))!.id);
    });
  }

  async listReplays(filter: RecordedFilter): Promise<Page<Replay>> {
    const items = (await this.db.sql.rows('list_replays', [filter.before ?? null, filter.limit])).map((row): Replay => ({
      id: Number(row.id),
      kind: row.kind as Replay['kind'],
      target: String(row.target),
      count: Number(row.count),
      actor: String(row.actor),
      createdAt: Number(row.created_at),
    }));
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }
}

/** Rolls the retry's transaction back (its replay record too) when the request cannot be replayed. */
class NotReplayable extends Error {}
