/**
 * `hookyard sync`: queue records for transfer from a connection's system, in the store (the data
 * directory's, or the configured PostgreSQL database); a running hub (or the next one started)
 * runs them.
 *   --all          an initialization: every record of the type, page by page, with progress;
 *                  resumes where an interrupted run stopped. Ctrl-C (SIGINT) stops it between
 *                  pages and gives its lease on the feed up, so running it again resumes at once
 *   ID… / --file   a manual sync: bulk requests for exactly those ids (one per line in the file)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { loadConfig, type HubConfig } from '../config/load.js';
import { unknownTypeMessage } from '../domain/data-types.js';
import { Guards } from '../engine/guard.js';
import { InitializationInterrupted, MANUAL_SYNC_MAX_IDS, queueBulk, runInitialization } from '../engine/feeds.js';
import { isHyError } from '../errors.js';
import { TransferError } from '../integrations/errors.js';
import { reportLoadError, type Output } from './commands.js';
import { openStoreOrReport } from './store.js';
import { progress, progressBar } from './progress.js';
import { printJson } from './json.js';

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT's number, as shells report it). */
export const INTERRUPTED = 130;

export interface SyncOptions {
  config: string;
  data: string;
  connection: string;
  type: string;
  all?: boolean;
  file?: string;
  ids: string[];
  /** The result as one JSON document on stdout. */
  json?: boolean;
}

export async function syncCommand(options: SyncOptions, output: Output, tty = process.stderr.isTTY): Promise<number> {
  let config: HubConfig;
  try {
    config = await loadConfig(options.config);
  } catch (error) {
    return reportLoadError(error, options.config, output);
  }
  const type = options.type;
  if (!config.dataTypes.includes(type)) {
    output.err(`HY_ERR_QUERY_INVALID: --type: ${unknownTypeMessage(type, config.dataTypes)}`);
    return 1;
  }
  if (!config.connections.has(options.connection)) {
    output.err(`HY_ERR_CONNECTION_UNKNOWN: no connection "${options.connection}" in ${options.config} (configured: ${[...config.connections.keys()].join(', ')})`);
    return 1;
  }
  let ids = options.ids;
  if (options.file) ids = [...ids, ...readFileSync(options.file, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))];
  if (options.all === (ids.length > 0)) {
    output.err('give either --all (every record) or the ids to sync (arguments or --file), not both and not neither');
    return 1;
  }
  const store = await openStoreOrReport(config, options.data, output);
  if (typeof store === 'number') return store;
  const shown = progress(output, tty);
  try {
    if (!options.all) {
      // One manual sync takes at most MANUAL_SYNC_MAX_IDS ids: a longer list goes in several.
      let queued = 0;
      let absorbed = 0;
      for (let start = 0; start < ids.length; start += MANUAL_SYNC_MAX_IDS) {
        const chunk = ids.slice(start, start + MANUAL_SYNC_MAX_IDS);
        const result = await queueBulk({ store, clock: systemClock, config }, options.connection, type, chunk);
        queued += result.queued;
        absorbed += result.absorbed;
        if (ids.length > MANUAL_SYNC_MAX_IDS) shown.bar(start + chunk.length, ids.length);
      }
      shown.end();
      const requests = Math.ceil(ids.length / MANUAL_SYNC_MAX_IDS);
      if (options.json) {
        printJson(output, { connection: options.connection, type, ids: ids.length, queued, absorbed, syncs: requests });
        return 0;
      }
      output.out(`${queued} bulk request(s) queued for ${options.connection} ${type}${absorbed ? `, ${absorbed} already waiting` : ''}${requests > 1 ? ` (${requests} syncs of at most ${MANUAL_SYNC_MAX_IDS} ids)` : ''}`);
      return 0;
    }
    const guards = new Guards((name) => config.connections.get(name)!.guard, systemClock);
    const deps = { store, config, clock: systemClock, guards, worker: `sync-${randomUUID()}`, leaseMs: config.engine.leaseMs };
    const interrupt = new AbortController();
    const onSigint = () => interrupt.abort();
    process.on('SIGINT', onSigint);
    try {
      const feed = await runInitialization(
        deps,
        options.connection,
        type,
        ({ records, total, pages }) => shown.show(total ? progressBar(records, total) : `${records} record(s), ${pages} page(s)`),
        interrupt.signal,
      );
      shown.end();
      if (options.json) printJson(output, { connection: options.connection, type, records: feed.records, pages: feed.pages });
      else output.out(`initialization of ${options.connection} ${type}: ${feed.records} record(s) queued in ${feed.pages} page(s)`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  } catch (error) {
    if (error instanceof InitializationInterrupted) {
      shown.end();
      output.err(`interrupted: ${error.records} record(s) of ${options.connection} ${type} queued so far; the same command resumes from there`);
      return INTERRUPTED;
    }
    // A coded failure — the store's, or the system's answer to a page (a TransferError: a refused
    // connection, a 401) — is reported; anything else is a bug and keeps its stack.
    if (isHyError(error) || error instanceof TransferError) {
      output.err(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
