/**
 * The engine's writes of one event-loop turn commit together: each in its own savepoint, so one
 * that throws rolls back alone and rejects only its caller; every promise settles after the
 * commit, so what a resolved write wrote is visible to another connection at once.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteBatch } from '../../src/store/sqlite/write-batch.js';
import { tempDir } from '../helpers/hub.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function open() {
  const dir = tempDir('hookyard-batch-');
  const file = join(dir.path, 'batch.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  const other = new Database(file, { readonly: true });
  cleanups.push(() => {
    other.close();
    db.close();
    dir.remove();
  });
  const insert = db.transaction((k: string, v: number) => {
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(k, v);
    if (v < 0) throw new Error(`negative ${k}`);
    return k;
  });
  return { db, other, insert };
}

describe('WriteBatch', () => {
  it('commits the writes of one turn in one transaction; one that throws rolls back alone', async () => {
    const { db, other, insert } = open();
    const batch = new WriteBatch(db);
    const visible = () => (other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    let seenByOtherDuringC = -1;
    const results = await Promise.allSettled([
      batch.run(() => insert('a', 1)),
      batch.run(() => insert('b', -1)),
      batch.run(() => {
        // a is written but not committed yet: the three share one transaction.
        seenByOtherDuringC = visible();
        return insert('c', 3);
      }),
    ]);
    expect(seenByOtherDuringC).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('negative b');
    // The half-done write of b (its INSERT ran before it threw) was rolled back with its savepoint.
    expect(other.prepare('SELECT k FROM t ORDER BY k').all()).toEqual([{ k: 'a' }, { k: 'c' }]);
  });

  it('settles each write only once the batch is committed, visible to another connection', async () => {
    const { db, other, insert } = open();
    const batch = new WriteBatch(db);
    const seen: number[] = [];
    await Promise.all(
      ['x', 'y'].map((k, i) =>
        batch.run(() => insert(k, i)).then(() => {
          seen.push((other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
        }),
      ),
    );
    expect(seen).toEqual([2, 2]);
    expect(batch.waiting).toBe(0);
  });

  it('rejects every write of a batch whose commit fails, and writes none of it', async () => {
    const { db, other, insert } = open();
    const batch = new WriteBatch(db);
    // Another writer holds the write lock: the batch cannot begin (busy_timeout 0).
    const blocker = new Database(db.name);
    cleanups.push(() => blocker.close());
    db.pragma('busy_timeout = 0');
    blocker.prepare('BEGIN IMMEDIATE').run();
    const results = await Promise.allSettled([batch.run(() => insert('p', 1)), batch.run(() => insert('q', 2))]);
    blocker.prepare('ROLLBACK').run();
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_BUSY');
    expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });
});
