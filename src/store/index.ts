/** Opens the store a hub runs on. */
import { join } from 'node:path';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { openPostgresStore } from './postgres/pg-store.js';

export interface OpenStoreOptions {
  /** The data directory; the SQLite file lives in it as `hookyard.db` (unused with `url`). */
  dataDir: string;
  durability?: 'full' | 'normal';
  /** A postgres:// URL: the PostgreSQL store, shared by every process, instead of SQLite. */
  url?: string;
  /** PostgreSQL: connections this process opens at most. */
  poolSize?: number;
  /**
   * false: open only a store that exists (HY_ERR_STORE_MISSING otherwise) — no SQLite file is made
   * and no PostgreSQL database without hookyard's tables is migrated. Default true.
   */
  create?: boolean;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const create = options.create ?? true;
  if (options.url) return openPostgresStore({ url: options.url, durability: options.durability, poolSize: options.poolSize, create });
  return openSqliteStore({ file: join(options.dataDir, 'hookyard.db'), durability: options.durability, create });
}

export type { Store } from './store.js';
