/**
 * Polling and initialization: reading lists of changed (or all) records from a system, page by
 * page, and queueing a request for each record. Each page's requests are committed together with
 * the cursor that follows it, so a crash repeats a page — never skips or doubles one. A lease on
 * the feed keeps one reader per connection × type, across processes.
 *
 * Polled ids travel like hook notifications, through the type's created/updated scope (enabled or
 * not, coalescing, ordering and echo suppression included). Initialization is an operator's
 * explicit request: its records are queued whatever scopes are enabled.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionConfig } from '../config/types.js';
import { scopeFor } from '../domain/scope.js';
import type { DataType, Notification, PlannedTransfer, ScopeName } from '../domain/types.js';
import { HyError, networkErrorMessage } from '../errors.js';
import type { IntegrationContext } from '../integrations/types.js';
import { planTransfers } from '../plan/plan.js';
import type { Feed, FeedClaim } from '../store/store.js';
import { FeedLease } from './leases.js';
import type { EngineDeps } from './deps.js';

function contextFor(connection: ConnectionConfig, log: (line: string) => void): IntegrationContext {
  return { connection: connection.name, settings: connection.settings, presets: connection.presets, log: (step, detail) => log(`${step}${detail ? `: ${detail}` : ''}`) };
}

/** A request an operator asked for (initialization, manual sync): queued whatever scopes are enabled. */
function operatorRequest(connection: ConnectionConfig, type: DataType, scope: ScopeName, externalId: string, seq: number, requestType: 'initialization' | 'bulk', now: number, origin: string): PlannedTransfer {
  return {
    seq,
    trackingId: randomUUID(),
    connection: connection.name,
    type,
    direction: 'to_hub',
    scope,
    externalId,
    requestType,
    status: 'queued',
    reason: null,
    reasonCode: null,
    runAt: now,
    origin,
  };
}

/** Polled ids → requests through `type/updated` (or `type/created`), planned like notifications. */
export function planPolled(connection: ConnectionConfig, defaultType: DataType, ids: ReadonlyArray<string | { id: string; type: DataType }>, now: number): PlannedTransfer[] {
  const notifications: Notification[] = [];
  for (const [seq, entry] of ids.entries()) {
    const type = typeof entry === 'string' ? defaultType : entry.type;
    const externalId = typeof entry === 'string' ? entry : entry.id;
    const scope = connection.declaredScopes.get(scopeFor(type, 'updated')) ?? connection.declaredScopes.get(scopeFor(type, 'created'));
    if (!scope) continue; // config load refuses a poll scope without these; a foreign type is dropped
    notifications.push({ seq, hookName: null, scope, externalId, status: 'planned', reason: null });
  }
  return planTransfers(connection, notifications, now).map((t) => ({ ...t, requestType: 'polling' as const }));
}

export interface PollerOptions extends EngineDeps {
  tickMs: number;
  /** New requests were queued (the transfer worker listens). */
  onQueued: () => void;
  onError: (error: unknown) => void;
}

/** Runs each connection × type's poll when it is due; one at a time per feed, in every process. */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    const schedule = this.schedule();
    if (this.timer || schedule.length === 0) return;
    // Look as often as the shortest interval asks, and at least every tickMs.
    const every = Math.max(10, Math.min(this.options.tickMs, ...schedule.map(([, , interval]) => interval)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
    this.tick();
  }

  /**
   * The configuration changed (a reload): the schedule is read again, and the timer set for its
   * shortest interval. Polls running now go on; a feed is never polled twice at once.
   */
  reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.start();
  }

  /** Look now (a "poll now" hook arrived). */
  wake(): void {
    if (this.timer) this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  private schedule(): Array<[ConnectionConfig, DataType, number]> {
    const out: Array<[ConnectionConfig, DataType, number]> = [];
    for (const connection of this.options.config.connections.values()) {
      for (const [type, interval] of connection.polls) out.push([connection, type, interval]);
    }
    return out;
  }

  private tick(): void {
    for (const [connection, type, interval] of this.schedule()) {
      const key = `${connection.name}|${type}`;
      if (this.running.has(key)) continue;
      const run = this.pollOnce(connection, type, interval)
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => this.running.delete(key));
      this.running.set(key, run.then(() => undefined));
    }
  }

  /** One poll run (all pages ready now), if the feed is due and free; resolves with the records queued. */
  async pollOnce(connection: ConnectionConfig, type: DataType, intervalMs: number): Promise<number> {
    const { store, clock, worker, guards, leaseMs } = this.options;
    const feed = await store.claimFeed(worker, connection.name, type, 'poll', clock.now(), leaseMs);
    if (!feed) return 0;
    const lease = new FeedLease(store, feed.claim, this.options);
    let cursor = feed.cursor;
    let total = 0;
    try {
      for (;;) {
        const page = await guards.for(connection.name).call(() => connection.integration.poll!(type, cursor, contextFor(connection, () => {})));
        const now = clock.now();
        const planned = planPolled(connection, type, page.ids, now);
        const more = page.more === true;
        const committed = await store.commitFeedPage(feed.claim, { transfers: planned, cursor: page.cursor, done: !more, nextRunAt: now + intervalMs }, now);
        if (!committed) return total; // another worker took the feed over
        total += committed.queued;
        if (committed.queued > 0) this.options.onQueued();
        if (!more || lease.lost) return total;
        // More to read, but from where it just read: stop rather than read that page forever.
        if (page.cursor === null || page.cursor === undefined || page.cursor === cursor) {
          throw new HyError('HY_ERR_INTEGRATION', `${connection.integration.id} answered a poll of ${type} with more to read but no new cursor; stopped after this page`);
        }
        cursor = page.cursor;
      }
    } catch (error) {
      const now = clock.now();
      const message = networkErrorMessage(error);
      await store.failFeed(feed.claim, message, now + intervalMs, now);
      this.options.events?.emit({ type: 'feed.failed', connection: connection.name, dataType: type, kind: 'poll', error: message });
      throw error;
    } finally {
      lease.release();
    }
  }
}

/** An initialization stopped by its `signal` (Ctrl-C) between or during pages. */
export class InitializationInterrupted extends Error {
  constructor(readonly records: number) {
    super(`interrupted after ${records} record(s)`);
    this.name = 'InitializationInterrupted';
  }
}

/** The work, unless `signal` aborts first: then InitializationInterrupted (the work's result is dropped). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, records: () => number): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InitializationInterrupted(records()));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * An initialization: every record of `type` in the connection's system, page by page, queued as
 * initialization requests. Resumes from the last committed page when a run was interrupted; starts
 * from the first page when the last run finished. A run that stops early — `signal` aborted (the
 * page being read is dropped and read again next time) or a failure — gives its lease up, so the
 * next run resumes at once instead of waiting out the lease (30 s by default).
 */
export async function runInitialization(
  deps: EngineDeps,
  connectionName: string,
  type: DataType,
  progress?: (feed: { records: number; total: number | null; pages: number }) => void,
  signal?: AbortSignal,
): Promise<Feed> {
  const { store, clock, config, worker, leaseMs } = deps;
  const connection = config.connections.get(connectionName);
  if (!connection) throw new HyError('HY_ERR_CONNECTION_UNKNOWN', `"${connectionName}"`);
  if (!connection.integration.list) throw new HyError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${connection.integration.id} cannot list records for an initialization`);
  const feed = await store.claimFeed(worker, connection.name, type, 'init', clock.now(), leaseMs, { restart: true });
  if (!feed) throw new HyError('HY_ERR_INITIALIZATION_RUNNING', `${connection.name} ${type}`);
  const lease = new FeedLease(store, feed.claim, deps);
  try {
    await readAllPages(deps, connection, type, feed, lease, progress, signal);
  } finally {
    lease.release();
  }
  return (await store.listFeeds()).find((f) => f.connection === connection.name && f.type === type && f.kind === 'init')!;
}

async function readAllPages(
  deps: EngineDeps,
  connection: ConnectionConfig,
  type: DataType,
  feed: Feed & { claim: FeedClaim },
  lease: FeedLease,
  progress?: (feed: { records: number; total: number | null; pages: number }) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { store, clock, guards } = deps;
  const list = connection.integration.list!;
  const scope: ScopeName = connection.declaredScopes.has(scopeFor(type, 'initialize')) ? scopeFor(type, 'initialize') : scopeFor(type, 'updated');
  let { cursor, records, pages } = feed;
  let total = feed.total;
  progress?.({ records, total, pages });
  try {
    for (;;) {
      const reading = guards.for(connection.name).call(() => list.call(connection.integration, type, cursor, contextFor(connection, () => {})));
      const page = await unlessAborted(reading, signal, () => records);
      const now = clock.now();
      const transfers = page.ids.map((externalId, seq) =>
        operatorRequest(connection, type, scope, externalId, seq, 'initialization', now, `initialization of ${connection.name} ${type}`),
      );
      const done = page.cursor === null;
      const committed = await store.commitFeedPage(feed.claim, { transfers, cursor: page.cursor, total: page.total ?? null, done, nextRunAt: 0 }, now);
      if (!committed || lease.lost) throw new HyError('HY_ERR_INITIALIZATION_RUNNING', `${connection.name} ${type}: another run took it over`);
      records += transfers.length;
      pages += 1;
      total = page.total ?? total;
      progress?.({ records, total, pages });
      if (done) break;
      cursor = page.cursor;
      if (signal?.aborted) throw new InitializationInterrupted(records);
    }
  } catch (error) {
    // Only this run's claim: a run that lost the feed to another leaves that one's alone.
    await store.releaseFeed(feed.claim, clock.now());
    if (!(error instanceof InitializationInterrupted)) {
      deps.events?.emit({ type: 'feed.failed', connection: connection.name, dataType: type, kind: 'init', error: error instanceof Error ? error.message : String(error) });
    }
    throw error;
  }
}

/** Ids one manual sync takes: iPaaS.com caps a manual sync at 3,000 per request, and so do we. */
export const MANUAL_SYNC_MAX_IDS = 3_000;

/** A manual sync: bulk requests for exactly these ids (at most MANUAL_SYNC_MAX_IDS of them). */
export async function queueBulk(deps: Pick<EngineDeps, 'store' | 'clock' | 'config'>, connectionName: string, type: DataType, ids: readonly string[]): Promise<{ queued: number; absorbed: number }> {
  const connection = deps.config.connections.get(connectionName);
  if (!connection) throw new HyError('HY_ERR_CONNECTION_UNKNOWN', `"${connectionName}"`);
  if (ids.length > MANUAL_SYNC_MAX_IDS) throw new HyError('HY_ERR_SYNC_TOO_MANY_IDS', `${ids.length} ids given, at most ${MANUAL_SYNC_MAX_IDS} per request`);
  const now = deps.clock.now();
  const scope = scopeFor(type, 'updated');
  const transfers = [...new Set(ids)].map((externalId, seq) =>
    operatorRequest(connection, type, scope, externalId, seq, 'bulk', now, `manual sync of ${connection.name} ${type}`),
  );
  let queued = 0;
  let absorbed = 0;
  for (let i = 0; i < transfers.length; i += 500) {
    const result = await deps.store.queueTransfers(transfers.slice(i, i + 500), now);
    queued += result.queued;
    absorbed += result.absorbed;
  }
  return { queued, absorbed };
}
