/** Opens the store a hub runs on. */
import { join } from 'node:path';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export interface OpenStoreOptions {
  /** The data directory; the SQLite file lives in it as `hookyard.db`. */
  dataDir: string;
  durability?: 'full' | 'normal';
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  return openSqliteStore({ file: join(options.dataDir, 'hookyard.db'), durability: options.durability });
}

export type { Store } from './store.js';
