/**
 * The Store: everything hookyard keeps, behind one interface that owns its connections. No
 * driver, client or transaction type crosses it, so the engine, ingest and API never import
 * better-sqlite3 or pg. Adapters: `sqlite/` (embedded, the default) and, later, `postgres/`.
 * One contract suite (test/store/store.contract.ts) runs unchanged against every adapter.
 *
 * Deliberately left out: ad-hoc queries and transactions spanning calls. Each method is one
 * transaction; where the engine needs several writes to happen together, there is one method
 * that does all of them (appendHooks, saveResolutions).
 *
 * Time is always passed in (`now`, epoch milliseconds) — the store never reads a clock.
 */
import type {
  ActivityEntry,
  DataType,
  Direction,
  HookStatus,
  HubRecord,
  RequestType,
  IncomingHook,
  Notification,
  NotificationStatus,
  PlannedTransfer,
  ScopeName,
  StoredHook,
  TransferRequest,
  TransferStatus,
} from '../domain/types.js';

export interface Appended {
  id: number;
  duplicate: boolean;
}

/** What a resolver worker writes for one hook, all in one transaction with the others of its batch. */
export interface HookResolution {
  hookId: number;
  status: Exclude<HookStatus, 'received'>;
  errorCode: string | null;
  errorMessage: string | null;
  notifications: readonly Notification[];
  /** Linked to their notification by `seq`. */
  transfers: readonly PlannedTransfer[];
}

export interface StoredNotification {
  id: number;
  hookId: number;
  seq: number;
  hookName: string | null;
  scope: ScopeName | null;
  externalId: string | null;
  status: NotificationStatus;
  reason: string | null;
}

/** A hook without its body, for listings. */
export type HookSummary = Omit<StoredHook, 'body' | 'headers' | 'segments'> & { bodyBytes: number };

export interface Page<T> {
  items: T[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  next: number | null;
}

export interface HookFilter {
  status?: HookStatus;
  connection?: string;
  /** Only hooks with a smaller id (paging backwards from the newest). */
  before?: number;
  limit: number;
}

export interface TransferFilter {
  status?: TransferStatus;
  scope?: string;
  connection?: string;
  before?: number;
  limit: number;
}

export interface StoreCounts {
  hooks: Record<HookStatus, number>;
  transfers: Record<TransferStatus, number>;
  /** Finished transfers by reason code (echo, coalesced, filtered, resolved_by_child, …). */
  reasons: Record<string, number>;
}

/** A transfer request the engine creates: a child of a running request, or a fan-out from the hub. */
export interface NewTransfer {
  trackingId: string;
  parentId: number | null;
  hookId: number | null;
  connection: string;
  type: DataType;
  direction: Direction;
  scope: ScopeName;
  externalId: string | null;
  hubId: number | null;
  requestType: RequestType;
  sourceConnection: string | null;
  origin: string | null;
}

/** How one attempt at a transfer ended. */
export interface TransferOutcome {
  status: 'succeeded' | 'skipped' | 'retrying' | 'dead';
  reason: string | null;
  reasonCode: string | null;
  errorCode: string | null;
  error: string | null;
  /** retrying: when to try again. */
  runAt: number | null;
  hubId: number | null;
  resolvedBy: number | null;
  /** The attempt did not call the system (its circuit was open): it does not count. */
  refundAttempt?: boolean;
}

/** Writes that end a transfer together with it (from_hub: the new cross-reference and the echo). */
export interface FinishEffects {
  link?: { connection: string; type: DataType; externalId: string; hubId: number; writtenHash: string | null };
  writtenHash?: { connection: string; type: DataType; hubId: number; hash: string };
  echo?: { connection: string; type: DataType; externalId: string; expiresAt: number };
  /** The connection's record of this hub record is gone (deleted there): its link is marked deleted, not removed. */
  linkDeleted?: { connection: string; type: DataType; hubId: number };
  /**
   * The attempt ended retrying or done: this transfer's children that failed (status dead) end
   * `skipped` with reason code `retried_with_parent`, their error kept. A parent that dies leaves them dead.
   */
  retireFailedChildren?: boolean;
}

/**
 * A change to the hub from one to_hub transfer, applied in one transaction with the fan-out it
 * causes, so that a crash can never leave a changed hub record without its outgoing requests.
 */
export interface HubChange {
  type: DataType;
  /** null: create a new hub record. */
  hubId: number | null;
  /** The version read before mapping; the write fails with a conflict when it moved on. */
  expectedVersion: number | null;
  data: Record<string, unknown>;
  deleted: boolean;
  /** Record the cross-reference (connection, type, external id) → this hub record. */
  link: { connection: string; externalId: string; replaceExisting: boolean } | null;
  /** One from_hub request per destination (hub id filled in by the store). */
  fanOut: Array<Omit<NewTransfer, 'hubId'>>;
  /** The source deleted its record: its link (connection + type → this hub record) is marked deleted. */
  linkDeleted?: { connection: string } | null;
}

/** Which finished or waiting requests a replay puts back in the queue (running and queued ones never). */
export interface ReplayFilter {
  status?: TransferStatus;
  connection?: string;
  scope?: string;
  /** created_at ≥ since (ms) */
  since?: number;
  /** created_at < until (ms) */
  until?: number;
}

export interface Replay {
  id: number;
  kind: 'transfer' | 'transfers' | 'hook';
  /** The id, or the filter as JSON. */
  target: string;
  count: number;
  actor: string;
  createdAt: number;
}

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

/**
 * A from_hub create finished, but the hub record was linked to another record of that connection
 * meanwhile (its own to_hub transfer matched it): nothing was written; the created record is a
 * duplicate in the destination.
 */
export class LinkConflictError extends Error {
  constructor(
    readonly connection: string,
    readonly externalId: string,
    readonly linkedTo: string,
  ) {
    super(`the hub record was linked to ${connection} ${linkedTo} while ${externalId} was being created there`);
    this.name = 'LinkConflictError';
  }
}

export class HubConflictError extends Error {
  constructor(hubId: number) {
    super(`hub record ${hubId} changed while it was being mapped`);
    this.name = 'HubConflictError';
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  /**
   * Appends hooks in one transaction; resolves once committed with each one's id, in order. A hook
   * whose delivery id its connection already had within the retention window is not stored again:
   * it comes back as `duplicate` with the id of the hook first stored.
   */
  appendHooks(hooks: readonly IncomingHook[], now: number): Promise<Appended[]>;

  /**
   * Claims up to `limit` received hooks, oldest first, for `worker` until `now + leaseMs`.
   * A hook whose lease has expired can be claimed again.
   */
  claimHooks(worker: string, limit: number, now: number, leaseMs: number): Promise<StoredHook[]>;

  /**
   * Writes the outcome of resolving claimed hooks, with their notifications and transfer
   * requests, in one transaction. A hook whose lease `worker` no longer holds is left alone.
   * Resolves with the number of hooks written.
   */
  saveResolutions(worker: string, resolutions: readonly HookResolution[], now: number): Promise<number>;

  getHook(id: number): Promise<StoredHook | null>;
  listHooks(filter: HookFilter): Promise<Page<HookSummary>>;
  notificationsOf(hookId: number): Promise<StoredNotification[]>;
  transfersOf(hookId: number): Promise<TransferRequest[]>;

  getTransfer(id: number): Promise<TransferRequest | null>;
  listTransfers(filter: TransferFilter): Promise<Page<TransferRequest>>;

  counts(): Promise<StoreCounts>;
  /** Hooks stored but not read yet: cheap enough to ask every second. */
  backlog(): Promise<number>;

  // --- transfers ---

  /**
   * Claims up to `limit` runnable transfer requests for `worker` until `now + leaseMs`: due ones
   * (and running ones whose lease expired) that are first in line for their record.
   */
  claimTransfers(worker: string, limit: number, now: number, leaseMs: number): Promise<TransferRequest[]>;

  /** Inserts a child request already running under `worker`'s lease (it runs inline, now). */
  startChild(worker: string, child: NewTransfer, now: number, leaseMs: number): Promise<TransferRequest>;

  /**
   * Ends an attempt with its activity and effects, while `worker` still holds the lease; false
   * (and nothing written) when the lease went to another worker. Throws LinkConflictError (and
   * writes nothing) when `effects.link` would give the hub record a second link on the connection.
   */
  finishTransfer(
    worker: string,
    id: number,
    outcome: TransferOutcome,
    activity: readonly ActivityEntry[],
    effects: FinishEffects,
    now: number,
  ): Promise<boolean>;

  /** Hands back every request `worker` still runs (it is stopping); resolves with how many. */
  releaseTransfers(worker: string, now: number): Promise<number>;

  activityOf(transferId: number): Promise<ActivityEntry[]>;
  childrenOf(transferId: number): Promise<TransferRequest[]>;

  // --- the hub ---

  getHubRecord(id: number): Promise<HubRecord | null>;
  hubRecordByExternalId(connection: string, type: DataType, externalId: string): Promise<HubRecord | null>;
  /** A live hub record of the type whose (top-level) field equals the value. */
  hubRecordByField(type: DataType, field: string, value: unknown): Promise<HubRecord | null>;
  /** The connection's link to a hub record; `deletedAt` set when its record was deleted there. */
  externalIdOf(connection: string, type: DataType, hubId: number): Promise<{ externalId: string; writtenHash: string | null; deletedAt: number | null } | null>;
  externalIdsOfHubRecord(hubId: number): Promise<Array<{ connection: string; type: DataType; externalId: string; deletedAt: number | null }>>;

  /**
   * Applies a to_hub change with its fan-out, guarded by `worker`'s lease on `transferId`.
   * Throws HubConflictError when the hub record moved past `expectedVersion`; resolves null when
   * the lease is lost.
   */
  applyHubChange(worker: string, transferId: number, change: HubChange, now: number): Promise<{ hubId: number; fanOut: number[] } | null>;

  // --- replays (nothing is deleted; each replay is recorded) ---

  /** Queues a request again with its attempts renewed; null when it is running or queued already. */
  retryTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null>;
  countReplayable(filter: ReplayFilter): Promise<number>;
  /** Records a replay by filter; then replayPage requeues it page by page (for progress). */
  startReplay(filter: ReplayFilter, actor: string, now: number): Promise<number>;
  replayPage(replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number): Promise<{ requeued: number; lastId: number | null }>;
  /** Reads a stored hook again; resolves with the replay's id, or null when it is being read already. */
  replayHook(id: number, actor: string, now: number): Promise<number | null>;
  listReplays(limit: number): Promise<Replay[]>;

  // --- feeds: polls and initializations ---

  /**
   * Takes a feed for one run when no other worker holds it (a poll also only when due). `restart`
   * (init): a finished initialization starts again from the first page; a running one resumes.
   */
  claimFeed(worker: string, connection: string, type: DataType, kind: FeedKind, now: number, leaseMs: number, options?: { restart?: boolean }): Promise<Feed | null>;
  /** Queues a page's requests and moves the cursor, in one transaction; null when the lease was lost. */
  commitFeedPage(worker: string, connection: string, type: DataType, kind: FeedKind, page: FeedPage, now: number): Promise<{ queued: number; absorbed: number } | null>;
  /** A run failed: the cursor stays, the lease is given up, the next run is scheduled. */
  failFeed(worker: string, connection: string, type: DataType, kind: FeedKind, error: string, nextRunAt: number, now: number): Promise<void>;
  /** A "poll now" hook: the connection × type's next poll is due at once. */
  pollNow(connection: string, type: DataType, now: number): Promise<void>;
  listFeeds(): Promise<Feed[]>;
  /** Queues planned requests (a manual sync), absorbing those a waiting request already covers. */
  queueTransfers(planned: readonly PlannedTransfer[], now: number): Promise<{ queued: number; absorbed: number }>;

  // --- echoes ---

  /** One more echo expected for this record (a write hookyard is about to make). */
  registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): Promise<void>;
  /** True (and counted off) when an echo is still expected for this record. */
  consumeEcho(connection: string, type: DataType, externalId: string, now: number): Promise<boolean>;

  close(): Promise<void>;
}
