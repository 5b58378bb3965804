/**
 * Every default of the configuration, in one place, each with its unit. Plain values: the
 * engine and the server read them without pulling in the schema or the loader.
 */
import { NOTIFICATIONS_PER_HOOK } from '../resolve/limits.js';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  bodyLimitBytes: 1_048_576, // 1 MiB: far above any real webhook, far below a memory problem
  maxBacklog: 100_000, // hooks waiting to be read; past it ingest answers 429 instead of growing without bound
  // Transfer requests due to run and not yet running; past it ingest answers 429 too, so that a
  // burst of hooks the workers cannot carry out slows the senders instead of the queue growing.
  maxQueuedTransfers: 100_000,
  notificationsPerHook: NOTIFICATIONS_PER_HOOK, // 1,000 notifications one hook may hold; a hook with more is failed, nothing planned
  backlogLookMs: 1_000, // how often ingest reads the backlog from the store
  requestTimeoutMs: 30_000, // 30 s for a whole request: a slow client cannot hold a connection forever
  durability: 'full' as 'full' | 'normal', // fsync each group commit: an acknowledged hook survives power loss
  groupCommitMaxHooks: 512, // hooks in one ingest transaction at most
  resolveBatch: 200, // hooks a resolver claims at once
  resolveIdleMs: 250, // 250 ms: how often an idle resolver looks for hooks it was not told about
  // While hooks keep arriving (a commit within 250 ms), the resolver rests 50 ms between batches:
  // acknowledging comes first, and it still resolves up to 4,000 hooks/s (200 per batch).
  ingestBusyWindowMs: 250,
  resolveYieldMs: 50,
  // 5 s: resolving a batch is CPU work of milliseconds; after a crash its hooks wait at most this
  // long. A worker that overruns loses nothing: the store refuses its save, the new holder's counts.
  resolveLeaseMs: 5_000,
  leaseMs: 30_000, // 30 s: a claimed transfer is claimed again by another worker after this
  concurrency: 8, // transfers in flight per process: they wait on other systems, not on the CPU
  transferIdleMs: 250, // 250 ms: how often an idle transfer worker looks for due retries
  // 5 s: while hooks wait to be resolved, a due transfer waits for them at most this long (resolution
  // first, engine/claim-horizon.ts): hooks of a burst fold into a waiting request instead of each
  // running it once more. Under a steady stream a record is then read about once per 5 s.
  resolveFirstMs: 5_000,
  echoWindowMs: 300_000, // 5 min: how long a write waits for its echo hook before it is forgotten
  shutdownGraceMs: 10_000, // 10 s for transfers in flight to finish on SIGTERM; then they are handed back
  maxAttempts: 8, // then the request is dead
  pollTickMs: 1_000, // how often the scheduler looks for due polls
  retryJitter: 0.2, // ±20 % on each retry delay, so that requests failed together do not retry together
  circuitFailures: 5, // retryable failures in a row that open a connection's circuit
  circuitCooldownMs: 5_000, // 5 s shut to every call once the circuit opens; never grows
  circuitProbeIntervalMs: 5_000, // 5 s: then one probe call per interval until one succeeds, so delivery resumes within seconds of the system answering again
  // Retention (src/engine/pruner.ts): finished hooks and transfer requests are removed after this.
  retainFinishedMs: 30 * 86_400_000, // 30 days: succeeded and skipped requests, resolved hooks
  retainDeadMs: 90 * 86_400_000, // 90 days: dead requests and unmatched, invalid or failed hooks, which an operator may still replay
  pruneBatch: 500, // rows per prune transaction: a few milliseconds of the writer's time, then ingest goes on
  pruneEveryMs: 60_000, // 1 min between prune passes; a pass goes on batch after batch while it finds old rows
  // backlog.high alerts: by default at half of server.maxBacklog, well before ingest starts refusing hooks.
  alertBacklogHighShare: 0.5,
  alertBacklogLookMs: 5_000, // 5 s: how often a process that sends alerts reads the backlog
  alertQueueSize: 1_000, // alerts waiting per target at most; past it the oldest are dropped (and counted in the log)
  alertTimeoutMs: 10_000, // 10 s for an alert target to answer
  // 5 attempts over about a minute (1 + 5 + 15 + 40 s between them), the same webhook-id each time.
  alertRetryDelaysMs: [1_000, 5_000, 15_000, 40_000] as readonly number[],
  alertCloseGraceMs: 2_000, // 2 s on close for alerts still queued to go out; then they are dropped
} as const;
