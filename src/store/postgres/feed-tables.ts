/**
 * Feeds in PostgreSQL: polls and initializations. A page's requests and the cursor move in one
 * transaction; the fenced lease on the feed row makes one reader per connection × type × kind
 * across processes (two claims at once: the second re-reads the row after the first commits).
 * Manual syncs queue requests the same way, without a feed.
 */
import type { PlannedTransfer } from '../../domain/types.js';
import type { Enqueued, Feed, FeedClaim, FeedKind, FeedPage } from '../store.js';
import type { Db, Row, Sql } from './db.js';
import { Enqueue } from './enqueue.js';
import { plannedParams } from '../params.js';
import { feedFromRow } from '../rows.js';


/**
 * Queues planned requests through the enqueue rule, inside the caller's transaction; null when
 * `allowed` (asked once their records are locked, before anything is written) says no.
 */
async function queue(sql: Sql, planned: readonly PlannedTransfer[], now: number, allowed?: () => Promise<boolean>): Promise<Enqueued | null> {
  const rows = planned.map((t) => plannedParams(t, null, null, now));
  const keys = [...new Set(rows.filter((row) => row.status === 'queued').map((row) => row.recordKey))];
  const enqueue = new Enqueue(sql);
  await enqueue.lock(keys);
  if (allowed && !(await allowed())) return null;
  await enqueue.load(keys);
  await enqueue.reserve(rows.length);
  let absorbed = 0;
  for (const row of rows) if (enqueue.put(row).absorbed) absorbed += 1;
  await enqueue.flush(now);
  return { queued: planned.length - absorbed, absorbed };
}

export class FeedTables {
  constructor(private readonly db: Db) {}

  async claimFeed(worker: string, connection: string, type: string, kind: FeedKind, now: number, leaseMs: number, restart: boolean): Promise<(Feed & { claim: FeedClaim }) | null> {
    return this.db.transaction(async (sql) => {
      await sql.run('ensure_feed', [connection, type, kind]);
      const claimed = await sql.row('claim_feed', [connection, type, kind, worker, now, now + leaseMs, kind === 'init']);
      if (!claimed) return null;
      if (restart && kind === 'init') await sql.run('restart_feed', [connection, type, kind, now]);
      const feed = feedFromRow((await sql.row('get_feed', [connection, type, kind]))!);
      return { ...feed, claim: { connection: feed.connection, type: feed.type, kind, token: Number(claimed.claim) } };
    });
  }

  async renewFeed(claim: FeedClaim, now: number, leaseMs: number): Promise<boolean> {
    return (await this.db.sql.run('renew_feed', [claim.connection, claim.type, claim.kind, claim.token, now + leaseMs])) > 0;
  }

  async commitFeedPage(claim: FeedClaim, page: FeedPage, now: number): Promise<Enqueued | null> {
    const { connection, type, kind } = claim;
    // The page's records are locked first, as every transaction takes its locks (enqueue.ts); the
    // cursor then moves only while the claim holds.
    return this.db.transaction((sql) =>
      queue(sql, page.transfers, now, async () => {
        const advanced = await sql.run('advance_feed', [
          connection,
          type,
          kind,
          claim.token,
          page.cursor,
          page.transfers.length,
          page.total ?? null,
          kind === 'init' ? (page.done ? 'done' : 'running') : 'idle',
          page.nextRunAt,
          page.done,
          kind === 'init' && page.done ? now : null,
          now,
        ]);
        return advanced > 0; // else the lease went to another worker: this page is theirs
      }),
    );
  }

  async failFeed(claim: FeedClaim, error: string, nextRunAt: number, now: number): Promise<void> {
    await this.db.sql.run('fail_feed', [claim.connection, claim.type, claim.kind, claim.token, error, nextRunAt, now]);
  }

  async releaseFeed(claim: FeedClaim, now: number): Promise<void> {
    await this.db.sql.run('release_feed', [claim.connection, claim.type, claim.kind, claim.token, now]);
  }

  async pollNow(connection: string, type: string, now: number): Promise<void> {
    await this.db.transaction(async (sql) => {
      await sql.run('ensure_feed', [connection, type, 'poll']);
      await sql.run('poll_now', [connection, type, now]);
    });
  }

  async listFeeds(): Promise<Feed[]> {
    return (await this.db.sql.rows('list_feeds')).map(feedFromRow);
  }

  async queueTransfers(planned: readonly PlannedTransfer[], now: number): Promise<Enqueued> {
    return (await this.db.transaction((sql) => queue(sql, planned, now)))!;
  }
}
