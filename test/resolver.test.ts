import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { HookResolver } from '../src/engine/resolver.js';
import { GroupCommit } from '../src/ingest/group-commit.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k }
`;

describe('the resolver worker', () => {
  let hub: Hub | null = null;
  let dir = tempDir();
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await hub?.close();
    hub = null;
    dir.remove();
  });

  it('resolves committed hooks by itself, woken by the commit', async () => {
    const store = await openStore({ dataDir: dir.path });
    // A 10-minute idle period: only the wake-up after the commit can resolve the hook within the 2 s below.
    hub = await createHub({ config: fixtureConfig(CONFIG), store, resolveIdleMs: 600_000 });
    const response = await hub.app.inject({
      method: 'POST',
      url: '/hooks/std',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      payload: { notifications: [{ scope: 'product/updated', external_id: 'W1' }] },
    });
    const { hook } = response.json() as { hook: number };
    let status = 'received';
    for (let i = 0; i < 200 && status === 'received'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await store.getHook(hook))!.status;
    }
    expect(status).toBe('resolved');
    expect((await store.transfersOf(hook)).map((t) => t.externalId)).toEqual(['W1']);
  });

  it('commits what was taken before it closes', async () => {
    const store = await openStore({ dataDir: dir.path });
    hub = await createHub({ config: fixtureConfig(CONFIG), store, workers: false });
    const pending = Array.from({ length: 20 }, (_, i) =>
      hub!.app.inject({
        method: 'POST',
        url: '/hooks/std',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        payload: { notifications: [{ scope: 'product/updated', external_id: `c${i}` }] },
      }),
    );
    const answers = await Promise.all(pending);
    await hub.close();
    hub = null;
    const reopened = await openStore({ dataDir: dir.path });
    for (const answer of answers) {
      expect(answer.statusCode).toBe(202);
      expect(await reopened.getHook((answer.json() as { hook: number }).hook)).not.toBeNull();
    }
    await reopened.close();
  });

  describe('hand-over from group commit', () => {
    const incoming = (externalId: string) => ({
      connection: 'std',
      headers: { 'content-type': 'application/json' },
      segments: [],
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] })),
      deliveryId: null,
      bodyGuard: null,
    });

    async function setUp(maxHanded: number, batch = 50) {
      const store = await openStore({ dataDir: dir.path });
      const config = fixtureConfig(CONFIG);
      // Never woken by a timer within a test: it runs only when something is handed over.
      const resolver = new HookResolver({ store, config, clock: systemClock, worker: 'here', batch, leaseMs: 60_000, idleMs: 600_000, maxHanded });
      const commit = new GroupCommit(store, systemClock, 100, resolver);
      return { store, resolver, commit };
    }

    it('stores a batch leased to the running resolver, which resolves it from memory without claiming it', async () => {
      const { store, resolver, commit } = await setUp(10);
      const claims: string[] = [];
      const claimHooks = store.claimHooks.bind(store);
      store.claimHooks = async (worker, ...rest) => {
        claims.push(worker);
        return claimHooks(worker, ...rest);
      };
      resolver.start();
      try {
        const appended = await Promise.all(['H1', 'H2'].map((id) => commit.append(incoming(id), { value: JSON.parse(incoming(id).body.toString()) })));
        // Leased in the insert: another worker cannot claim them, whether or not they are resolved yet.
        expect(await claimHooks('another', 10, Date.now(), 1_000)).toEqual([]);
        for (let i = 0; i < 200 && (await store.counts()).hooks.resolved !== 2; i++) await new Promise((r) => setTimeout(r, 10));
        expect((await store.counts()).hooks).toMatchObject({ received: 0, resolved: 2 });
        for (const [i, { id }] of appended.entries()) expect((await store.transfersOf(id)).map((t) => t.externalId)).toEqual([`H${i + 1}`]);
        expect(claims.filter((worker) => worker === 'here').length).toBeLessThanOrEqual(1); // at most the first look, before anything was stored
      } finally {
        await resolver.stop();
        await store.close();
      }
    });

    it('leaves a batch that does not fit in the hand-over to be claimed from the store', async () => {
      const { store, resolver, commit } = await setUp(1);
      resolver.start();
      let taken: number[] = [];
      try {
        await resolver.stop(); // not running: nothing is handed over either
        const appended = await Promise.all(['A', 'B'].map((id) => commit.append(incoming(id))));
        taken = (await store.claimHooks('another', 10, Date.now(), 1_000)).map((h) => h.id);
        expect(taken).toEqual(appended.map((a) => a.id));
        resolver.start();
        const more = await Promise.all(['C', 'D'].map((id) => commit.append(incoming(id)))); // two do not fit in one
        expect((await store.claimHooks('another', 10, Date.now(), 1_000)).map((h) => h.id)).toEqual(more.map((a) => a.id));
        expect(resolver.holding).toBe(0);
      } finally {
        await resolver.stop();
        await store.close();
      }
    });

    it('resolves what it holds before it stops', async () => {
      // Five at a time, a store call each: most are still held when stop is called.
      const { store, resolver, commit } = await setUp(100, 5);
      resolver.start();
      const appended = await Promise.all(Array.from({ length: 30 }, (_, i) => commit.append(incoming(`S${i}`))));
      expect(resolver.holding).toBeGreaterThan(5);
      await resolver.stop();
      expect(resolver.holding).toBe(0);
      expect((await store.counts()).hooks).toMatchObject({ received: 0, resolved: appended.length });
      await store.close();
    });
  });
});
