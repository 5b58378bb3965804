/**
 * Retention: finished hooks and transfer requests removed once they are old enough, a small batch
 * per transaction, so that the store stops growing while ingest and the workers carry on between
 * batches (src/engine/pruner.ts drives it).
 *
 * A prune walks a table oldest first in windows of `limit` rows (by id) and removes the rows of the
 * window that it may: a transfer request that is finished and old enough and has no children left;
 * a hook that is read and old enough, whose requests are all gone, that no request reads its record
 * from, whose delivery id no longer deduplicates and whose body the replay guard can no longer
 * find. The newest request and the newest hook always stay, so that SQLite (which gives a new row
 * the highest id plus one) never hands an id out again. A parent goes in the walk after the one
 * that removed its last child. What hangs off a row (activity, notifications, payloads) goes with
 * it. Hub records, their cross-references and echoes are never touched; a hub record's pruned
 * requests are summed up in its pruned lineage (AdminQueries.lineageOf) in the same transaction.
 */

/** The cutoffs of one prune (ms since the epoch); null keeps that class for ever. */
export interface PrunePolicy {
  /** Succeeded and skipped transfer requests last changed before this. */
  finishedBefore: number | null;
  /** Dead transfer requests last changed before this. */
  deadBefore: number | null;
  /** Hooks read to resolved, partial or empty, received before this. */
  hooksBefore: number | null;
  /** Hooks that ended unmatched, invalid or failed (replayable after a config change), received before this. */
  deadHooksBefore: number | null;
  /**
   * Hooks received at or after this are kept while the replay guard (`webhook.dedupe: { by: body }`)
   * may still find their body: now minus the longest guard window. Delivery ids are kept for the
   * store's own deduplication window whatever this says.
   */
  guardSince: number;
}

export interface PruneStep {
  /** Rows removed (transfer requests or hooks; not counting what hung off them). */
  pruned: number;
  /** Pass as `after` for the next window; null: the walk reached rows too young for any cutoff (or the end). */
  next: number | null;
  /** Another process is pruning this store now (PostgreSQL): nothing was done; try later. */
  busy: boolean;
}

/** What a hub record's pruned lineage steps were: how many, over which time, by status, direction and connection. */
export interface PrunedLineage {
  steps: number;
  /** ms: the oldest pruned request's creation. */
  from: number;
  /** ms: the newest pruned request's last change. */
  to: number;
  byStatus: Record<string, number>;
  byDirection: Record<string, number>;
  byConnection: Record<string, number>;
}

export interface Retention {
  /** Removes the prunable transfer requests of the window after `after` (at most `limit` rows looked at), in one transaction. */
  pruneTransfers(policy: PrunePolicy, after: number, limit: number, now: number): Promise<PruneStep>;
  /** Removes the prunable hooks of the window after `after` (at most `limit` rows looked at), in one transaction. */
  pruneHooks(policy: PrunePolicy, after: number, limit: number, now: number): Promise<PruneStep>;
}
