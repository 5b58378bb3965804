/**
 * The shared store: PostgreSQL, for several hookyard processes on one database. Each method is one
 * transaction on a pooled connection; calls from one process run side by side on the pool's
 * connections, as calls from other processes do. What SQLite gets from its one writer at a time is
 * kept here by locks (migration 001 describes them): claims walk the heads FOR UPDATE SKIP LOCKED
 * and never wait; writes that change a record's active requests hold that record's lock.
 */
import { HOOK_STATUSES, TRANSFER_STATUSES, type ActivityEntry, type DataType, type HubRecord, type IncomingHook, type PlannedTransfer, type StoredHook, type TransferRequest } from '../../domain/types.js';
import { hookFromRow, hookSummaryFromRow, lineagePage, notificationFromRow, prunedLineageFromRows, transferFromRow } from '../rows.js';
import type {
  Appended,
  Cancel,
  CancelFilter,
  Claim,
  ClaimedTransfer,
  Enqueued,
  ExternalLink,
  Feed,
  FeedClaim,
  FeedKind,
  FeedPage,
  FinishEffects,
  HookFilter,
  HookLease,
  HookResolution,
  HookSummary,
  HubChange,
  NewTransfer,
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
import { appendHooks } from './append.js';
import { CancelTables } from './cancel-tables.js';
import { Db } from './db.js';
import { HyError } from '../../errors.js';
import { EngineTables } from './engine-tables.js';
import { FeedTables } from './feed-tables.js';
import { WorkChannel, type WorkListener } from './listen.js';
import { hasStore, migrate } from './migrate.js';
import { ReplayTables } from './replay-tables.js';
import { PruneTables } from './prune-tables.js';
import { saveResolutions } from './resolutions.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /**
   * `full`: a hook's commit waits until PostgreSQL has flushed it to disk (synchronous_commit on),
   * so an acknowledged hook survives a crash of the database server; `normal` (synchronous_commit
   * off): it survives a crash of hookyard, not of the server. Everything else the store writes is
   * derived from stored hooks and the systems' own records and is redone when lost, so it is always
   * written at `normal`.
   */
  durability?: 'full' | 'normal';
  /** Connections this process keeps open at most (default 10). */
  poolSize?: number;
  /** false: HY_ERR_STORE_MISSING instead of migrating a database without hookyard's tables (default true). */
  create?: boolean;
  /** How long a delivery id is remembered for deduplication (default 72 h). */
  dedupRetentionMs?: number;
}

const DEDUP_RETENTION_MS = 72 * 3_600_000; // 72 h: senders such as Stripe and Shopify retry for up to three days
const POOL_SIZE = 10; // the engine runs a few dozen transfers side by side; each holds a connection only while it writes

/** Opens the store on `url`, migrating the database first (safe when several processes start at once). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const db = new Db({ url: options.url, poolSize: options.poolSize ?? POOL_SIZE });
  try {
    if (options.create === false && !(await hasStore(db.pool))) {
      throw new HyError('HY_ERR_STORE_MISSING', `${describe(options.url)} has none of hookyard's tables`);
    }
    await migrate(db.pool, describe(options.url));
  } catch (error) {
    await db.close();
    throw error;
  }
  return new PostgresStore(db, options.durability ?? 'full', options.dedupRetentionMs ?? DEDUP_RETENTION_MS);
}

/** host:port/database, for messages: never the user's password. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL database ${parsed.pathname.replace(/^\//, '') || '(default)'} on ${parsed.host || 'localhost'}`;
  } catch {
    return 'the PostgreSQL database';
  }
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly engine: EngineTables;
  private readonly feeds: FeedTables;
  private readonly replays: ReplayTables;
  private readonly cancels: CancelTables;
  private readonly prunes: PruneTables;
  /** LISTEN hookyard_work on a connection of its own, opened by the first watch (listen.ts). */
  private readonly channel: WorkChannel;

  constructor(
    private readonly db: Db,
    private readonly durability: 'full' | 'normal',
    private readonly retentionMs: number,
  ) {
    this.engine = new EngineTables(db);
    this.feeds = new FeedTables(db);
    this.replays = new ReplayTables(db);
    this.cancels = new CancelTables(db);
    this.prunes = new PruneTables(db, retentionMs);
    this.channel = new WorkChannel(db.url);
  }

  watch(listener: WorkListener): () => void {
    return this.channel.watch(listener);
  }

  async appendHooks(hooks: readonly IncomingHook[], now: number, lease?: HookLease): Promise<Appended[]> {
    if (hooks.length === 0) return [];
    // Acknowledged means committed: with `full`, committed and flushed to disk.
    return this.db.transaction((sql) => appendHooks(sql, hooks, now, this.retentionMs, lease ?? null), { synchronousCommit: this.durability === 'full' });
  }

  async claimHooks(worker: string, limit: number, now: number, leaseMs: number): Promise<StoredHook[]> {
    return (await this.db.sql.rows('claim_hooks', [worker, now + leaseMs, now, limit])).map(hookFromRow);
  }

  async saveResolutions(worker: string, resolutions: readonly HookResolution[], now: number): Promise<number> {
    if (resolutions.length === 0) return 0;
    return this.db.transaction((sql) => saveResolutions(sql, worker, resolutions, now));
  }

  async backlog(): Promise<number> {
    return Number((await this.db.sql.row('count_received'))!.n);
  }

  async waitingWork(now: number): Promise<WaitingWork> {
    const row = (await this.db.sql.row('waiting_work', [now]))!;
    return { hooks: Number(row.hooks), transfers: Number(row.transfers) };
  }

  async getHook(id: number): Promise<StoredHook | null> {
    const row = await this.db.sql.row('get_hook', [id]);
    return row ? hookFromRow(row) : null;
  }

  async listHooks(filter: HookFilter): Promise<Page<HookSummary>> {
    const params = [filter.status ?? null, filter.connection ?? null, filter.since ?? null, filter.until ?? null, filter.before ?? null, filter.limit];
    const rows =
      filter.externalId === undefined ? await this.db.sql.rows('list_hooks', params) : await this.db.sql.rows('list_hooks_by_external_id', [filter.externalId, ...params]);
    const items = rows.map(hookSummaryFromRow);
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }

  async notificationsOf(hookId: number): Promise<StoredNotification[]> {
    return (await this.db.sql.rows('notifications_of_hook', [hookId])).map(notificationFromRow);
  }

  async transfersOf(hookId: number): Promise<TransferRequest[]> {
    return (await this.db.sql.rows('transfers_of_hook', [hookId])).map(transferFromRow);
  }

  async getTransfer(id: number): Promise<TransferRequest | null> {
    const row = await this.db.sql.row('get_transfer', [id]);
    return row ? transferFromRow(row) : null;
  }

  async listTransfers(filter: TransferFilter): Promise<Page<TransferRequest>> {
    const params = [filter.status ?? null, filter.scope ?? null, filter.connection ?? null, filter.since ?? null, filter.until ?? null, filter.before ?? null, filter.limit];
    const rows =
      filter.externalId === undefined
        ? await this.db.sql.rows('list_transfers', params)
        : await this.db.sql.rows('list_transfers_by_external_id', [filter.externalId, ...params]);
    const items = rows.map(transferFromRow);
    return { items, next: items.length === filter.limit ? items.at(-1)!.id : null };
  }

  async counts(): Promise<StoreCounts> {
    const hooks = Object.fromEntries(HOOK_STATUSES.map((s) => [s, 0])) as StoreCounts['hooks'];
    const transfers = Object.fromEntries(TRANSFER_STATUSES.map((s) => [s, 0])) as StoreCounts['transfers'];
    const reasons: Record<string, number> = {};
    // Counters kept with the rows (migration 001): a few rows per status and reason code.
    for (const row of await this.db.sql.rows('count_statuses')) {
      const key = String(row.key);
      const n = Number(row.n);
      if (row.kind === 'hooks') hooks[key as keyof typeof hooks] = n;
      else if (row.kind === 'transfers') transfers[key as keyof typeof transfers] = n;
      else reasons[key] = n;
    }
    return { hooks, transfers, reasons };
  }

  async claimTransfers(worker: string, limit: number, now: number, leaseMs: number, dueBy = now): Promise<ClaimedTransfer[]> {
    return this.engine.claimTransfers(worker, limit, now, leaseMs, dueBy);
  }

  async renewTransfers(claims: readonly Claim[], now: number, leaseMs: number): Promise<number[]> {
    return this.engine.renewTransfers(claims, now, leaseMs);
  }

  async startChild(parent: Claim, child: NewTransfer, now: number, leaseMs: number): Promise<ClaimedTransfer | null> {
    return this.engine.startChild(parent, child, now, leaseMs);
  }

  async finishTransfer(claim: Claim, outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number): Promise<boolean> {
    return this.engine.finishTransfer(claim, outcome, activity, effects, now);
  }

  async releaseTransfers(worker: string, now: number): Promise<number> {
    return this.engine.releaseTransfers(worker, now);
  }

  async queueTransfers(planned: readonly PlannedTransfer[], now: number): Promise<Enqueued> {
    return this.feeds.queueTransfers(planned, now);
  }

  async activityOf(transferId: number): Promise<ActivityEntry[]> {
    return this.engine.activityOf(transferId);
  }

  async childrenOf(transferId: number): Promise<TransferRequest[]> {
    return this.engine.childrenOf(transferId);
  }

  async lineageOf(hubId: number, filter: LineageFilter): Promise<LineagePage> {
    const transfers = (await this.db.sql.rows('lineage_of_hub_record', [hubId, filter.after ?? null, filter.limit])).map(transferFromRow);
    const activity = transfers.length === 0 ? [] : await this.db.sql.rows('activity_of_transfers', [transfers.map((t) => t.id)]);
    const pruned = prunedLineageFromRows(await this.db.sql.rows('pruned_lineage_of', [hubId]));
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
    return this.engine.applyHubChange(claim, change, now);
  }

  async registerEcho(connection: string, type: DataType, externalId: string, expiresAt: number, now: number): Promise<void> {
    await this.engine.registerEcho(connection, type, externalId, expiresAt, now);
  }

  async consumeEcho(connection: string, type: DataType, externalId: string, now: number): Promise<boolean> {
    return this.engine.consumeEcho(connection, type, externalId, now);
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
    await this.feeds.failFeed(claim, error, nextRunAt, now);
  }

  async releaseFeed(claim: FeedClaim, now: number): Promise<void> {
    await this.feeds.releaseFeed(claim, now);
  }

  async pollNow(connection: string, type: DataType, now: number): Promise<void> {
    await this.feeds.pollNow(connection, type, now);
  }

  async listFeeds(): Promise<Feed[]> {
    return this.feeds.listFeeds();
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

  async databaseNow(): Promise<number> {
    const result = await this.db.pool.query<{ now: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now');
    return Number(result.rows[0]!.now);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.channel.close();
    await this.db.close();
  }
}
