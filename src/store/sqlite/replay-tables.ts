/** Replays in SQLite: putting dead or finished requests back in the queue, reading hooks again. */
import type Database from 'better-sqlite3';
import type { TransferRequest } from '../../domain/types.js';
import { transferFromRow } from '../rows.js';
import type { Page, RecordedFilter, Replay, ReplayFilter } from '../store.js';
import type { Enqueue } from './enqueue.js';
import { isDeleteRequest } from '../../domain/scope.js';
import { filterParams } from './filters.js';

type Row = Record<string, unknown>;

export class ReplayTables {
  private readonly s: Record<string, Database.Statement>;
  private readonly retryTx;
  private readonly pageTx;
  private readonly hookTx;

  constructor(db: Database.Database, prepare: (name: string) => Database.Statement, enqueue: Enqueue) {
    this.s = Object.fromEntries(
      [
        'insert_replay',
        'add_to_replay',
        'list_replays',
        'requeue_transfer',
        'replay_candidates',
        'count_replay_candidates',
        'rereceive_hook',
        'hook_status',
        'add_hook_count',
        'insert_activity',
        'get_transfer',
        'record_key_of',
        'coalesce_transfer',
      ].map((name) => [name, prepare(name)]),
    );
    const requeue = (id: number, replayId: number, now: number): boolean => {
      // The enqueue rule: another request waiting for the same record absorbs this one (not a delete).
      const key = this.s.record_key_of!.get({ id }) as Row | undefined;
      const into = key && !isDeleteRequest(key) ? enqueue.waitingFor(String(key.record_key)) : null;
      if (into !== null && into !== id) {
        const reason = `replay ${replayId}: coalesced into transfer ${into}, which has not run yet`;
        if (this.s.coalesce_transfer!.run({ id, reason, now }).changes === 0) return false;
        this.s.insert_activity!.run({ transferId: id, at: now, step: 'replayed', detail: reason });
        return true;
      }
      if (this.s.requeue_transfer!.run({ id, now }).changes === 0) return false;
      this.s.insert_activity!.run({ transferId: id, at: now, step: 'replayed', detail: `replay ${replayId}: queued again with its attempts renewed` });
      return true;
    };
    this.retryTx = db.transaction((id: number, actor: string, now: number) => {
      const replayId = Number((this.s.insert_replay!.get({ kind: 'transfer', target: String(id), count: 0, actor, now }) as Row).id);
      if (!requeue(id, replayId, now)) throw new NotReplayable();
      this.s.add_to_replay!.run({ id: replayId, count: 1 });
      return transferFromRow(this.s.get_transfer!.get({ id }) as Row);
    });
    this.pageTx = db.transaction((replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number) => {
      const ids = (this.s.replay_candidates!.all({ ...filterParams(filter), afterId, limit }) as Row[]).map((row) => Number(row.id));
      let requeued = 0;
      for (const id of ids) if (requeue(id, replayId, now)) requeued += 1;
      this.s.add_to_replay!.run({ id: replayId, count: requeued });
      return { requeued, lastId: ids.length === limit ? ids.at(-1)! : null };
    });
    this.hookTx = db.transaction((id: number, actor: string, now: number) => {
      const was = (this.s.hook_status!.get({ id }) as Row | undefined)?.status;
      if (this.s.rereceive_hook!.run({ id, now }).changes === 0) return null;
      this.s.add_hook_count!.run({ status: was, n: -1 }); // the counters of migration 014
      this.s.add_hook_count!.run({ status: 'received', n: 1 });
      return Number((this.s.insert_replay!.get({ kind: 'hook', target: String(id), count: 1, actor, now }) as Row).id);
    });
  }

  retryTransfer(id: number, actor: string, now: number): TransferRequest | null {
    try {
      return this.retryTx.immediate(id, actor, now);
    } catch (error) {
      if (error instanceof NotReplayable) return null;
      throw error;
    }
  }

  countReplayable(filter: ReplayFilter): number {
    return Number((this.s.count_replay_candidates!.get(filterParams(filter)) as Row).n);
  }

  startReplay(filter: ReplayFilter, actor: string, now: number): number {
    return Number((this.s.insert_replay!.get({ kind: 'transfers', target: JSON.stringify(filter), count: 0, actor, now }) as Row).id);
  }

  replayPage(replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number): { requeued: number; lastId: number | null } {
    return this.pageTx.immediate(replayId, filter, afterId, limit, now);
  }

  replayHook(id: number, actor: string, now: number): number | null {
    return this.hookTx.immediate(id, actor, now);
  }

  listReplays(filter: RecordedFilter): Page<Replay> {
    const items = (this.s.list_replays!.all({ before: filter.before ?? null, limit: filter.limit }) as Row[]).map((row): Replay => ({
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
