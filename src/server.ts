/**
 * Assembles a hub: the HTTP server (ingest, admin API, health), group commit and the resolver
 * worker over one store. The only place where failures become HTTP answers.
 *
 * Roles split a hub over processes that share one store (PostgreSQL; docs/scaling.md): `ingest`
 * answers hooks and runs no worker, `worker` runs the resolver, transfer worker and poller and
 * takes no hooks, `all` (the default) does both. Every role serves /healthz, /readyz, /metrics and
 * the admin API.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiPlugin } from './api/plugin.js';
import { collectRoutes } from './api/openapi.js';
import { metricsRoute } from './api/metrics.js';
import { uiPlugin } from './ui/plugin.js';
import { systemClock, type Clock } from './clock.js';
import { DatabaseClock } from './store/database-clock.js';
import type { HubConfig } from './config/types.js';
import { DEFAULTS } from './config/defaults.js';
import { HookResolver } from './engine/resolver.js';
import { TransferWorker } from './engine/transfer-worker.js';
import { Poller } from './engine/feeds.js';
import { longestGuardWindow, Pruner } from './engine/pruner.js';
import { Guards, type GuardPolicy } from './engine/guard.js';
import { ConfigReloader, type LiveConfig, type ReloadResult } from './reload.js';

/** On close, connections still busy after this are closed (see Hub.close). */
const CLOSE_CONNECTIONS_AFTER_MS = 5_000;

/** For a connection no longer configured: its requests fail before any call. */
const DEFAULT_GUARD: GuardPolicy = {
  rate: null,
  concurrent: null,
  circuit: { failures: DEFAULTS.circuitFailures, cooldownMs: DEFAULTS.circuitCooldownMs, probeIntervalMs: DEFAULTS.circuitProbeIntervalMs },
};
import { ERRORS, answerCodeOf, errorBody, isHyError, type ErrorCode } from './errors.js';
import type { Socket } from 'node:net';
import { GroupCommit } from './ingest/group-commit.js';
import { ingestPlugin } from './ingest/plugin.js';
import { BacklogGauge } from './ingest/backlog.js';
import type { Store } from './store/store.js';
import { OpsEvents } from './ops/events.js';
import { HubMetrics } from './ops/metrics.js';
import { attachOps } from './ops/attach.js';
import type { Logger } from 'pino';

/**
 * Requests Node's HTTP parser refuses (broken framing, headers over 16 KiB, a timeout) never reach
 * Fastify: they are answered here, in our format, and the connection is closed — saying so, so
 * that a keep-alive client does not send its next request into a closed socket.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW' ? 'HY_ERR_HEADERS_TOO_LARGE' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HY_ERR_REQUEST_TIMEOUT' : 'HY_ERR_REQUEST_MALFORMED';
  const { status } = ERRORS[code];
  const body = JSON.stringify(errorBody(code));
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach them. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** What a process of the hub does (see the top of this file). */
export type HubRole = 'all' | 'ingest' | 'worker';
export const HUB_ROLES: readonly HubRole[] = ['all', 'ingest', 'worker'];

/** What each role does, as its start says. */
const ROLE_SUMMARY: Record<HubRole, string> = {
  all: 'takes hooks and runs the workers',
  ingest: 'takes hooks; runs no resolver, transfer worker or poller',
  worker: 'runs the resolver, transfer worker and poller; takes no hooks',
};

export interface HubOptions {
  config: HubConfig;
  store: Store;
  /** Default 'all'. */
  role?: HubRole;
  clock?: Clock;
  adminToken?: string | null;
  /**
   * Where the hub logs: a pino logger (`hookyard serve` passes the one LOG_LEVEL and LOG_FORMAT
   * made, src/ops/logger.ts), or true for JSON lines to stdout at info. Off by default in the library.
   */
  logger?: boolean | Logger;
  /** Start the resolver and transfer workers (default true, never in the ingest role); tests drive them by hand instead. */
  workers?: boolean;
  /** How often an idle resolver looks for hooks without being woken (default DEFAULTS.resolveIdleMs). */
  resolveIdleMs?: number;
  /** Environment for `${NAME}` in the file when the configuration is reloaded (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Operational events (hooks answered, transfer outcomes, circuits, feeds); one is made when left out. */
  events?: OpsEvents;
}

export interface Hub {
  app: FastifyInstance;
  store: Store;
  role: HubRole;
  commit: GroupCommit;
  resolver: HookResolver;
  transfers: TransferWorker;
  poller: Poller;
  /** Retention: prunes finished hooks and requests in the roles that run workers. */
  pruner: Pruner;
  guards: Guards;
  /** What happens, for the operator's side: logs, alerts and metrics listen here. */
  events: OpsEvents;
  /** Starts listening; resolves with the bound address. */
  listen(port: number, host: string): Promise<string>;
  /** The configuration in force now (a reload swaps it). */
  readonly config: HubConfig;
  /**
   * Loads the configuration file again (default: the one in force) and swaps it in; rejects with
   * a HyError, keeping the running configuration, when it is unreadable, invalid or changes a
   * setting that needs a restart. See src/reload.ts.
   */
  reload(file?: string): Promise<ReloadResult>;
  /** Why /api is closed (non-loopback address without an admin token), or null when it is open. */
  apiClosedReason: string | null;
  /** Stops taking hooks, commits what was taken, stops the worker, closes the store. */
  close(): Promise<void>;
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { store } = options;
  // `config` is the configuration the hub started with: only settings fixed at start are read from
  // it. Everything else reads `live.current` at each use, so that a reload reaches it (src/reload.ts).
  const config = options.config;
  const live: LiveConfig = { current: config };
  const role = options.role ?? 'all';
  if (!HUB_ROLES.includes(role)) throw new TypeError(`role must be one of ${HUB_ROLES.join(', ')}, not ${String(role)}`);
  const takesHooks = role !== 'worker';
  const runsWorkers = role !== 'ingest' && options.workers !== false;
  // On a store shared across machines (PostgreSQL), every process reckons time by the database's
  // clock: leases and due times are compared between processes (src/store/database-clock.ts).
  const clock = options.clock ?? (await DatabaseClock.of(store, systemClock));
  const app = Fastify({
    ...(typeof options.logger === 'object' ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: options.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false }),
    // One log line per hook would cost more than storing it; errors and lifecycle still log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.bodyLimitBytes,
    requestTimeout: config.server.requestTimeoutMs,
    // Node checks timeouts only every connectionsCheckingInterval, and a headersTimeout above the
    // request timeout would stretch it: both are set so that the configured timeout holds.
    http: {
      requestTimeout: config.server.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.server.requestTimeoutMs),
      connectionsCheckingInterval: 1_000,
    },
    return503OnClosing: true,
    // Errors Fastify meets before a route runs, answered in our format.
    frameworkErrors: (error, _request, reply) => {
      const code: ErrorCode =
        error.code === 'FST_ERR_BAD_URL' ? 'HY_ERR_URL_INVALID' : error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'HY_ERR_URL_TOO_LONG' : 'HY_ERR_REQUEST_MALFORMED';
      (reply as FastifyReply).code(ERRORS[code].status).send(errorBody(code, error.message));
    },
    clientErrorHandler: answerClientError,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isHyError(error)) return reply.code(error.status).send(error.toJSON());
    // A Content-Type no parser takes: for a route, the type is wrong; without one, the route is.
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return request.routeOptions.url === undefined
        ? reply.code(404).send(errorBody('HY_ERR_ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]}`))
        : reply.code(415).send(errorBody('HY_ERR_CONTENT_TYPE_UNSUPPORTED', error.message));
    }
    const code = answerCodeOf(error);
    if (code !== 'HY_ERR_INTERNAL') return reply.code(error.statusCode ?? 400).send(errorBody(code, error.message));
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody('HY_ERR_INTERNAL'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('HY_ERR_ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]}`));
  });

  // Every route from here on is described in GET /api/openapi.json.
  const routes = collectRoutes(app);

  const backlog = new BacklogGauge(store, clock, DEFAULTS.backlogLookMs, (error) => app.log.error({ err: error }, 'backlog look failed'));
  const processId = randomUUID();
  const events = options.events ?? new OpsEvents((error, event) => app.log.error({ err: error, event: event.type }, 'an operational event listener failed'));
  // Log lines and alert webhooks for what happens; the backlog is watched where the workers run.
  const ops = attachOps(events, { config, log: app.log, lookBacklog: runsWorkers ? () => store.waitingWork(clock.now()) : null });
  const guards = new Guards(
    (name) => live.current.connections.get(name)?.guard ?? DEFAULT_GUARD,
    clock,
    (change) => events.emit(change.state === 'open' ? { type: 'circuit.opened', connection: change.connection, until: change.until } : { type: 'circuit.closed', connection: change.connection }),
  );
  const transfers = new TransferWorker({
    store,
    get config() {
      return live.current;
    },
    clock,
    guards,
    worker: `transfers-${processId}`,
    leaseMs: config.engine.leaseMs,
    concurrency: config.engine.concurrency,
    idleMs: DEFAULTS.transferIdleMs,
    events,
    onError: (error) => app.log.error({ err: error }, 'transfer worker error'),
  });
  const poller = new Poller({
    store,
    get config() {
      return live.current;
    },
    clock,
    guards,
    worker: `poller-${processId}`,
    leaseMs: config.engine.leaseMs,
    tickMs: DEFAULTS.pollTickMs,
    events,
    onQueued: () => transfers.wake(),
    // A failed poll is logged by its feed.failed event (src/ops/log-events.ts); the stack only at debug.
    onError: (error) => app.log.debug({ err: error }, 'poll failed'),
  });
  const resolver = new HookResolver({
    store,
    get config() {
      return live.current;
    },
    clock,
    worker: `resolver-${processId}`,
    onSaved: () => transfers.wake(),
    onPollNow: () => poller.wake(),
    batch: DEFAULTS.resolveBatch,
    leaseMs: DEFAULTS.resolveLeaseMs,
    idleMs: options.resolveIdleMs ?? DEFAULTS.resolveIdleMs,
    // Yield to ingest while the backlog is small; once it passes a tenth of the limit, resolving
    // catches up at full speed rather than let backpressure refuse senders.
    ingestBusy: (): boolean => commit.busy(DEFAULTS.ingestBusyWindowMs) && backlog.value < live.current.server.maxBacklog / 10,
    yieldMs: DEFAULTS.resolveYieldMs,
    onError: (error) => app.log.error({ err: error }, 'resolver error'),
  });
  const pruner = new Pruner({
    store,
    clock,
    retention: config.retention,
    guardWindowMs: longestGuardWindow(config),
    log: (line) => app.log.info(line),
    onPruned: (counts) => events.emit({ type: 'retention.pruned', ...counts }),
    onError: (error) => app.log.error({ err: error }, 'prune failed'),
  });
  // Group commit hands what it stores to this process's resolver, leased to it (see HookResolver);
  // an ingest process has no resolver running, so its hooks are stored for the workers to claim.
  const commit = new GroupCommit(store, clock, DEFAULTS.groupCommitMaxHooks, role === 'ingest' ? null : resolver);
  commit.onCommit(() => resolver.wake());

  app.get('/healthz', async () => ({ status: 'ok' }));
  // Ready when the store answers: its counts are the question (the Store has no ping of its own).
  app.get('/readyz', async (request, reply) => {
    let counts: Awaited<ReturnType<Store['counts']>>;
    try {
      counts = await store.counts();
    } catch (error) {
      // The error may name hosts or users: it goes to the log, not to whoever asks.
      request.log.error({ err: error }, 'readiness: the store did not answer');
      return reply
        .code(ERRORS.HY_ERR_STORE_UNAVAILABLE.status)
        .send({ ...errorBody('HY_ERR_STORE_UNAVAILABLE', 'the store did not answer; the process log has its error'), status: 'not ready', role, store: store.kind, storeAnswered: false });
    }
    return { status: 'ready', role, store: store.kind, storeAnswered: true, counts, circuits: guards.states() };
  });
  const metrics = new HubMetrics({
    events,
    store,
    guards,
    clock,
    connections: () => live.current.connections.keys(),
    backlog: takesHooks ? backlog : null,
    onError: (error) => app.log.error({ err: error }, 'metrics: the store did not answer'),
  });
  await app.register(metricsRoute, { metrics });
  // The operator's console (static files; its data comes from /api, behind the admin token).
  await app.register(uiPlugin);
  if (takesHooks) {
    // The backlog is what ingest weighs before it takes a hook: a worker has no use for it.
    await backlog.start();
    await app.register(ingestPlugin, { config: () => live.current, commit, backlog, clock, onAnswered: (answered) => events.emit({ type: 'hook.received', ...answered }) });
  } else {
    // Answered before the body is read: a worker never buffers a hook it will not take.
    const ingestOff = (request: FastifyRequest, reply: FastifyReply) => {
      reply.code(ERRORS.HY_ERR_INGEST_OFF.status).send(errorBody('HY_ERR_INGEST_OFF', `${request.method} ${request.url.split('?')[0]}`));
    };
    app.route({ method: 'POST', url: '/hooks/*', onRequest: ingestOff, handler: ingestOff });
  }
  let apiClosedReason: string | null = null;
  const reloader = new ConfigReloader({
    live,
    env: options.env ?? process.env,
    log: app.log,
    swapped: () => {
      guards.refresh();
      if (runsWorkers && !closed) poller.reschedule();
    },
  });
  await app.register(apiPlugin, {
    closedReason: () => apiClosedReason,
    config: () => live.current,
    store,
    clock,
    engine: {
      store,
      get config() {
        return live.current;
      },
      clock,
      guards,
      worker: `feeds-${processId}`,
      leaseMs: config.engine.leaseMs,
      events,
    },
    reload: () => reloader.reload(),
    adminToken: options.adminToken ?? null,
    routes,
    wake: () => {
      resolver.wake();
      transfers.wake();
    },
  });
  await app.ready();
  // Work stored by other processes (hooks from ingest processes, requests queued by other workers):
  // a shared store says so at once; the idle timers stay as the backstop. An ingest process runs
  // no worker to wake, so it does not listen (and keeps no extra connection).
  let unwatch: (() => void) | null = null;
  if (runsWorkers) {
    unwatch =
      store.watch?.((work) => {
        if (work === 'hooks') resolver.wake();
        else transfers.wake();
      }) ?? null;
    resolver.start();
    transfers.start();
    poller.start();
    pruner.start();
  }
  app.log.info({ role, store: store.kind }, `role ${role}: ${ROLE_SUMMARY[role]}`);

  let closed = false;
  return {
    app,
    store,
    role,
    commit,
    resolver,
    transfers,
    poller,
    pruner,
    guards,
    events,
    get config() {
      return live.current;
    },
    reload: (file) => reloader.reload(file),
    get apiClosedReason() {
      return apiClosedReason;
    },
    async listen(port, host) {
      if (!options.adminToken && !isLoopback(host)) {
        apiClosedReason = `the admin API is off: hookyard listens on ${host}, which is not a loopback address, and HOOKYARD_ADMIN_TOKEN is not set; set it to use /api from other machines`;
        app.log.warn(apiClosedReason);
      }
      return app.listen({ port, host });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking hooks: idle connections close at once; a connection still busy after 5 s is
      // closed too, so that a sender retrying on keep-alive cannot hold the stop open (what it
      // was not answered for, it sends again).
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_CONNECTIONS_AFTER_MS);
      await app.close();
      clearTimeout(force);
      backlog.stop();
      metrics.close();
      unwatch?.();
      await commit.drain();
      await resolver.stop();
      await poller.stop();
      await pruner.stop();
      const handedBack = await transfers.stop(config.engine.shutdownGraceMs);
      if (handedBack > 0) app.log.warn(`${handedBack} transfer(s) still running after ${config.engine.shutdownGraceMs} ms were handed back`);
      await ops.close();
      if (clock instanceof DatabaseClock) clock.stop();
      await store.close();
    },
  };
}
