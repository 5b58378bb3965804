/**
 * The store a command opens, as the configuration selects it: PostgreSQL when
 * HOOKYARD_DATABASE_URL or `store.url` names it, else SQLite in the data directory. Every command
 * that opens the store (serve, replay, cancel, sync, hooks, transfers) opens it here, so that each passes the URL and
 * shows it only masked.
 */
import { resolve as resolvePath } from 'node:path';
import type { HubConfig } from '../config/types.js';
import { maskDatabaseUrl, maskSecretsOf } from '../config/database-url.js';
import { ERRORS, HyError, isHyError } from '../errors.js';
import { openStore, type OpenStoreOptions, type Store } from '../store/index.js';

export function storeOptions(config: HubConfig, dataDir: string, create = true): OpenStoreOptions {
  const { durability, url, poolSize } = config.store;
  return { dataDir, durability, create, ...(url !== null ? { url } : {}), ...(url !== null && poolSize !== null ? { poolSize } : {}) };
}

/**
 * Whether a command may make a new store. Only `serve` and `demo` do; the commands that work on
 * the hub's data (replay, cancel, sync, hooks, transfers) refuse a data directory or database
 * without one, so that a mistyped --data does not leave an empty store behind and report nothing.
 */
export type StoreUse = 'create' | 'existing';

/** What HY_ERR_STORE_MISSING tells the operator: where the command looked and what to do. */
export function missingStoreMessage(config: HubConfig, dataDir: string): string {
  const { url, urlSetting } = config.store;
  if (url !== null) {
    return `${maskDatabaseUrl(url)} (${urlSetting}) has none of hookyard's tables; start \`hookyard serve\` on that database first, or point ${urlSetting} at the database the hub uses`;
  }
  const absolute = resolvePath(dataDir);
  return `${dataDir}${absolute === dataDir ? '' : ` (${absolute})`} holds none; start \`hookyard serve --data ${dataDir}\` first, or point --data (or HOOKYARD_DATA) at an existing one`;
}

/** `postgres postgres://hookyard:***@db:5432/hookyard (HOOKYARD_DATABASE_URL)` or `sqlite in /abs/data`. */
export function describeStore(config: HubConfig, dataDir?: string): string {
  const { url, urlSetting } = config.store;
  if (url !== null) return `postgres ${maskDatabaseUrl(url)} (${urlSetting})`;
  return dataDir === undefined ? 'sqlite in the data directory (--data)' : `sqlite in ${resolvePath(dataDir)}`;
}

/**
 * Opens the configured store, or rejects with a HyError whose message names the store (masked) and
 * why it could not be opened: a coded failure (a migration) keeps its code, anything else (no
 * server, a refused password) is HY_ERR_STORE_UNAVAILABLE. No message carries the password.
 */
export async function openConfiguredStore(config: HubConfig, dataDir: string, use: StoreUse = 'create'): Promise<Store> {
  try {
    return await openStore(storeOptions(config, dataDir, use === 'create'));
  } catch (error) {
    const url = config.store.url;
    const mask = (text: string) => (url === null ? text : maskSecretsOf(text, url));
    if (isHyError(error) && error.code === 'HY_ERR_STORE_MISSING') throw new HyError(error.code, missingStoreMessage(config, dataDir));
    if (isHyError(error)) {
      // Its own detail only: the new error puts the table's text in front again.
      const own = `${ERRORS[error.code].message}: `;
      const detail = error.message.startsWith(own) ? error.message.slice(own.length) : error.message;
      throw new HyError(error.code, `${describeStore(config, dataDir)}: ${mask(detail)}`);
    }
    throw new HyError('HY_ERR_STORE_UNAVAILABLE', `${describeStore(config, dataDir)}: ${mask((error as Error)?.message ?? String(error))}`);
  }
}

/** openConfiguredStore for a command (an existing store unless `use` is 'create'): the store, or exit code 1 after printing why it could not be opened. */
export async function openStoreOrReport(config: HubConfig, dataDir: string, output: { err(text: string): void }, use: StoreUse = 'existing'): Promise<Store | number> {
  try {
    return await openConfiguredStore(config, dataDir, use);
  } catch (error) {
    if (!isHyError(error)) throw error;
    output.err(`${error.code}: ${error.message}`);
    return 1;
  }
}
