/**
 * LISTEN/NOTIFY on PostgreSQL: a process hears the work another one commits (hooks to resolve,
 * requests to run), and an idle worker hub is woken by it rather than by its idle timer.
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../../src/server.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/pg-store.js';
import { fixtureConfig } from '../helpers/hub.js';
import { dropDatabase, dropTemplate, migratedDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from '../helpers/postgres.js';
import { until } from '../helpers/wait.js';
import { appendIds, hook, LEASE, plannedRequest, resolution, T0 } from './contract.js';

type Work = 'hooks' | 'transfers';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Two stores on one fresh database, as two processes would open it. */
async function twoStores(): Promise<{ name: string; a: PostgresStore; b: PostgresStore }> {
  const name = await migratedDatabase();
  cleanup.push(() => dropDatabase(name));
  const a = await openPostgresStore({ url: urlOf(name), poolSize: 2 });
  cleanup.push(() => a.close());
  const b = await openPostgresStore({ url: urlOf(name), poolSize: 2 });
  cleanup.push(() => b.close());
  return { name, a, b };
}

/** Runs one query with a client of its own on database `name`. */
async function query(name: string, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: urlOf(name) });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const LISTENERS = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN hookyard_work' AND pid <> pg_backend_pid()`;

/** Waits until `n` connections listen on the database (a notification sent before that is not heard). */
async function listeners(name: string, n: number): Promise<void> {
  await until(`${n} connection(s) listening on hookyard_work`, async () => (await query(name, LISTENERS)).length === n);
}

/** What a watcher heard, in order, and a way to wait for the n-th notification. */
function heard(store: PostgresStore) {
  const works: Work[] = [];
  const unwatch = store.watch((work) => works.push(work));
  return {
    works,
    unwatch,
    /** Waits until `n` notifications were heard; what was heard by then. */
    async count(n: number): Promise<Work[]> {
      await until(`${n} notification(s)`, () => works.length >= n);
      return [...works];
    },
  };
}

const problem = await unreachable();
const where = serverOf(TEST_DATABASE_URL);

if (problem !== null && process.env.CI === 'true') {
  describe('PostgreSQL store, LISTEN/NOTIFY', () => {
    it(`needs PostgreSQL at ${where}`, () => {
      throw new Error(`PostgreSQL unreachable at ${where} (${problem}); CI runs the PostgreSQL store's tests: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
    });
  });
} else if (problem !== null) {
  describe.skip(`PostgreSQL unreachable at ${where} (${problem}); set HOOKYARD_TEST_DATABASE_URL`, () => {
    it('tells other processes of committed work', () => {});
  });
} else {
  afterAll(dropTemplate);

  describe('PostgreSQL store, LISTEN/NOTIFY: other processes hear the work it commits', () => {
    it('hears hooks another process appends, and the requests its resolution queues', async () => {
      const { name, a, b } = await twoStores();
      const watcher = heard(a);
      await listeners(name, 1);

      const [hookId] = await appendIds(b, [hook('shop', '{"id":1}')], T0);
      expect(await watcher.count(1)).toEqual(['hooks']);

      await b.claimHooks('r', 10, T0, LEASE);
      expect(await b.saveResolutions('r', [resolution(hookId!, ['1', '2'])], T0)).toBe(1);
      expect(await watcher.count(2)).toEqual(['hooks', 'transfers']);

      await b.queueTransfers([plannedRequest(0, 'shop', '3', T0)], T0);
      expect(await watcher.count(3)).toEqual(['hooks', 'transfers', 'transfers']);
    });

    it('says nothing of work no other process can take: hooks leased to their resolver, a save whose lease was lost, an absorbed request', async () => {
      const { name, a, b } = await twoStores();
      await b.queueTransfers([plannedRequest(0, 'shop', '1', T0)], T0);
      const watcher = heard(a);
      await listeners(name, 1);

      const [leased] = (await b.appendHooks([hook('shop', '{"id":1}')], T0, { worker: 'r', until: T0 + LEASE })).map((x) => x.id);
      expect(await b.saveResolutions('someone-else', [resolution(leased!, ['2'])], T0)).toBe(0);
      expect(await b.queueTransfers([plannedRequest(0, 'shop', '1', T0)], T0)).toEqual({ queued: 0, absorbed: 1 });
      // Notifications arrive in commit order: had any of those sent one, it would come first.
      await b.queueTransfers([plannedRequest(0, 'shop', '4', T0)], T0);
      expect(await watcher.count(1)).toEqual(['transfers']);
    });

    it('stops telling a listener once it unwatches', async () => {
      const { name, a, b } = await twoStores();
      const gone = heard(a);
      const stays = heard(a);
      await listeners(name, 1); // one connection for both
      gone.unwatch();
      await appendIds(b, [hook('shop', '{"id":1}')], T0);
      expect(await stays.count(1)).toEqual(['hooks']);
      expect(gone.works).toEqual([]);
    });

    it('listens again after its connection drops, and then tells of both kinds of work at once', async () => {
      const { name, a, b } = await twoStores();
      const watcher = heard(a);
      await listeners(name, 1);
      await query(name, `SELECT pg_terminate_backend(pid) FROM (${LISTENERS}) AS l`);
      // What was sent while nobody listened is lost: once listening again, the workers look once.
      expect(await watcher.count(2)).toEqual(['hooks', 'transfers']);
      await listeners(name, 1);
      await appendIds(b, [hook('shop', '{"id":1}')], T0);
      expect(await watcher.count(3)).toEqual(['hooks', 'transfers', 'hooks']);
    });

    it('closes its listening connection with the store', async () => {
      const { name, a } = await twoStores();
      heard(a);
      await listeners(name, 1);
      await a.close();
      await listeners(name, 0);
    });

    it('wakes an idle worker hub for hooks another process stored, long before its idle timer', async () => {
      const { name, a, b } = await twoStores();
      const config = fixtureConfig(`
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
    mappings: { product: { to_hub: { sync: add_and_update, fields: { name: name } } } }
`);
      // An hour between looks: only a notification can make the resolver look at the hook in time.
      const hub = await createHub({ config, store: a, role: 'worker', resolveIdleMs: 3_600_000 });
      cleanup.push(() => hub.close());
      await listeners(name, 1);
      // Each hook arrives while the resolver rests (the first may come before its first look).
      for (const externalId of ['7', '8']) {
        const body = JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] });
        const [hookId] = await appendIds(b, [hook('std', body, { headers: { authorization: 'Bearer std-key' } })], Date.now());
        await until(`hook ${hookId} resolved by the worker hub`, async () => (await b.getHook(hookId!))?.status === 'resolved');
      }
    });
  });
}
