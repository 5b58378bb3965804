/**
 * Feeds: polls and initializations, read page by page. A page's requests and the cursor after it
 * commit together; a fenced lease on the feed keeps one reader per connection × type × kind
 * across processes, renewed while the reader works.
 */
import type { DataType, PlannedTransfer } from '../../domain/types.js';
import type { Enqueued } from './transfer-queue.js';

export type FeedKind = 'poll' | 'init';

/** Where a poll or an initialization has got to. */
export interface Feed {
  connection: string;
  type: DataType;
  kind: FeedKind;
  cursor: string | null;
  /** poll: idle; init: running | done */
  status: 'idle' | 'running' | 'done';
  nextRunAt: number;
  pages: number;
  records: number;
  total: number | null;
  lastError: string | null;
  startedAt: number | null;
  updatedAt: number | null;
  finishedAt: number | null;
  leaseOwner: string | null;
}

/** A reader's hold on a feed: the fencing token its claim was given. */
export interface FeedClaim {
  connection: string;
  type: DataType;
  kind: FeedKind;
  token: number;
}

/** One page of a feed: its requests, and where the feed continues. */
export interface FeedPage {
  transfers: readonly PlannedTransfer[];
  /** null keeps the cursor where it is. */
  cursor: string | null;
  total?: number | null;
  /** The run ends with this page: the lease is given up (init: the feed is done). */
  done: boolean;
  /** poll: when the next poll is due. */
  nextRunAt: number;
}

export interface Feeds {
  /**
   * Takes a feed for one run when no live claim holds it (a poll also only when due). `restart`
   * (init): a finished initialization starts again from the first page; a running one resumes.
   */
  claimFeed(worker: string, connection: string, type: DataType, kind: FeedKind, now: number, leaseMs: number, options?: { restart?: boolean }): Promise<(Feed & { claim: FeedClaim }) | null>;
  /** Extends the claim's lease to `now + leaseMs`; false when it no longer holds. */
  renewFeed(claim: FeedClaim, now: number, leaseMs: number): Promise<boolean>;
  /** Queues a page's requests and moves the cursor, in one transaction; null when the claim was lost. */
  commitFeedPage(claim: FeedClaim, page: FeedPage, now: number): Promise<Enqueued | null>;
  /** A run failed: the cursor stays, the lease is given up, the next run is scheduled. */
  failFeed(claim: FeedClaim, error: string, nextRunAt: number, now: number): Promise<void>;
  /**
   * Gives a claim's lease up early (a run interrupted between pages, or failed): the cursor,
   * status and next run stay; the next run may claim the feed at once. Does nothing when the
   * claim no longer holds.
   */
  releaseFeed(claim: FeedClaim, now: number): Promise<void>;
  /** A "poll now" hook: the connection × type's next poll is due at once. */
  pollNow(connection: string, type: DataType, now: number): Promise<void>;
  listFeeds(): Promise<Feed[]>;
}
