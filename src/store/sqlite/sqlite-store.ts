/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so each method
 * runs its transaction to the end before the event loop moves on; statements are prepared once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  HOOK_STATUSES,
  TRANSFER_STATUSES,
  type ActivityEntry,
  type DataType,
  type HubRecord,
  type IncomingHook,
  type PlannedTransfer,
  type StoredHook,
  type TransferRequest,
} from '../../domain/types.js';
import { HyError } from '../../errors.js';
import { loadMigrations, loadQueries } from '../sql-files.js';
import { prepareAppend } from './append.js';
import { hookFromRow, hookSummaryFromRow, lineagePage, notificationFromRow, prunedLineageFromRows, transferFromRow } from '../rows.js';
import type {
  Appended,
  Claim,
  ClaimedTransfer,
  Enqueued,
  FeedClaim,
  Cancel,
  CancelFilter,
  FinishEffects,
  HookFilter,
  HookLease,
  HookResolution,
  HookSummary,
  ExternalLink,
  HubChange,
  NewTransfer,
  Feed,
  FeedKind,
  FeedPage,
  LineageFilter,
  LineagePage,
  Page,
  PrunePolicy,
  PruneStep,
  Replay,
  ReplayFilter,
  Store,
  StoreCounts,
  StoredNotification,
  TransferFilter,
  RecordedFilter,
  TransferOutcome,
  WaitingWork,
} from '../store.js';
import { Enqueue, type Waiting } from './enqueue.js';
import { isDeleteRequest } from '../../domain/scope.js';
import { WriteBatch } from './write-batch.js';
import { EngineTables } from './engine-tables.js';
import { ReplayTables } from './replay-tables.js';
import { CancelTables } from './cancel-tables.js';
import { FeedTables } from './feed-tables.js';
import { plannedParams } from '../params.js';
import { WorkTables } from './work-tables.js';
import { PruneTables } from './prune-tables.js';

const here = dirname(fileURLToPath(import.meta.url));
const QUERIES = loadQueries(join(here, 'queries'));
const MIGRATIONS = loadMigrations(join(here, 'migrations'));

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** The database file; created with its folder when missing. */
  file: string;
  /**
   * `full`: a hook is synced to disk before it is acknowledged, so it survives a power loss;
   * `normal`: it survives a crash of the process, not of the machine. Everything else the store
   * writes is derived from stored hooks and the systems' own records and is redone when lost, so
   * it is always written at `normal`.
   */
  durability?: 'full' | 'normal';
  /** false: HY_ERR_STORE_MISSING instead of a new database when the file holds no store (default true). */
  create?: boolean;
  /** How long a delivery id is remembered for deduplication (default 72 h). */
  dedupRetentionMs?: number;
}

const DEDUP_RETENTION_MS = 72 * 3_600_000; // 72 h: senders such as Stripe and Shopify retry for up to three days

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (options.create === false) assertSqliteStore(options.file);
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000'); // 5 s: another process migrating or writing holds the lock briefly
  migrate(db, options.file);
  const retentionMs = options.dedupRetentionMs ?? DEDUP_RETENTION_MS;
  const syncHooks = options.durability !== 'normal';
  // Hooks are appended on a connection of their own, synced as the durability says, so that
  // neither has to switch `synchronous` back and forth around every group commit.
  const appendDb = new Database(options.file);
  appendDb.pragma(`synchronous = ${syncHooks ? 'FULL' : 'NORMAL'}`);
  appendDb.pragma('busy_timeout = 5000');
  return new SqliteStore(db, appendDb, retentionMs);
}

/** Throws HY_ERR_STORE_MISSING unless `file` is a database that hookyard has migrated; creates nothing. */
function assertSqliteStore(file: string): void {
  const missing = () => new HyError('HY_ERR_STORE_MISSING', `${dirname(file)} holds none (no ${file})`);
  if (!existsSync(file)) throw missing();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()) throw missing();
  } finally {
    db.close();
  }
}

/**
 * Applies the missing migrations in one immediate transaction, so two processes starting at once
 * take turns: the second finds the work done.
 */
function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = db.prepare('SELECT version FROM schema_migrations');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const run = db.transaction(() => {
    const done = new Set(applied.all().map((row) => Number((row as Row).version)));
    const newest = Math.max(0, ...done);
    if (newest > MIGRATIONS.length) {
      throw new HyError(
        'HY_ERR_STORE_MIGRATION',
        `${file} was migrated to version ${newest} by a newer hookyard; this one knows ${MIGRATIONS.length}. Upgrade hookyard or use another data directory`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new HyError(
          'HY_ERR_STORE_MIGRATION',
          `migration ${migration.version} (${migration.name}) failed on ${file}: ${(error as Error).message}. Nothing was changed; restore the file from a backup or report this`,
          { cause: error },
        );
      }
      record.run(migration.version, migration.name, Date.now());
    }
  });
  run.immediate();
}

const coalescedInto = (into: Waiting) =>
  into.running ? `transfer ${into.id} for this record is running: it runs once more when it finishes` : `coalesced into transfer ${into.id}, which has not run yet`;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly statements;
  private readonly engine: EngineTables;
  /** The engine's and the resolver's writes of one event-loop turn, committed together. */
  private readonly writes: WriteBatch;
  private readonly replays: ReplayTables;
  private readonly cancels: CancelTables;
  private readonly feeds: FeedTables;
  private readonly work: WorkTables;
  private readonly prunes: PruneTables;
  private readonly appendMany;
  private readonly claimTx;
  private readonly saveTx;

  constructor(
    private readonly db: Database.Database,
    /**
     * A connection on the same file for appending hooks only, synced as the durability says
     * (SqliteStoreOptions.durability): acknowledged means on disk with `full`.
     */
    private readonly appendDb: Database.Database,
    private readonly retentionMs = DEDUP_RETENTION_MS,
  ) {
    const prepare = (name: string) => {
      const sql = QUERIES[name];
      if (sql === undefined) throw new Error(`missing query ${name}.sql`);
      return db.prepare(sql);
    };
    this.statements = {
      claimHooks: prepare('claim_hooks'),
      claimedHooks: prepare('claimed_hooks'),
      finishHook: prepare('finish_hook'),
      insertNotification: prepare('insert_notification'),
      nextNotificationId: prepare('next_notification_id'),
      addHookCount: prepare('add_hook_count'),
      insertTransfer: prepare('insert_transfer'),
      getHook: prepare('get_hook'),
      listHooks: prepare('list_hooks'),
      listHooksByExternalId: prepare('list_hooks_by_external_id'),
      notificationsOf: prepare('notifications_of_hook'),
      transfersOf: prepare('transfers_of_hook'),
      getTransfer: prepare('get_transfer'),
      listTransfers: prepare('list_transfers'),
      listTransfersByExternalId: prepare('list_transfers_by_external_id'),
      lineageOf: prepare('lineage_of_hub_record'),
      prunedLineageOf: prepare('pruned_lineage_of'),
      activityOfTransfers: prepare('activity_of_transfers'),
      countStatuses: prepare('count_statuses'),
      countReceived: prepare('count_received'),
      noteCoalesced: prepare('note_coalesced'),
    };
    const enqueue = new Enqueue(prepare);
    this.engine = new EngineTables(db, prepare, enqueue);
    this.writes = new WriteBatch(db);
    this.replays = new ReplayTables(db, prepare, enqueue);
    this.feeds = new FeedTables(db, prepare, enqueue);
    this.cancels = new CancelTables(db, prepare);
    this.work = new WorkTables(prepare);
    this.prunes = new PruneTables(db, prepare, retentionMs);

    this.appendMany = prepareAppend(appendDb, QUERIES);

    this.claimTx = db.transaction((worker: string, limit: number, now: number, leaseMs: number) => {
      const leaseUntil = now + leaseMs;
      const ids = (this.statements.claimHooks.all({ worker, leaseUntil, now, limit }) as Row[]).map((row) => Number(row.id));
      if (ids.length === 0) return [];
      return (this.statements.claimedHooks.all({ ids: JSON.stringify(ids) }) as Row[]).map(hookFromRow);
    });

    this.saveTx = db.transaction((worker: string, resolutions: readonly HookResolution[], now: number) => {
      let saved = 0;
      const newStatuses = new Map<string, number>(); // for the counters (migration 014)
      let notificationId = Number((this.statements.nextNotificationId.get() as Row).id);
      for (const resolution of resolutions) {
        const finished = this.statements.finishHook.run({
          id: resolution.hookId,
          worker,
          status: resolution.status,
          errorCode: resolution.errorCode,
          errorMessage: resolution.errorMessage,
          now,
        });
        if (finished.changes === 0) continue; // the lease went to another worker
        saved += 1;
        newStatuses.set(resolution.status, (newStatuses.get(resolution.status) ?? 0) + 1);
        // The enqueue rule, looked up before the notifications are written so that each says where
        // its request went. A second request for one record within this hook is absorbed by the
        // first once that has its id (rare: its notification's reason is then set afterwards).
        const rows = resolution.transfers.map((t) => plannedParams(t, resolution.hookId, null, now));
        // One Waiting per request id, so that two absorptions into one request see each other's payload.
        const byId = new Map<number, Waiting>();
        const waiting = rows.map((row) => {
          const into = enqueue.absorbing(row);
          if (into === null) return null;
          const seen = byId.get(into.id) ?? into;
          byId.set(seen.id, seen);
          return seen;
        });
        const absorbedBySeq = new Map(resolution.transfers.map((t, i) => [t.seq, waiting[i] ?? null] as const));
        const notificationIds = new Map<number, number>();
        for (const n of resolution.notifications) {
          const into = absorbedBySeq.get(n.seq);
          const id = notificationId++;
          this.statements.insertNotification.run({
            id,
            hookId: resolution.hookId,
            seq: n.seq,
            hookName: n.hookName,
            scope: n.scope?.name ?? null,
            externalId: n.externalId,
            status: n.status,
            reason: into == null ? n.reason : coalescedInto(into),
          });
          notificationIds.set(n.seq, id);
        }
        const firstOfRecord = new Map<string, Waiting>();
        resolution.transfers.forEach((t, i) => {
          const row = rows[i]!;
          const into = waiting[i];
          const notificationId = notificationIds.get(t.seq) ?? null;
          if (into) {
            // A running request's mark keeps the notification: its follow-up is this notification's request.
            enqueue.absorbed(into, { ...row, notificationId });
            return;
          }
          const first = row.status === 'queued' && !isDeleteRequest(row) ? firstOfRecord.get(row.recordKey) : undefined;
          if (first !== undefined) {
            if (notificationId !== null) this.statements.noteCoalesced.run({ id: notificationId, reason: coalescedInto(first) });
            enqueue.absorbed(first, row);
            return;
          }
          const id = enqueue.insert({ ...row, notificationId });
          if (row.status === 'queued') firstOfRecord.set(row.recordKey, { id, hasPayload: row.payloadHook != null, payloadVersion: row.payloadVersion ?? null });
        });
      }
      if (saved > 0) {
        this.statements.addHookCount.run({ status: 'received', n: -saved });
        for (const [status, n] of newStatuses) this.statements.addHookCount.run({ status, n });
      }
      return saved;
    });
  }

  async appendHooks(hooks: readonly IncomingHook[], now: number, lease?: HookLease): Promise<Appended[]> {
    // With `full`, this commit is synced, and with it everything written before.
    return this.appendMany(hooks, now, this.retentionMs, lease ?? null);
  }

  async claimHooks(worker: string, limit: number, now: number, leaseMs: number): Promise<StoredHook[]> {
    return this.writes.run(() => this.claimTx.immediate(worker, limit, now, leaseMs));
  }

  async saveResolutions(worker: string, resolutions: readonly HookResolution[], now: number): Promise<number> {
    return this.writes.run(() => this.saveTx.immediate(worker, resolutions, now));
  }

  async getHook(id: number): Promise<StoredHook | null> {
    const row = this.statements.getHook.get({ id }) as Row | undefined;
    return row ? hookFromRow(row) : null;
  }

  async listHooks(filter: HookFilter): Promise<Page<HookSummary>> {
    const params = {
      status: filter.status ?? null,
      connection: filter.connection ?? null,
      since: filter.since ?? null,
      until: filter.until ?? null,
      before: filter.before ?? null,
      limit: filter.limit,
    };
    const rows = (
      filter.externalId === undefined ? this.statements.listHooks.all(params) : this.statements.listHooksByExternalId.all({ ...params, externalId: filter.externalId })
    ) as Row[];
    const items = rows.map(hookSummaryFromRow);
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }

  async notificationsOf(hookId: number): Promise<StoredNotification[]> {
    return (this.statements.notificationsOf.all({ hookId }) as Row[]).map(notificationFromRow);
  }

  async transfersOf(hookId: number): Promise<TransferRequest[]> {
    return (this.statements.transfersOf.all({ hookId }) as Row[]).map(transferFromRow);
  }

  async getTransfer(id: number): Promise<TransferRequest | null> {
    const row = this.statements.getTransfer.get({ id }) as Row | undefined;
    return row ? transferFromRow(row) : null;
  }

  async listTransfers(filter: TransferFilter): Promise<Page<TransferRequest>> {
    const params = {
      status: filter.status ?? null,
      scope: filter.scope ?? null,
      connection: filter.connection ?? null,
      since: filter.since ?? null,
      until: filter.until ?? null,
      before: filter.before ?? null,
      limit: filter.limit,
    };
    const rows = (
      filter.externalId === undefined
        ? this.statements.listTransfers.all(params)
        : this.statements.listTransfersByExternalId.all({ ...params, externalId: filter.externalId })
    ) as Row[];
    const items = rows.map(transferFromRow);
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }

  async counts(): Promise<StoreCounts> {
    const hooks = Object.fromEntries(HOOK_STATUSES.map((s) => [s, 0])) as StoreCounts['hooks'];
    const transfers = Object.fromEntries(TRANSFER_STATUSES.map((s) => [s, 0])) as StoreCounts['transfers'];
    const reasons: Record<string, number> = {};
    // Counters kept with the rows (migration 013): one row per status and reason code.
    for (const row of this.statements.countStatuses.all() as Row[]) {
      const key = String(row.key);
      const n = Number(row.n);
      if (row.kind === 'hooks') hooks[key as keyof typeof hooks] = n;
      else if (row.kind === 'transfers') transfers[key as keyof typeof transfers] = n;
      else reasons[key] = n;
    }
    return { hooks, transfers, reasons };
  }

  async claimTransfers(worker: string, limit: number, now: number, leaseMs: number, dueBy = now): Promise<ClaimedTransfer[]> {
    return this.writes.run(() => this.engine.claimTransfers(worker, limit, now, leaseMs, dueBy));
  }

  async renewTransfers(claims: readonly Claim[], now: number, leaseMs: number): Promise<number[]> {
    return this.writes.run(() => this.engine.renewTransfers(claims, now, leaseMs));
  }

  async startChild(parent: Claim, child: NewTransfer, now: number, leaseMs: number): Promise<ClaimedTransfer | null> {
    return this.writes.run(() => this.engine.startChild(parent, child, now, leaseMs));
  }

  async finishTransfer(claim: Claim, outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number): Promise<boolean> {
    return this.writes.run(() => this.engine.finishTransfer(claim, outcome, activity, effects, now));
  }

  async releaseTransfers(worker: string, now: number): Promise<number> {
    return this.engine.releaseTransfers(worker, now);
  }

  async activityOf(transferId: number): Promise<ActivityEntry[]> {
    return this.engine.activityOf(transferId);
  }

  async childrenOf(transferId: number): Promise<TransferRequest[]> {
    return this.engine.childrenOf(transferId);
  }

  async lineageOf(hubId: number, filter: LineageFilter): Promise<LineagePage> {
    const transfers = (this.statements.lineageOf.all({ hubId, after: filter.after ?? null, limit: filter.limit }) as Row[]).map(transferFromRow);
    const activity = transfers.length === 0 ? [] : (this.statements.activityOfTransfers.all({ ids: JSON.stringify(transfers.map((t) => t.id)) }) as Row[]);
    const pruned = prunedLineageFromRows(this.statements.prunedLineageOf.all({ hubId }) as Row[]);
    return { ...lineagePage(transfers, activity, filter), pruned };
  }

  async pruneTransfers(policy: PrunePolicy, after: number, limit: number): Promise<PruneStep> {
    return this.prunes.pruneTransfers(policy, after, limit);
  }

  async pruneHooks(policy: PrunePolicy, after: number, limit: number, now: number): Promise<PruneStep> {
    return this.prunes.pruneHooks(policy, after, limit, now);
  }

  async getHubRecord(id: number): Promise<HubRecord | null> {
    return this.engine.getHubRecord(id);
  }

  async hubRecordByExternalId(connection: string, type: DataType, externalId: string): Promise<HubRecord | null> {
    return this.engine.hubRecordByExternalId(connection, type, externalId);
  }

  async hubRecordByField(type: DataType, field: string, value: unknown): Promise<HubRecord | null> {
    return this.engine.hubRecordByField(type, field, value);
  }

  async externalIdOf(connection: string, type: DataType, hubId: number): Promise<ExternalLink | null> {
    return this.engine.externalIdOf(connection, type, hubId);
  }

  async externalIdsOfHubRecord(hubId: number): Promise<Array<{ connection: string; type: DataType; externalId: string; deletedAt: number | null }>> {
    return this.engine.externalIdsOfHubRecord(hubId);
  }

  async applyHubChange(claim: Claim, change: HubChange, now: number): Promise<{ hubId: number; fanOut: number[] } | null> {
    return this.writes.run(() => this.engine.applyHubChange(claim, change, now));
  }

  async retryTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null> {
    return this.replays.retryTransfer(id, actor, now);
  }

  async countReplayable(filter: ReplayFilter): Promise<number> {
    return this.replays.countReplayable(filter);
  }

  async startReplay(filter: ReplayFilter, actor: string, now: number): Promise<number> {
    return this.replays.startReplay(filter, actor, now);
  }

  async replayPage(replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number): Promise<{ requeued: number; lastId: number | null }> {
    return this.replays.replayPage(replayId, filter, afterId, limit, now);
  }

  async replayHook(id: number, actor: string, now: number): Promise<number | null> {
    return this.replays.replayHook(id, actor, now);
  }

  async listReplays(filter: RecordedFilter): Promise<Page<Replay>> {
    return this.replays.listReplays(filter);
  }

  async cancelTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null> {
    return this.cancels.cancelTransfer(id, actor, now);
  }

  async countCancellable(filter: CancelFilter): Promise<number> {
    return this.cancels.countCancellable(filter);
  }

  async startCancel(filter: CancelFilter, actor: string, now: number): Promise<number> {
    return this.cancels.startCancel(filter, actor, now);
  }

  async cancelPage(cancelId: number, filter: CancelFilter, afterId: number, limit: number, now: number): Promise<{ cancelled: number; lastId: number | null }> {
    return this.cancels.cancelPage(cancelId, filter, afterId, limit, now);
  }

  async listCancels(filter: RecordedFilter): Promise<Page<Cancel>> {
    return this.cancels.listCancels(filter);
  }

  async releaseFeed(claim: FeedClaim, now: number): Promise<void> {
    this.feeds.releaseFeed(claim, now);
  }

  async claimFeed(worker: string, connection: string, type: DataType, kind: FeedKind, now: number, leaseMs: number, options: { restart?: boolean } = {}): Promise<(Feed & { claim: FeedClaim }) | null> {
    return this.feeds.claimFeed(worker, connection, type, kind, now, leaseMs, options.restart ?? false);
  }

  async renewFeed(claim: FeedClaim, now: number, leaseMs: number): Promise<boolean> {
    return this.feeds.renewFeed(claim, now, leaseMs);
  }

  async commitFeedPage(claim: FeedClaim, page: FeedPage, now: number): Promise<Enqueued | null> {
    return this.feeds.commitFeedPage(claim, page, now);
  }

  async failFeed(claim: FeedClaim, error: string, nextRunAt: number, now: number): Promise<void> {
    this.feeds.failFeed(claim, error, nextRunAt, now);
  }

  async pollNow(connection: string, type: DataType, now: number): Promise<void> {
    this.feeds.pollNow(connection, type, now);
  }

  async listFeeds(): Promise<Feed[]> {
    return this.feeds.listFeeds();
  }

  async queueTransfers(planned: readonly PlannedTransfer[], now: number): Promise<Enqueued> {
    return this.feeds.queueTransfers(planned, now);
  }

  async registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): Promise<void> {
    await this.writes.run(() => this.engine.registerEcho(connection, type, externalId, expiresAt, now));
  }

  async consumeEcho(connection: string, type: DataType, externalId: string, now: number): Promise<boolean> {
    return this.writes.run(() => this.engine.consumeEcho(connection, type, externalId, now));
  }

  async backlog(): Promise<number> {
    return Number((this.statements.countReceived.get() as Row).n);
  }

  async waitingWork(now: number): Promise<WaitingWork> {
    return this.work.waitingWork(now);
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.writes.flushNow();
      this.db.close();
    }
    if (this.appendDb.open) this.appendDb.close();
  }
}
