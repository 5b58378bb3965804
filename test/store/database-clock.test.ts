/**
 * The database's clock: a process on a machine whose clock is off still reckons leases and due
 * times as the database has the time, so that processes on several machines agree; a store of one
 * process (SQLite) keeps the machine's clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { DatabaseClock } from '../../src/store/database-clock.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/hub.js';
import { dropDatabase, dropTemplate, migratedDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from '../helpers/postgres.js';

const HOUR = 3_600_000;
const problem = await unreachable();

describe('the clock a hub runs on', () => {
  it('is the machine’s own on SQLite', async () => {
    const dir = tempDir();
    const store = openSqliteStore({ file: `${dir.path}/hookyard.db` });
    const local: Clock = { now: () => 42 };
    try {
      expect(await DatabaseClock.of(store, local)).toBe(local);
    } finally {
      await store.close();
      dir.remove();
    }
  });

  const onPostgres = problem === null || process.env.CI === 'true' ? it : it.skip;
  afterAll(dropTemplate);
  onPostgres(`is the database’s on PostgreSQL, whatever the machine’s clock says${problem === null ? '' : ` (PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)}: ${problem})`}`, async () => {
    if (problem !== null) throw new Error(`PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)} (${problem}); CI runs this test`);
    const name = await migratedDatabase();
    const store = await openPostgresStore({ url: urlOf(name) });
    // A machine whose clock runs an hour fast.
    const fast: Clock = { now: () => Date.now() + HOUR };
    const clock = await DatabaseClock.of(store, fast);
    try {
      expect(clock).toBeInstanceOf(DatabaseClock);
      const database = await store.databaseNow!();
      // The database runs on this machine, whose real clock is right: the fast clock is corrected
      // by about an hour (the bound is far above any round trip, so it says nothing about speed).
      expect(Math.abs((clock as DatabaseClock).offset + HOUR)).toBeLessThan(60_000);
      expect(Math.abs(clock.now() - database)).toBeLessThan(60_000);
      expect(Math.abs(fast.now() - database)).toBeGreaterThan(HOUR - 60_000);
    } finally {
      (clock as DatabaseClock).stop();
      await store.close();
      await dropDatabase(name);
    }
  });
});
