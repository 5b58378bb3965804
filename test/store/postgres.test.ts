import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeScope } from '../../src/domain/scope.js';
import type { PlannedTransfer } from '../../src/domain/types.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/pg-store.js';
import type { ClaimedTransfer, Store } from '../../src/store/store.js';
import { createDatabase, dropDatabase, dropTemplate, migratedDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from '../helpers/postgres.js';
import { projectRoot } from '../helpers/process.js';
import { adminContract } from './admin.contract.js';
import { backlogContract } from './backlog.contract.js';
import { appendIds, freshStore, LEASE, ok, plannedRequest, T0, type StoreFactory } from './contract.js';
import { feedsContract } from './feeds.contract.js';
import { followUpContract } from './follow-up.contract.js';
import { hubRecordsContract } from './hub-records.contract.js';
import { inboxContract } from './inbox.contract.js';
import { replaysContract } from './replays.contract.js';
import { retentionContract } from './retention.contract.js';
import { transferQueueContract } from './transfer-queue.contract.js';

/** The migrations hookyard ships, as schema_migrations should record them once each. */
function migrationFiles(): Array<{ version: number; name: string }> {
  return readdirSync(resolve(projectRoot, 'src/store/postgres/migrations'))
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, f.indexOf('_'))), name: f.slice(f.indexOf('_') + 1, -'.sql'.length) }));
}

/** A separate process that opens the store on `url` when told to go (test/helpers/postgres-open-store-child.ts). */
function openerProcess(url: string, name: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(projectRoot, 'test/helpers/postgres-open-store-child.ts'), url, name], {
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
    hasExited: () => child.exitCode !== null,
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

/** Runs `work` with a client of its own on database `name`. */
async function withClient<T>(name: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(name) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Queues one hook's requests, one per (external id, action) — a delete is never absorbed, so a record gets several. */
async function queueChanges(store: Store, changes: Array<[string, 'updated' | 'deleted']>, now: number): Promise<void> {
  const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
  await store.claimHooks('r', 10, now, LEASE);
  await store.saveResolutions(
    'r',
    [
      {
        hookId: hookId!,
        status: 'resolved',
        errorCode: null,
        errorMessage: null,
        notifications: changes.map(([externalId, action], seq) => ({ seq, hookName: 'x', scope: makeScope(`product/${action}`, 'p'), externalId, status: 'planned' as const, reason: null })),
        transfers: changes.map(([externalId, action], seq) => ({
          ...plannedRequest(seq, 'shop', externalId, now),
          scope: `product/${action}`,
          requestType: action === 'deleted' ? ('delete' as const) : ('standard' as const),
        })),
      },
    ],
    now,
  );
}

/**
 * One hook resolved into one product/updated request per element: `version` undefined means the
 * element carries no record (the request reads the source), else it carries the record at that
 * version (null: unversioned). Its id.
 */
async function hookWithPayloads(store: Store, elements: Array<{ externalId: string; version?: string | null }>, now: number): Promise<number> {
  const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
  await store.claimHooks('r', 10, now, LEASE);
  const scope = makeScope('product/updated', 'p');
  const notifications = elements.map((e, seq) => ({ seq, hookName: 'x', scope, externalId: e.externalId, status: 'planned' as const, reason: null }));
  const transfers = elements.map(
    (e, seq): PlannedTransfer => ({
      ...plannedRequest(seq, 'shop', e.externalId, now),
      trackingId: `track-${hookId}-${seq}`,
      payload: e.version !== undefined,
      payloadVersion: e.version ?? null,
    }),
  );
  await store.saveResolutions('r', [{ hookId: hookId!, status: 'resolved', errorCode: null, errorMessage: null, notifications, transfers }], now);
  return hookId!;
}

const retrying = { ...ok, status: 'retrying' as const, errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503', runAt: T0 + 100 };

/**
 * A fresh database per test, copied from the migrated template; peers are stores with pools of
 * their own on it. Small pools: five stores at once stay well within the server's connections.
 */
function postgresFactory(): StoreFactory {
  let name: string | null = null;
  return {
    open: async () => {
      name = await migratedDatabase();
      return openPostgresStore({ url: urlOf(name), poolSize: 4 });
    },
    openPeer: async () => openPostgresStore({ url: urlOf(name!), poolSize: 4 }),
    dispose: async () => {
      if (name) await dropDatabase(name);
    },
  };
}

const problem = await unreachable();
const where = serverOf(TEST_DATABASE_URL);

if (problem !== null && process.env.CI === 'true') {
  describe('PostgreSQL store', () => {
    it(`needs PostgreSQL at ${where}`, () => {
      throw new Error(`PostgreSQL unreachable at ${where} (${problem}); CI runs the PostgreSQL store's tests: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
    });
  });
} else if (problem !== null) {
  describe.skip(`PostgreSQL unreachable at ${where} (${problem}); set HOOKYARD_TEST_DATABASE_URL`, () => {
    it('runs the Store contract against PostgreSQL', () => {});
  });
} else {
  afterAll(dropTemplate);
  for (const contract of [inboxContract, transferQueueContract, followUpContract, hubRecordsContract, feedsContract, replaysContract, adminContract, backlogContract, retentionContract]) contract('postgres', postgresFactory);

  describe('PostgreSQL store, payload versions: a request keeps the newest payload it absorbs', () => {
    const store = freshStore(postgresFactory);
    const pointer = (hookId: number, seq = 0) => ({ hookId, seq });

    it('keeps a waiting request’s newer payload when an older one arrives, and takes a newer one or none', async () => {
      const v40 = await hookWithPayloads(store, [{ externalId: 'A', version: '40' }], T0);
      const [waiting] = await store.transfersOf(v40);
      const v35 = await hookWithPayloads(store, [{ externalId: 'A', version: '35' }], T0 + 1);
      expect(await store.transfersOf(v35)).toEqual([]);
      expect((await store.notificationsOf(v35))[0]!.reason).toBe(`coalesced into transfer ${waiting!.id}, which has not run yet`);
      expect((await store.getTransfer(waiting!.id))!.payload).toEqual(pointer(v40));
      const v45 = await hookWithPayloads(store, [{ externalId: 'A', version: '45' }], T0 + 2);
      expect((await store.getTransfer(waiting!.id))!.payload).toEqual(pointer(v45));
      // The version went with the pointer: 41 is older than 45, though newer than the first.
      await hookWithPayloads(store, [{ externalId: 'A', version: '41' }], T0 + 3);
      expect((await store.getTransfer(waiting!.id))!.payload).toEqual(pointer(v45));
      // A request without a payload clears it: the waiting one reads the source, as it is then.
      await hookWithPayloads(store, [{ externalId: 'A' }], T0 + 4);
      expect((await store.getTransfer(waiting!.id))!.payload).toBeNull();
      // Without a payload of its own, it takes any: even an older version than one it had before.
      const v30 = await hookWithPayloads(store, [{ externalId: 'A', version: '30' }], T0 + 5);
      expect((await store.getTransfer(waiting!.id))!.payload).toEqual(pointer(v30));
      const [claimed] = await store.claimTransfers('w', 10, T0 + 6, LEASE);
      expect(claimed).toMatchObject({ id: waiting!.id, payload: pointer(v30) });
    });

    it('compares within one hook, ISO times as times, and lets unversioned or incomparable payloads replace as the newest arrival', async () => {
      const one = await hookWithPayloads(
        store,
        [
          { externalId: 'A', version: '2026-01-01T10:00:00Z' },
          { externalId: 'A', version: '2026-01-01T09:00:00+00:00' }, // older
          { externalId: 'B', version: '7' },
          { externalId: 'B', version: null }, // unversioned: replaces
          { externalId: 'C', version: '9' },
          { externalId: 'C', version: '2026-01-01T09:00:00Z' }, // a time against a number: replaces
        ],
        T0,
      );
      const byRecord = new Map((await store.transfersOf(one)).map((t) => [t.externalId, t]));
      expect([...byRecord.keys()].sort()).toEqual(['A', 'B', 'C']);
      expect(byRecord.get('A')!.payload).toEqual(pointer(one, 0));
      expect(byRecord.get('B')!.payload).toEqual(pointer(one, 3));
      expect(byRecord.get('C')!.payload).toEqual(pointer(one, 5));
      // In a later transaction, the stored version decides: 08:00 is older than 10:00.
      await hookWithPayloads(store, [{ externalId: 'A', version: '2026-01-01T08:00:00Z' }], T0 + 1);
      expect((await store.getTransfer(byRecord.get('A')!.id))!.payload).toEqual(pointer(one, 0));
    });

    it('keeps a running request’s mark when an older payload arrives, and its follow-up keeps that version', async () => {
      await hookWithPayloads(store, [{ externalId: 'A', version: '10' }], T0);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const v40 = await hookWithPayloads(store, [{ externalId: 'A', version: '40' }], T0 + 1);
      const v35 = await hookWithPayloads(store, [{ externalId: 'A', version: '35' }], T0 + 2);
      expect((await store.notificationsOf(v35))[0]!.reason).toBe(`transfer ${claimed!.id} for this record is running: it runs once more when it finishes`);
      expect(await store.finishTransfer(claimed!.claim, ok, [], {}, T0 + 3)).toBe(true);
      const [followUp] = await store.transfersOf(v40);
      expect(followUp).toMatchObject({ status: 'queued', trackingId: `track-${v40}-0`, payload: pointer(v40) });
      expect(await store.transfersOf(v35)).toEqual([]);
      // The follow-up was inserted with its version: an older payload does not replace it either.
      await hookWithPayloads(store, [{ externalId: 'A', version: '38' }], T0 + 4);
      expect((await store.getTransfer(followUp!.id))!.payload).toEqual(pointer(v40));
      const [next] = await store.claimTransfers('w', 10, T0 + 5, LEASE);
      expect(next).toMatchObject({ id: followUp!.id, payload: pointer(v40) });
    });

    it('replaces a running request’s mark with a newer payload', async () => {
      await hookWithPayloads(store, [{ externalId: 'A', version: '10' }], T0);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await hookWithPayloads(store, [{ externalId: 'A', version: '40' }], T0 + 1);
      const v45 = await hookWithPayloads(store, [{ externalId: 'A', version: '45' }], T0 + 2);
      await store.finishTransfer(claimed!.claim, ok, [], {}, T0 + 3);
      const [followUp] = await store.claimTransfers('w', 10, T0 + 4, LEASE);
      expect(followUp).toMatchObject({ hookId: v45, trackingId: `track-${v45}-0`, payload: pointer(v45) });
    });

    it('lets an attempt that ends retrying keep its own payload when its mark’s is older, and take a newer one', async () => {
      const v40 = await hookWithPayloads(store, [{ externalId: 'A', version: '40' }], T0);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await hookWithPayloads(store, [{ externalId: 'A', version: '35' }], T0 + 1);
      expect(await store.finishTransfer(claimed!.claim, retrying, [], {}, T0 + 2)).toBe(true);
      expect(await store.getTransfer(claimed!.id)).toMatchObject({ status: 'retrying', payload: pointer(v40) });

      const [again] = await store.claimTransfers('w', 10, T0 + 100, LEASE);
      const v50 = await hookWithPayloads(store, [{ externalId: 'A', version: '50' }], T0 + 101);
      expect(await store.finishTransfer(again!.claim, { ...retrying, runAt: T0 + 200 }, [], {}, T0 + 102)).toBe(true);
      expect(await store.getTransfer(claimed!.id)).toMatchObject({ status: 'retrying', payload: pointer(v50) });
      // Waiting again with version 50: an older payload does not replace it.
      await hookWithPayloads(store, [{ externalId: 'A', version: '49' }], T0 + 103);
      expect((await store.getTransfer(claimed!.id))!.payload).toEqual(pointer(v50));
    });

    it('hands a stopping worker’s request back with its own payload when its mark’s is older, and with the mark’s when it is newer', async () => {
      const a40 = await hookWithPayloads(store, [{ externalId: 'A', version: '40' }, { externalId: 'B', version: '40' }], T0);
      expect(await store.claimTransfers('stopping', 10, T0, LEASE)).toHaveLength(2);
      const marks = await hookWithPayloads(store, [{ externalId: 'A', version: '35' }, { externalId: 'B', version: '45' }], T0 + 1);
      expect(await store.releaseTransfers('stopping', T0 + 2)).toBe(2);
      const again = new Map((await store.claimTransfers('w', 10, T0 + 3, LEASE)).map((t) => [t.externalId, t]));
      expect(again.get('A')!.payload).toEqual(pointer(a40, 0));
      expect(again.get('B')!.payload).toEqual(pointer(marks, 1));
      for (const t of again.values()) await store.finishTransfer(t.claim, ok, [], {}, T0 + 4);
      expect(await store.claimTransfers('w', 10, T0 + 5, LEASE)).toEqual([]);
    });
  });

  describe('PostgreSQL store', () => {
    it('migrates once when three processes open one empty database at once', async () => {
      const name = await createDatabase();
      const url = urlOf(name);
      const gate = new pg.Client({ connectionString: url });
      await gate.connect();
      try {
        // Hold the migrations' lock while three processes start opening the database, then let go:
        // they all reach the migration together instead of one after another.
        await gate.query("BEGIN; SELECT pg_advisory_xact_lock(x'686f6f6b79617264'::bigint)");
        const names = ['p1', 'p2', 'p3'];
        const children = names.map((n) => openerProcess(url, n));
        await Promise.all(children.map((child) => child.printed('ready')));
        for (const child of children) child.go();
        await Promise.all(children.map((child) => child.printed('opening')));
        // Wait until all three wait for the lock (each asks for it once, first thing), or one gave up.
        while (!children.some((child) => child.hasExited())) {
          const { rows } = await gate.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
          if (rows[0].n === names.length) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await gate.query('ROLLBACK');
        const exits = await Promise.all(children.map((child) => child.exited));
        expect(exits, children.map((child) => child.output()).join('\n')).toEqual(names.map(() => 0));

        // Each migration recorded exactly once, every one of them, and the store works for all three.
        const recorded = (await gate.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
        const bodies = (await gate.query('SELECT body FROM hook_payloads')).rows.map((r: { body: Buffer }) => r.body.toString()).sort();
        expect(recorded).toEqual(migrationFiles());
        expect(bodies).toEqual(names);
        expect((await gate.query("SELECT n FROM status_counts WHERE kind = 'hooks' AND key = 'received'")).rows.reduce((n: number, r: { n: number }) => n + Number(r.n), 0)).toBe(3);

        // A store opened in this process afterwards finds nothing to do.
        await (await openPostgresStore({ url })).close();
        expect((await gate.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows).toEqual(migrationFiles());
      } finally {
        await gate.end();
        await dropDatabase(name);
      }
    });

    it('refuses a database migrated by a newer hookyard, saying what to do and not the password', async () => {
      const name = await migratedDatabase();
      try {
        await withClient(name, (client) => client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"));
        const withPassword = urlOf(name).replace('postgres@', 'postgres:s3cret@');
        const refused = await openPostgresStore({ url: withPassword }).then(
          () => null,
          (error: Error & { code?: string }) => error,
        );
        expect(refused?.code).toBe('HY_ERR_STORE_MIGRATION');
        expect(refused?.message).toMatch(/newer hookyard.*Upgrade hookyard/);
        expect(refused?.message).toContain(name);
        expect(refused?.message).not.toContain('s3cret');
      } finally {
        await dropDatabase(name);
      }
    });

    it('gives each request to one of two stores racing for the same records, one at a time per record, in arrival order', async () => {
      const name = await migratedDatabase();
      const url = urlOf(name);
      const [producer, a, b] = [await openPostgresStore({ url }), await openPostgresStore({ url }), await openPostgresStore({ url })];
      try {
        // Every record gets a standard request and three deletes (deletes are never absorbed): four in line each.
        const RECORDS = 40;
        for (let round = 0; round < 4; round++) {
          await queueChanges(producer, Array.from({ length: RECORDS }, (_, i) => [`R${i}`, round === 0 ? 'updated' : 'deleted'] as [string, 'updated' | 'deleted']), T0 + round);
        }
        const total = (await producer.counts()).transfers.queued;
        expect(total).toBe(4 * RECORDS);

        const holder = new Map<string, string>();
        const overlaps: string[] = [];
        const claimedIds: number[] = [];
        const order = new Map<string, number[]>();
        let now = T0 + 10;
        // Both ask at the same moment, every round, for more than there is: they race for the same heads.
        while (claimedIds.length < total) {
          const at = ++now;
          const rounds = await Promise.all(([['a', a], ['b', b]] as const).map(async ([who, store]) => [who, await store.claimTransfers(who, 1000, at, LEASE)] as const));
          const claimed: Array<[string, ClaimedTransfer, PostgresStore]> = rounds.flatMap(([who, batch]) => batch.map((t) => [who, t, who === 'a' ? a : b] as [string, ClaimedTransfer, PostgresStore]));
          expect(claimed.length).toBeGreaterThan(0);
          for (const [who, t] of claimed) {
            if (holder.has(t.externalId!)) overlaps.push(`${t.externalId}: ${who} claimed ${t.id} while ${holder.get(t.externalId!)} ran`);
            holder.set(t.externalId!, who);
            claimedIds.push(t.id);
            order.set(t.externalId!, [...(order.get(t.externalId!) ?? []), t.id]);
          }
          await Promise.all(claimed.map(async ([, t, store]) => expect(await store.finishTransfer(t.claim, ok, [], {}, ++now)).toBe(true)));
          holder.clear();
        }
        expect(overlaps).toEqual([]);
        expect(new Set(claimedIds).size).toBe(total); // each once
        for (const [record, ids] of order) expect(ids, record).toEqual([...ids].sort((x, y) => x - y));
        expect((await producer.counts()).transfers).toMatchObject({ queued: 0, running: 0, succeeded: total });
      } finally {
        for (const store of [producer, a, b]) await store.close();
        await dropDatabase(name);
      }
    });

    it('stores a delivery or a guarded body once when two stores append it at the same moment', async () => {
      const name = await migratedDatabase();
      const url = urlOf(name);
      const [a, b] = [await openPostgresStore({ url }), await openPostgresStore({ url })];
      try {
        const hash = (body: string) => createHash('sha256').update(body).digest();
        const batch = (round: number) =>
          Array.from({ length: 10 }, (_, i) => ({
            connection: 'shop',
            headers: {},
            segments: [],
            contentType: null,
            body: Buffer.from(`{"round":${round},"i":${i}}`),
            // Even rounds carry delivery ids, odd ones are guarded by their bodies.
            ...(round % 2 === 0 ? { deliveryId: `d-${round}-${i}` } : { bodyGuard: { hash: hash(`{"round":${round},"i":${i}}`), windowMs: 60_000 } }),
          }));
        for (let round = 0; round < 10; round++) {
          // The same hooks, in the opposite order on one side.
          const [fromA, fromB] = await Promise.all([a.appendHooks(batch(round), T0 + round), b.appendHooks([...batch(round)].reverse(), T0 + round)]);
          expect(fromA.map((x) => x.id), `round ${round}`).toEqual([...fromB].reverse().map((x) => x.id));
          expect(fromA.filter((x) => !x.duplicate).length + fromB.filter((x) => !x.duplicate).length, `round ${round}`).toBe(10);
        }
        expect((await a.listHooks({ limit: 1000 })).items).toHaveLength(100);
        expect(await a.backlog()).toBe(100);
      } finally {
        await a.close();
        await b.close();
        await dropDatabase(name);
      }
    });

    it('commits appended hooks with synchronous_commit as the durability says, and everything else with it off', async () => {
      for (const [durability, appendSetting] of [['full', 'on'], ['normal', 'off']] as const) {
        const name = await migratedDatabase();
        const store = await openPostgresStore({ url: urlOf(name), durability });
        try {
          // Ask the transaction's own connection, just before each of these statements runs in it.
          const seen: Array<[string, string]> = [];
          const watched = new Set(['append_hooks', 'finish_hooks', 'claim_transfers']);
          const pool = (store as unknown as { db: { pool: pg.Pool } }).db.pool;
          const patched = new WeakSet<pg.PoolClient>();
          pool.on('acquire', (client) => {
            if (patched.has(client)) return;
            patched.add(client);
            // pg calls query with a callback from pool.query, and without one from a transaction's client.
            type Callback = (error: Error | null, result?: pg.QueryResult) => void;
            const query = client.query.bind(client) as (config: unknown, values?: unknown, callback?: Callback) => Promise<pg.QueryResult> | undefined;
            (client as unknown as { query: typeof query }).query = (config, values, callback) => {
              const statement = (config as { name?: string }).name;
              if (!statement || !watched.has(statement)) return query(config, values, callback);
              const run = (query('SHOW synchronous_commit') as Promise<pg.QueryResult>).then((shown) => {
                seen.push([statement, shown.rows[0].synchronous_commit]);
                return query(config, typeof values === 'function' ? undefined : values) as Promise<pg.QueryResult>;
              });
              const done = (typeof values === 'function' ? values : callback) as Callback | undefined;
              if (!done) return run;
              run.then((result) => done(null, result), (error: Error) => done(error));
              return undefined;
            };
          });
          const [id] = await appendIds(store, [{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], T0);
          await store.claimHooks('w', 10, T0, LEASE);
          await store.saveResolutions('w', [{ hookId: id!, status: 'resolved', errorCode: null, errorMessage: null, notifications: [], transfers: [plannedRequest(0, 'c', 'A', T0)] }], T0);
          await store.claimTransfers('w', 10, T0, LEASE);
          expect(seen).toEqual([
            ['append_hooks', appendSetting],
            ['finish_hooks', 'off'],
            ['claim_transfers', 'off'],
          ]);
          expect((await store.getHook(id!))?.status).toBe('resolved');
        } finally {
          await store.close();
          await dropDatabase(name);
        }
      }
    });
  });
}
