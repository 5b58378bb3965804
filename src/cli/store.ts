/**
 * The store a command opens, as the configuration selects it: PostgreSQL when
 * HOOKYARD_DATABASE_URL or `store.url` names it, else SQLite in the data directory. Every command
 * that opens the store (serve, replay, cancel, sync) opens it here, so that each passes the URL and
 * shows it only masked.
 */
import { resolve as resolvePath } from 'node:path';
import type { HubConfig } from '../config/types.js';
import { maskDatabaseUrl, maskSecretsOf } from '../config/database-url.js';
import { ERRORS, HyError, isHyError } from '../errors.js';
import { openStore, type OpenStoreOptions, type Store } from '../store/index.js';

export function storeOptions(config: HubConfig, dataDir: string): OpenStoreOptions {
  const { durability, url, poolSize } = config.store;
  return { dataDir, durability, ...(url !== null ? { url } : {}), ...(url !== null && poolSize !== null ? { poolSize } : {}) };
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
export async function openConfiguredStore(config: HubConfig, dataDir: string): Promise<Store> {
  try {
    return await openStore(storeOptions(config, dataDir));
  } catch (error) {
    const url = config.store.url;
    const mask = (text: string) => (url === null ? text : maskSecretsOf(text, url));
    if (isHyError(error)) {
      // Its own detail only: the new error puts the table's text in front again.
      const own = `${ERRORS[error.code].message}: `;
      const detail = error.message.startsWith(own) ? error.message.slice(own.length) : error.message;
      throw new HyError(error.code, `${describeStore(config, dataDir)}: ${mask(detail)}`);
    }
    throw new HyError('HY_ERR_STORE_UNAVAILABLE', `${describeStore(config, dataDir)}: ${mask((error as Error)?.message ?? String(error))}`);
  }
}

/** openConfiguredStore for a command: the store, or exit code 1 after printing why it could not be opened. */
export async function openStoreOrReport(config: HubConfig, dataDir: string, output: { err(text: string): void }): Promise<Store | number> {
  try {
    return await openConfiguredStore(config, dataDir);
  } catch (error) {
    if (!isHyError(error)) throw error;
    output.err(`${error.code}: ${error.message}`);
    return 1;
  }
}
