/**
 * Feeds in SQLite: polls and initializations. A page's requests and the cursor move in one
 * transaction; the lease on the feed row makes one poller per connection × type, across
 * processes. Manual syncs queue requests the same way, without a feed.
 */
import type Database from 'better-sqlite3';
import type { PlannedTransfer } from '../../domain/types.js';
import type { Enqueued, Feed, FeedClaim, FeedKind, FeedPage } from '../store.js';
import type { Enqueue } from './enqueue.js';
import { plannedParams } from '../params.js';
import { feedFromRow } from '../rows.js';

type Row = Record<string, unknown>;



export class FeedTables {
  private readonly s: Record<string, Database.Statement>;
  private readonly claimTx;
  private readonly commitTx;
  private readonly queueTx;

  constructor(db: Database.Database, prepare: (name: string) => Database.Statement, enqueue: Enqueue) {
    this.s = Object.fromEntries(
      ['ensure_feed', 'claim_feed', 'get_feed', 'renew_feed', 'restart_feed', 'advance_feed', 'fail_feed', 'poll_now', 'release_feed', 'list_feeds'].map((name) => [
        name,
        prepare(name),
      ]),
    );
    const queue = (planned: readonly PlannedTransfer[], now: number): Enqueued => {
      let absorbed = 0;
      for (const t of planned) if (enqueue.put(plannedParams(t, null, null, now)).absorbed) absorbed += 1;
      return { queued: planned.length - absorbed, absorbed };
    };
    this.claimTx = db.transaction((worker: string, connection: string, type: string, kind: FeedKind, now: number, leaseMs: number, restart: boolean) => {
      this.s.ensure_feed!.run({ connection, type, kind });
      const row = this.s.claim_feed!.get({ connection, type, kind, worker, now, leaseUntil: now + leaseMs, ignoreDue: kind === 'init' ? 1 : 0 }) as Row | undefined;
      if (!row) return null;
      if (restart && kind === 'init') this.s.restart_feed!.run({ connection, type, kind, now });
      const feed = feedFromRow(this.s.get_feed!.get({ connection, type, kind }) as Row);
      return { ...feed, claim: { connection: feed.connection, type: feed.type, kind, token: Number(row.claim) } };
    });
    this.commitTx = db.transaction((claim: FeedClaim, page: FeedPage, now: number) => {
      const { connection, type, kind } = claim;
      const advanced = this.s.advance_feed!.run({
        connection,
        type,
        kind,
        token: claim.token,
        cursor: page.cursor,
        records: page.transfers.length,
        total: page.total ?? null,
        status: kind === 'init' ? (page.done ? 'done' : 'running') : 'idle',
        nextRunAt: page.nextRunAt,
        release: page.done ? 1 : 0,
        finishedAt: kind === 'init' && page.done ? now : null,
        now,
      });
      if (advanced.changes === 0) return null; // the lease went to another worker: this page is theirs
      return queue(page.transfers, now);
    });
    this.queueTx = db.transaction(queue);
  }

  claimFeed(worker: string, connection: string, type: string, kind: FeedKind, now: number, leaseMs: number, restart: boolean): (Feed & { claim: FeedClaim }) | null {
    return this.claimTx.immediate(worker, connection, type, kind, now, leaseMs, restart);
  }

  renewFeed(claim: FeedClaim, now: number, leaseMs: number): boolean {
    return this.s.renew_feed!.run({ connection: claim.connection, type: claim.type, kind: claim.kind, token: claim.token, leaseUntil: now + leaseMs }).changes > 0;
  }

  commitFeedPage(claim: FeedClaim, page: FeedPage, now: number): Enqueued | null {
    return this.commitTx.immediate(claim, page, now);
  }

  failFeed(claim: FeedClaim, error: string, nextRunAt: number, now: number): void {
    this.s.fail_feed!.run({ connection: claim.connection, type: claim.type, kind: claim.kind, token: claim.token, error, nextRunAt, now });
  }

  releaseFeed(claim: FeedClaim, now: number): void {
    this.s.release_feed!.run({ connection: claim.connection, type: claim.type, kind: claim.kind, token: claim.token, now });
  }

  pollNow(connection: string, type: string, now: number): void {
    this.s.ensure_feed!.run({ connection, type, kind: 'poll' });
    this.s.poll_now!.run({ connection, type, now });
  }

  listFeeds(): Feed[] {
    return (this.s.list_feeds!.all() as Row[]).map(feedFromRow);
  }

  queueTransfers(planned: readonly PlannedTransfer[], now: number): Enqueued {
    return this.queueTx.immediate(planned, now);
  }
}
