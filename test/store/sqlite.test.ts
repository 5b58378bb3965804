import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/hub.js';
import { adminContract } from './admin.contract.js';
import { backlogContract } from './backlog.contract.js';
import { appendIds, type StoreFactory } from './contract.js';
import { projectRoot } from '../helpers/process.js';
import { feedsContract } from './feeds.contract.js';
import { followUpContract } from './follow-up.contract.js';
import { hubRecordsContract } from './hub-records.contract.js';
import { inboxContract } from './inbox.contract.js';
import { replaysContract } from './replays.contract.js';
import { retentionContract } from './retention.contract.js';
import { openSqlitePeer } from './sqlite-peer.js';
import { transferQueueContract } from './transfer-queue.contract.js';

/** The migrations hookyard ships, as schema_migrations should record them once each. */
function migrationFiles(): Array<{ version: number; name: string }> {
  return readdirSync(resolve(projectRoot, 'src/store/sqlite/migrations'))
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, f.indexOf('_'))), name: f.slice(f.indexOf('_') + 1, -'.sql'.length) }));
}

/** A separate process that opens the store on `file` when told to go (test/helpers/open-store-child.ts). */
function openerProcess(file: string, name: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(projectRoot, 'test/helpers/open-store-child.ts'), file, name], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    exited,
    output: () => `--- ${name} ---\n${output}`,
    go: () => child.stdin.end('go\n'),
    /** Resolves once the process printed `line`; rejects if it exits first. */
    printed: (line: string) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (output.split('\n').includes(line)) return done();
          if (child.exitCode !== null) return fail(new Error(`${name} exited before printing ${line}:\n${output}`));
          waiters.push(check);
        };
        void exited.then(check);
        check();
      }),
  };
}

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

for (const contract of [inboxContract, transferQueueContract, followUpContract, hubRecordsContract, feedsContract, replaysContract, adminContract, backlogContract, retentionContract]) contract('sqlite', sqliteFactory);

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
    const Database = (await import('better-sqlite3')).default;
    // Hold the write lock while three processes start opening the file, then let go: they all
    // reach the migration together instead of one after another. The (empty) migrations table
    // exists already, so each gets as far as reading it before it needs the lock.
    const gate = new Database(file);
    gate.pragma('journal_mode = WAL');
    gate.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    gate.exec('BEGIN IMMEDIATE');
    const names = ['p1', 'p2', 'p3'];
    const children = names.map((name) => openerProcess(file, name));
    try {
      await Promise.all(children.map((child) => child.printed('ready')));
      for (const child of children) child.go();
      await Promise.all(children.map((child) => child.printed('opening')));
      await new Promise((r) => setTimeout(r, 300)); // they wait on the lock (busy_timeout 5 s)
    } finally {
      gate.exec('ROLLBACK');
      gate.close();
    }
    const exits = await Promise.all(children.map((child) => child.exited));
    expect(exits, children.map((child) => child.output()).join('\n')).toEqual(names.map(() => 0));

    // Each migration recorded exactly once, every one of them, and the store works for all three.
    const db = new Database(file, { readonly: true });
    const recorded = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    const bodies = (db.prepare('SELECT body FROM hook_payloads').all() as Array<{ body: Buffer }>).map((r) => r.body.toString()).sort();
    db.close();
    expect(recorded).toEqual(migrationFiles());
    expect(bodies).toEqual(names);

    // A store opened in this process afterwards finds nothing to do.
    const again = openSqliteStore({ file });
    await again.close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(migrationFiles());
    after.close();
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
  it('syncs the commits of hooks (durability full) on a connection of their own, and writes the rest at NORMAL', async () => {
    type Db = { pragma(s: string, o?: object): unknown };
    for (const [durability, appendLevel] of [['full', 2], ['normal', 1]] as const) {
      const dir = tempDir();
      const store = openSqliteStore({ file: join(dir.path, 'hookyard.db'), durability });
      const { db, appendDb } = store as unknown as { db: Db; appendDb: Db };
      const switches: string[] = [];
      for (const connection of [db, appendDb]) {
        const pragma = connection.pragma.bind(connection);
        connection.pragma = (source: string, options?: object) => {
          if (source.startsWith('synchronous =')) switches.push(source);
          return pragma(source, options);
        };
      }
      const [appended] = await store.appendHooks([{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], 1);
      expect((await store.getHook(appended!.id))?.body.toString()).toBe('{}');
      expect(switches).toEqual([]); // no switching around a group commit
      expect(appendDb.pragma('synchronous', { simple: true })).toBe(appendLevel); // FULL = 2, NORMAL = 1
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      await store.close();
      dir.remove();
    }
  });
});
