import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/hub.js';
import { adminContract } from './admin.contract.js';
import { appendIds, type StoreFactory } from './contract.js';
import { feedsContract } from './feeds.contract.js';
import { hubRecordsContract } from './hub-records.contract.js';
import { inboxContract } from './inbox.contract.js';
import { replaysContract } from './replays.contract.js';
import { openSqlitePeer } from './sqlite-peer.js';
import { transferQueueContract } from './transfer-queue.contract.js';

/** A fresh file per test; peers open the same file from other processes. */
function sqliteFactory(): StoreFactory {
  const dir = tempDir();
  const file = join(dir.path, 'hookyard.db');
  return {
    open: async () => openSqliteStore({ file }),
    openPeer: async () => openSqlitePeer(file),
    dispose: async () => dir.remove(),
  };
}

for (const contract of [inboxContract, transferQueueContract, hubRecordsContract, feedsContract, replaysContract, adminContract]) contract('sqlite', sqliteFactory);

describe('SQLite store', () => {
  it('creates the data directory and keeps hooks across a reopen', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'nested', 'deeper', 'hookyard.db');
    const first = openSqliteStore({ file });
    const [id] = await appendIds(first, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('kept') }], 1);
    await first.close();
    expect(existsSync(file)).toBe(true);
    const second = openSqliteStore({ file });
    expect((await second.getHook(id!))!.body.toString()).toBe('kept');
    await second.close();
    dir.remove();
  });

  it('migrates once when two stores open the same file at once', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'hookyard.db');
    const a = openSqliteStore({ file });
    const b = openSqliteStore({ file });
    await appendIds(a, [{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from('x') }], 1);
    expect((await b.listHooks({ limit: 10 })).items).toHaveLength(1);
    await a.close();
    await b.close();
    dir.remove();
  });

  it('refuses a file migrated by a newer hookyard, saying what to do', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'hookyard.db');
    const store = openSqliteStore({ file });
    await store.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    expect(() => openSqliteStore({ file })).toThrowError(/HY_ERR_STORE_MIGRATION|newer hookyard/);
    try {
      openSqliteStore({ file });
    } catch (error) {
      expect((error as { code: string }).code).toBe('HY_ERR_STORE_MIGRATION');
      expect((error as Error).message).toMatch(/Upgrade hookyard/);
    }
    dir.remove();
  });
});


describe('SQLite durability', () => {
  it('syncs the commits of hooks (durability full) and writes the rest at NORMAL', async () => {
    const dir = tempDir();
    const store = openSqliteStore({ file: join(dir.path, 'hookyard.db'), durability: 'full' });
    const db = (store as unknown as { db: { pragma(s: string, o?: object): unknown } }).db;
    const levels: unknown[] = [];
    const pragma = db.pragma.bind(db);
    db.pragma = (source: string, options?: object) => {
      if (source.startsWith('synchronous =')) levels.push(source);
      return pragma(source, options);
    };
    await store.appendHooks([{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], 1);
    expect(levels).toEqual(['synchronous = FULL', 'synchronous = NORMAL']);
    expect(pragma('synchronous', { simple: true })).toBe(1); // NORMAL between appends
    await store.close();
    dir.remove();
  });
});
