/**
 * Roles over real HTTP, on one SQLite store shared by two hubs as processes share PostgreSQL: an
 * ingest-role hub takes hooks and runs no worker, a worker-role hub takes no hooks and carries out
 * what the other stored, and /readyz says which role a process has and whether its store answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { parseRole } from '../src/cli/role.js';
import { createHub, type Hub, type HubRole } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';
import { until } from './helpers/wait.js';

const CONFIG = fixtureConfig(`
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
    mappings: { product: { to_hub: { sync: add_and_update, fields: { name: name } } } }
`);
const KEY = { authorization: 'Bearer std-key', 'content-type': 'application/json' };

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A directory for one SQLite store that several hubs share, removed after the test. */
function sharedData(): string {
  const dir = tempDir('hookyard-roles-');
  cleanup.push(() => dir.remove());
  return dir.path;
}

/** A hub listening on 127.0.0.1 with its own connection to the store in `dataDir`. */
async function listening(dataDir: string, role: HubRole | undefined, options: { resolveIdleMs?: number } = {}): Promise<{ hub: Hub; url: string }> {
  const hub = await createHub({ config: CONFIG, store: await openStore({ dataDir }), ...(role ? { role } : {}), ...options });
  cleanup.push(() => hub.close());
  return { hub, url: await hub.listen(0, '127.0.0.1') };
}

async function postHook(url: string, path = '/hooks/std', externalId = 'P1', headers: Record<string, string> = KEY): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] }) });
}

async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

describe('--role', () => {
  it('takes all, ingest and worker (in any case), and refuses anything else naming the roles', () => {
    expect(parseRole('all')).toBe('all');
    expect(parseRole('ingest')).toBe('ingest');
    expect(parseRole('Worker')).toBe('worker');
    for (const bad of ['', 'workers', 'both', 'ingest,worker']) {
      expect(() => parseRole(bad), bad).toThrow(InvalidArgumentError);
      expect(() => parseRole(bad), bad).toThrow(/a role is one of all, ingest, worker — all: hooks and workers; ingest: answers hooks, runs no worker; worker: runs the workers, takes no hooks/);
    }
  });

  it('is refused by createHub when it is none of the roles', async () => {
    const store = await openStore({ dataDir: sharedData() });
    cleanup.push(() => store.close());
    await expect(createHub({ config: CONFIG, store, role: 'both' as HubRole })).rejects.toThrow('role must be one of all, ingest, worker, not both');
  });
});

describe('an ingest-role hub', () => {
  it('takes hooks and runs no worker: a hook stays received, stored without a lease, for any worker to claim', async () => {
    const data = sharedData();
    // An idle resolver would look every 10 ms: were one running, 30 looks pass in the wait below.
    const { hub, url } = await listening(data, 'ingest', { resolveIdleMs: 10 });
    const answer = await postHook(url);
    expect(answer.status).toBe(202);
    const { hook } = (await answer.json()) as { hook: number };
    // A transfer request queued through the admin API: no transfer worker runs it here either.
    const sync = await fetch(`${url}/api/connections/std/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'product', ids: ['P2'] }) });
    expect(sync.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await getJson(`${url}/api/hooks/${hook}`)).body.hook.status).toBe('received');
    const transfers = (await getJson(`${url}/api/transfers?connection=std`)).body.items as Array<{ externalId: string; status: string }>;
    expect(transfers.map((t) => [t.externalId, t.status])).toEqual([['P2', 'queued']]);
    expect(hub.resolver.holding).toBe(0); // nothing handed over in memory
    // Not leased to this process: a worker elsewhere claims it at once.
    const worker = await openStore({ dataDir: data });
    cleanup.push(() => worker.close());
    expect((await worker.claimHooks('worker-elsewhere', 10, Date.now(), 5_000)).map((h) => h.id)).toEqual([hook]);

    const ready = await getJson(`${url}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', role: 'ingest', store: 'sqlite', storeAnswered: true } });
  });
});

describe('a worker-role hub', () => {
  it('answers every hook 404 HY_ERR_INGEST_OFF before reading it, and stores nothing', async () => {
    const { url } = await listening(sharedData(), 'worker');
    const cases: Array<[string, Record<string, string>]> = [
      ['/hooks/std', KEY],
      ['/hooks/std/item/changed', KEY],
      ['/hooks/no-such-connection', KEY],
      ['/hooks/std', { 'content-type': 'text/xml' }], // would be 415 where hooks are taken
      ['/hooks/std', {}], // would be 401 where hooks are taken
    ];
    for (const [path, headers] of cases) {
      const answer = await postHook(url, path, 'P1', headers);
      expect(answer.status, path).toBe(404);
      const body = (await answer.json()) as { error: string; message: string };
      expect(body.error, path).toBe('HY_ERR_INGEST_OFF');
      expect(body.message, path).toBe(`this process runs with --role worker and takes no hooks; send hooks to a process with --role ingest or all: POST ${path}`);
    }
    // Other routes are as in every role.
    expect((await getJson(`${url}/hooks/std`)).body.error).toBe('HY_ERR_ROUTE_NOT_FOUND');
    expect((await getJson(`${url}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await getJson(`${url}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', role: 'worker', store: 'sqlite', storeAnswered: true } });
    expect(Object.values(ready.body.counts.hooks as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('resolves and runs the hooks an ingest-role hub stored in the same store', async () => {
    const data = sharedData();
    const ingest = await listening(data, 'ingest');
    const ids: number[] = [];
    for (const id of ['P1', 'P2', 'P3']) {
      const answer = await postHook(ingest.url, '/hooks/std', id);
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { hook: number }).hook);
    }
    const worker = await listening(data, 'worker', { resolveIdleMs: 20 });
    await until('the worker resolved every hook', async () => {
      const statuses = await Promise.all(ids.map(async (id) => (await getJson(`${ingest.url}/api/hooks/${id}`)).body.hook.status));
      return statuses.every((status) => status === 'resolved');
    });
    // The standard integration cannot read records (no get): each request is tried by the worker and ends dead.
    await until('the worker ran every request', async () => {
      const items = (await getJson(`${worker.url}/api/transfers?connection=std`)).body.items as Array<{ status: string }>;
      return items.length === 3 && items.every((t) => t.status === 'dead');
    });
    const transfers = (await getJson(`${worker.url}/api/transfers?connection=std`)).body.items as Array<{ externalId: string }>;
    expect(transfers.map((t) => t.externalId).sort()).toEqual(['P1', 'P2', 'P3']);
  });
});

describe('/readyz', () => {
  it('reports the role (all by default), the store, that it answered, and the counts', async () => {
    const { url } = await listening(sharedData(), undefined);
    const ready = await getJson(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', role: 'all', store: 'sqlite', storeAnswered: true, counts: { hooks: {}, transfers: {} }, circuits: {} });
  });

  it('answers 503 HY_ERR_STORE_UNAVAILABLE, with the role, when the store does not answer', async () => {
    for (const role of ['ingest', 'worker'] as const) {
      const { hub, url } = await listening(sharedData(), role);
      await hub.store.close(); // the database is gone: every call fails
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status, role).toBe(503);
      expect(ready.body, role).toEqual({
        error: 'HY_ERR_STORE_UNAVAILABLE',
        message: 'the store could not be reached or opened: the store did not answer; the process log has its error',
        status: 'not ready',
        role,
        store: 'sqlite',
        storeAnswered: false,
      });
    }
  });
});
