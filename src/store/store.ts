/**
 * The Store: everything hookyard keeps, behind interfaces that own their connections. No driver,
 * client or transaction type crosses them, so the engine, ingest and API never import
 * better-sqlite3 or pg. Adapters: `sqlite/` (embedded, the default) and, later, `postgres/`.
 *
 * The Store is the sum of its roles, each in `roles/` with a contract suite of its own under
 * test/store/ that runs unchanged against every adapter, concurrency included:
 *
 * - Inbox: hooks appended, claimed and resolved.
 * - TransferQueue: requests enqueued, claimed under fenced leases, renewed, ended.
 * - HubRecords: the canonical records, their cross-references, echoes.
 * - Feeds: polls and initializations.
 * - Replays: requests queued again, hooks read again.
 * - AdminQueries: what operators read.
 * - Retention: finished hooks and requests removed once old enough.
 *
 * Deliberately left out: ad-hoc queries and transactions spanning calls. Each method is one
 * transaction; where the engine needs several writes to happen together, there is one method that
 * does all of them (appendHooks, saveResolutions, applyHubChange, finishTransfer).
 *
 * Time is always passed in (`now`, epoch milliseconds) — the store never reads a clock.
 */
import type { AdminQueries } from './roles/admin.js';
import type { Feeds } from './roles/feeds.js';
import type { HubRecords } from './roles/hub-records.js';
import type { Inbox } from './roles/inbox.js';
import type { Replays } from './roles/replays.js';
import type { Retention } from './roles/retention.js';
import type { TransferQueue } from './roles/transfer-queue.js';

export * from './roles/admin.js';
export * from './roles/feeds.js';
export * from './roles/hub-records.js';
export * from './roles/inbox.js';
export * from './roles/replays.js';
export * from './roles/retention.js';
export * from './roles/transfer-queue.js';

export interface Store extends Inbox, TransferQueue, HubRecords, Feeds, Replays, AdminQueries, Retention {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Optional: tells `listener` when another process (or this one) committed work — hooks to
   * resolve, or requests to run now — so that idle workers look at once instead of when their idle
   * timer fires. A hint, never a guarantee: notifications can be lost (a dropped connection), so
   * workers keep polling. Returns the function that stops listening. Where the store shares no
   * database across processes (SQLite), it is absent.
   */
  watch?(listener: (work: 'hooks' | 'transfers') => void): () => void;
  /**
   * A store shared by processes on several machines: the database's own time now (epoch ms), so
   * that every process reckons leases and due times on one clock (src/store/database-clock.ts).
   * Absent on a store of one process, which takes the machine's clock.
   */
  databaseNow?(): Promise<number>;
  close(): Promise<void>;
}
