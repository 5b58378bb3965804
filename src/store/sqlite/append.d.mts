import type Database from 'better-sqlite3';
import type { IncomingHook } from '../../domain/types.js';

export interface Appended {
  id: number;
  /** A re-delivery: nothing was stored, `id` is the hook first stored for its delivery id. */
  duplicate: boolean;
}

export function prepareAppend(db: Database.Database): (hooks: readonly IncomingHook[], now: number, retentionMs: number) => Appended[];
