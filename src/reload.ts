/**
 * Reloading a running hub's configuration (SIGHUP in `hookyard serve`, POST /api/config/reload,
 * Hub.reload): load the file again, check it, and swap it in — or refuse it, log why, and keep
 * the running one.
 *
 * How the swap reaches the components: the hub keeps the configuration in one LiveConfig, and
 * every component reads `config` from it at the moment of use (createHub hands them options
 * whose `config` reads `live.current`). What already started keeps what it started with: a
 * transfer worker's claim copies its options once, so each run keeps the configuration it was
 * claimed under; a hook in ingest holds the connection it was matched to. New claims, hooks and
 * polls see the new one. Guards whose throttle or circuit settings changed are made anew; the
 * poll schedule is rebuilt.
 *
 * Which settings a running process cannot take on, and why a reload that changes them is refused
 * as a whole: src/config/reload.ts.
 */
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig } from './config/load.js';
import { connectionChanges, liveSettingChanges, restartOnlyChanges, type ConnectionChanges } from './config/reload.js';
import type { HubConfig } from './config/types.js';
import { HyError, isHyError } from './errors.js';

/** The configuration in force; createHub's components read `current` at each use. */
export interface LiveConfig {
  current: HubConfig;
}

export interface ReloadResult extends ConnectionChanges {
  reloaded: true;
  /** The file it was loaded from. */
  file: string;
  /** Top-level settings that changed and took effect (e.g. server.maxBacklog). */
  settings: string[];
  /** The new configuration's warnings (as `hookyard check` prints them). */
  warnings: string[];
}

export interface ReloaderOptions {
  live: LiveConfig;
  /** Environment for `${NAME}` in the file (the one the hub was started with). */
  env: Readonly<Record<string, string | undefined>>;
  log: FastifyBaseLogger;
  /** Runs after the swap: what a component keeps beyond `config` (guards, the poll schedule). */
  swapped: () => void;
}

export class ConfigReloader {
  /** Reloads run one after another: two at once would each compare against a stale configuration. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ReloaderOptions) {}

  /**
   * Loads `file` (default: the file the running configuration came from) and swaps it in;
   * rejects with a HyError and keeps the running configuration when the file cannot be read, is
   * invalid, or changes a setting that needs a restart. Both outcomes are logged.
   */
  reload(file?: string): Promise<ReloadResult> {
    const run = this.queue.then(() => this.reloadNow(file));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(file: string | undefined): Promise<ReloadResult> {
    const { live, log } = this.options;
    const path = file ?? live.current.file;
    try {
      if (path === null) throw new HyError('HY_ERR_CONFIG_NO_FILE');
      const next = await this.load(path);
      const restart = restartOnlyChanges(live.current, next);
      if (restart.length > 0) {
        throw new HyError('HY_ERR_CONFIG_RESTART_REQUIRED', `${restart.join('; ')}. Put these back and reload, or restart the process to take on the whole file`);
      }
      const previous = live.current;
      const changes = connectionChanges(previous, next);
      const settings = liveSettingChanges(previous, next);
      live.current = next;
      this.options.swapped();
      const result: ReloadResult = { reloaded: true, file: next.file ?? path, ...changes, settings, warnings: next.warnings };
      const summary = [
        `${changes.connections.length} connection(s)`,
        ...(changes.added.length ? [`added ${changes.added.join(', ')}`] : []),
        ...(changes.removed.length ? [`removed ${changes.removed.join(', ')}`] : []),
        ...(changes.changed.length ? [`changed ${changes.changed.join(', ')}`] : []),
        ...(settings.length ? [`settings ${settings.join(', ')}`] : []),
      ].join('; ');
      log.info({ file: result.file, added: changes.added, removed: changes.removed, changed: changes.changed, settings }, `configuration reloaded from ${result.file}: ${summary}`);
      for (const warning of next.warnings) log.warn(`configuration warning: ${warning}`);
      return result;
    } catch (error) {
      const refused = isHyError(error) ? error : new HyError('HY_ERR_CONFIG_INVALID', (error as Error).message ?? String(error), { cause: error });
      log.warn({ file: path, code: refused.code }, `configuration reload refused, the running configuration stays in force: ${refused.code}: ${refused.message}`);
      throw refused;
    }
  }

  private async load(path: string): Promise<HubConfig> {
    return loadConfig(path, { env: this.options.env });
  }
}
