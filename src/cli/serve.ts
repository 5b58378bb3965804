/** `hookyard serve` and `hookyard demo`: run a hub until SIGTERM or SIGINT; SIGHUP reloads its configuration. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve as resolvePath } from 'node:path';
import { loadConfig, type HubConfig } from '../config/load.js';
import { createHub, type Hub, type HubRole } from '../server.js';
import { DATABASE_URL_ENV } from '../config/database-url.js';
import { startDemoActivity, startDemoSystems, demoGuide } from '../demo/run.js';
import { demoEnv } from '../demo/keys.js';
import { reportLoadError, type Output } from './commands.js';
import { describeStore, openStoreOrReport } from './store.js';
import { freshDemoDatabase } from './demo-database.js';
import { isHyError } from '../errors.js';
import { databaseUrlProblem, maskDatabaseUrl } from '../config/database-url.js';
import { pino, type Logger } from 'pino';
import { createLogger, logSettingsFrom } from '../ops/logger.js';

export interface ServeOptions {
  config: string;
  data: string;
  port?: number;
  host?: string;
  /** Default 'all'. */
  role?: HubRole;
  env?: Record<string, string | undefined>;
  /** Where the running hub says what it does (LOG_LEVEL, LOG_FORMAT: loggerFromEnv); default or false: nowhere. */
  logger?: Logger | false;
}

/**
 * The process log from LOG_LEVEL and LOG_FORMAT (src/ops/logger.ts), or exit code 1 after saying
 * what is wrong with them. Only a failed start is printed as plain text (on stderr); once the hub
 * runs, all it says is a log line on stdout.
 */
export function loggerFromEnv(output: Output, env: Record<string, string | undefined> = process.env): Logger | number {
  const settings = logSettingsFrom(env, process.stdout.isTTY === true);
  if (typeof settings === 'string') {
    output.err(settings);
    return 1;
  }
  return createLogger(settings);
}

/**
 * Starts a hub; resolves with it once it listens, or with an exit code when the config is bad.
 * Rejects when it cannot listen (port in use, say), after closing what it opened.
 */
export async function startServe(options: ServeOptions, output: Output): Promise<{ hub: Hub; address: string; config: HubConfig; announce(): void } | number> {
  let config: HubConfig;
  try {
    config = await loadConfig(options.config, { env: options.env });
  } catch (error) {
    return reportLoadError(error, options.config, output);
  }
  const log = options.logger || pino({ level: 'silent' });
  for (const warning of config.warnings) log.warn(warning);
  const env = options.env ?? process.env;
  const role = options.role ?? 'all';
  const store = await openStoreOrReport(config, options.data, output, 'create');
  if (typeof store === 'number') return store;
  let hub: Hub;
  try {
    hub = await createHub({ config, store, role, logger: options.logger || false, adminToken: env.HOOKYARD_ADMIN_TOKEN || null, env });
  } catch (error) {
    await store.close();
    throw error;
  }
  let address: string;
  try {
    address = await hub.listen(options.port ?? config.server.port, options.host ?? config.server.host);
  } catch (error) {
    // The workers already run and the store is open: stop them, or the process would not exit.
    await hub.close();
    throw error;
  }
  // Said by the caller once it handles SIGTERM: whoever waits for this line may stop the hub at once.
  const announce = () =>
    log.info({ address, role, connections: config.connections.size }, `hookyard listening on ${address} — role ${role}, store: ${describeStore(config, options.data)}, ${config.connections.size} connection(s)`);
  return { hub, address, config, announce };
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/** Resolves when a signal has run `close` (which closes the hub). SIGTERM and SIGINT both drain and exit 0. */
export function untilSignal(close: () => Promise<void>, log: Logger, stopping = 'no new hooks; committing what was taken'): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, `${signal}: stopping — ${stopping}`);
      close().then(
        () => {
          log.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          log.error({ err: error }, `error while stopping: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/**
 * SIGHUP loads the configuration file again and swaps it in; a bad file is refused and the
 * running configuration kept (src/reload.ts). The hub's log says which, with the reason. Returns the undo.
 */
export function reloadOnHangup(hub: Hub): () => void {
  const reload = () => {
    // Either outcome is in the hub's log already.
    hub.reload().catch(() => undefined);
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}

export async function serveCommand(options: ServeOptions, output: Output): Promise<number> {
  const log = loggerFromEnv(output);
  if (typeof log === 'number') return log;
  let started: Awaited<ReturnType<typeof startServe>>;
  try {
    started = await startServe({ ...options, logger: log }, output);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    output.err(`cannot listen: ${(error as Error).message}; choose another port with --port`);
    return 1;
  }
  if (typeof started === 'number') return started;
  const { hub, announce } = started;
  const stopReloading = reloadOnHangup(hub);
  const stopped = untilSignal(async () => {
    stopReloading();
    await hub.close();
  }, log);
  announce();
  return stopped;
}

const projectRoot = resolvePath(fileURLToPath(import.meta.url), '../../..');

/** Marks a data directory as the demo's own, so that the next demo may clear it. */
const DEMO_MARKER = 'DEMO-STORE';

/**
 * `hookyard demo` (npm start): a demo shop and ERP on ports the OS picks, a hub between them on
 * PORT (default 8080) with its store in HOOKYARD_DATA (default .hookyard), starting data and a
 * change every 2 s, so data is seen flowing within seconds.
 */
export async function runDemo(output: Output): Promise<number> {
  const log = loggerFromEnv(output);
  if (typeof log === 'number') return log;
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  // The demo systems are told the hub's URL before it listens, so the port must be known: no 0.
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    output.err(`PORT must be a port number from 1 to 65535, not "${process.env.PORT}"`);
    return 1;
  }
  const data = process.env.HOOKYARD_DATA || '.hookyard';
  const { [DATABASE_URL_ENV]: databaseUrl, ...environment } = process.env;
  // On PostgreSQL (HOOKYARD_DATABASE_URL): a database of the demo's own on that server, made anew.
  let store: { [DATABASE_URL_ENV]: string } | Record<string, never> = {};
  if (databaseUrl) {
    const problem = databaseUrlProblem(databaseUrl);
    if (problem) {
      output.err(`${DATABASE_URL_ENV}: ${problem}`);
      return 1;
    }
    try {
      const demo = await freshDemoDatabase(databaseUrl, port);
      store = { [DATABASE_URL_ENV]: demo.url };
      log.info(`~ the demo's store: PostgreSQL database ${demo.name} on ${maskDatabaseUrl(databaseUrl)}, made anew at each start`);
    } catch (error) {
      if (!isHyError(error)) throw error;
      output.err(`${error.code}: ${error.message}`);
      return 1;
    }
  } else {
    // The demo systems keep their data in memory and start empty each time, so the demo's store must
    // too: one an earlier demo made (it leaves a marker) is cleared; any other is never touched.
    const marker = join(data, DEMO_MARKER);
    if (existsSync(join(data, 'hookyard.db'))) {
      if (!existsSync(marker)) {
        output.err(`${data} holds a store that the demo did not make (hookyard serve's?); the demo starts empty each run and leaves it alone. Point HOOKYARD_DATA at another directory, e.g. HOOKYARD_DATA=.hookyard-demo npm start`);
        return 1;
      }
      for (const file of ['hookyard.db', 'hookyard.db-wal', 'hookyard.db-shm']) rmSync(join(data, file), { force: true });
    }
  }
  const systems = await startDemoSystems(`http://127.0.0.1:${port}`);
  let started: Awaited<ReturnType<typeof startServe>>;
  try {
    started = await startServe(
      {
        config: resolvePath(projectRoot, 'examples/demo.yaml'),
        data,
        port,
        host: '127.0.0.1',
        env: { ...environment, ...store, ...demoEnv({ shop: systems.shop.url, erp: systems.erp.url }) },
        logger: log,
      },
      output,
    );
  } catch (error) {
    await systems.close();
    if (!isAddressInUse(error)) throw error;
    output.err(`port ${port} is in use (another demo or hub?). Run this one on another port: PORT=8090 npm start`);
    return 1;
  }
  if (typeof started === 'number') {
    await systems.close();
    return started;
  }
  const { hub, address, config } = started;
  started.announce();
  if (!databaseUrl) writeFileSync(join(data, DEMO_MARKER), 'This store was made by `hookyard demo`, which clears it at its next start.\n');
  log.info({ hub: address, shop: systems.shop.url, erp: systems.erp.url }, demoGuide(address, systems));
  // Its problem lines ("!") are warnings; seeding, traffic ("~") and progress ("=") are news.
  const activity = await startDemoActivity({ store: hub.store, leaseMs: config.engine.leaseMs, systems, print: (line) => (line.startsWith('!') ? log.warn(line) : log.info(line)) });
  const stopReloading = reloadOnHangup(hub);
  // Traffic stops first, then the hub drains (its transfers still reach the systems), then the systems go.
  return untilSignal(async () => {
    stopReloading();
    await activity.stop();
    await hub.close();
    await systems.close();
  }, log);
}
