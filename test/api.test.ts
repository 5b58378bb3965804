import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: super-secret-key }
    scopes: [product/updated, product/deleted]
    settings: { token: settings-secret }
`;

describe('admin API', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(fixtureConfig(CONFIG), { adminToken: 'admin-token' });
  });
  afterAll(async () => hub.dispose());

  const admin = { authorization: 'Bearer admin-token' };

  it('requires the admin token when one is set', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'admin-token' }]) {
      const response = await hub.app.inject({ method: 'GET', url: '/api/hooks', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'HY_ERR_ADMIN_TOKEN_INVALID' });
    }
    expect((await hub.app.inject({ method: 'GET', url: '/api/hooks', headers: admin })).statusCode).toBe(200);
    // Health stays open for load balancers.
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('lists connections with their scopes and never their secrets', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/api/connections', headers: admin });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { items: Array<{ name: string; scopes: Array<{ scope: string; enabled: boolean; reason?: string }> }> };
    expect(body.items.map((c) => c.name)).toEqual(['std']);
    expect(body.items[0]!.scopes.map((s) => [s.scope, s.enabled])).toEqual([
      ['product/created', false],
      ['product/updated', true],
      ['product/deleted', true],
      ['customer/updated', false],
    ]);
    expect(response.body).not.toContain('super-secret-key');
    expect(response.body).not.toContain('settings-secret');
  });

  it('filters transfers and shows one with 404 for an unknown id', async () => {
    const hook = await hub.app.inject({
      method: 'POST',
      url: '/hooks/std',
      headers: { authorization: 'Bearer super-secret-key', 'content-type': 'application/json' },
      payload: { notifications: [{ scope: 'product/updated', external_id: 'A' }, { scope: 'product/created', external_id: 'B' }] },
    });
    expect(hook.statusCode).toBe(202);
    await hub.resolveAll();
    const queued = await hub.app.inject({ method: 'GET', url: '/api/transfers?status=queued&connection=std&scope=product/updated', headers: admin });
    const items = (queued.json() as { items: Array<{ id: number; externalId: string }> }).items;
    expect(items.map((t) => t.externalId)).toEqual(['A']);
    const one = await hub.app.inject({ method: 'GET', url: `/api/transfers/${items[0]!.id}`, headers: admin });
    expect(one.json()).toMatchObject({ transfer: { externalId: 'A', status: 'queued' } });
    const skipped = await hub.app.inject({ method: 'GET', url: '/api/transfers?status=skipped', headers: admin });
    expect((skipped.json() as { items: Array<{ externalId: string }> }).items.map((t) => t.externalId)).toEqual(['B']);
    const missing = await hub.app.inject({ method: 'GET', url: '/api/transfers/999999', headers: admin });
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'HY_ERR_TRANSFER_NOT_FOUND']);
    const missingHook = await hub.app.inject({ method: 'GET', url: '/api/hooks/999999', headers: admin });
    expect([missingHook.statusCode, missingHook.json().error]).toEqual([404, 'HY_ERR_HOOK_NOT_FOUND']);
  });

  it('answers a coded 400 for bad query parameters', async () => {
    for (const url of ['/api/transfers?status=bogus', '/api/hooks?limit=0', '/api/hooks?limit=abc', '/api/hooks/abc', '/api/hooks?colour=red']) {
      const response = await hub.app.inject({ method: 'GET', url, headers: admin });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error).toBe('HY_ERR_QUERY_INVALID');
    }
  });

  it('reports readiness with the store counts', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.json()).toMatchObject({ status: 'ready', store: 'sqlite', counts: { hooks: { resolved: 1 } } });
  });
});

describe('admin API lists', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(fixtureConfig(CONFIG), { adminToken: 'admin-token' });
  });
  afterAll(async () => hub.dispose());

  const admin = { authorization: 'Bearer admin-token' };

  it('answers times as ISO 8601 and filters hooks and transfers by time (ISO 8601 or epoch ms) and external id', async () => {
    const send = async (ids: string[]) => {
      const response = await hub.app.inject({
        method: 'POST',
        url: '/hooks/std',
        headers: { authorization: 'Bearer super-secret-key', 'content-type': 'application/json' },
        payload: { notifications: ids.map((id) => ({ scope: 'product/updated', external_id: id })) },
      });
      return (response.json() as { hook: number }).hook;
    };
    const t1 = hub.clock.now();
    const first = await send(['F1', 'F2']);
    await hub.resolveAll();
    hub.clock.advance(60_000);
    const t2 = hub.clock.now();
    const second = await send(['F2', 'F3']);
    await hub.resolveAll();
    const list = async (url: string) => {
      const response = await hub.app.inject({ method: 'GET', url, headers: admin });
      expect(response.statusCode, url).toBe(200);
      return response.json() as { items: Array<Record<string, any>>; next: number | null };
    };

    const hooks = await list('/api/hooks?limit=2');
    expect(hooks.items.map((h) => [h.id, h.receivedAt])).toEqual([
      [second, new Date(t2).toISOString()],
      [first, new Date(t1).toISOString()],
    ]);
    expect(hooks.items[0]!.resolvedAt).toBe(new Date(t2).toISOString());
    expect((await list(`/api/hooks?since=${new Date(t2).toISOString()}`)).items.map((h) => h.id)).toEqual([second]);
    expect((await list(`/api/hooks?since=${t1}&until=${t2}`)).items.map((h) => h.id)).toEqual([first]);
    expect((await list('/api/hooks?externalId=F2')).items.map((h) => h.id)).toEqual([second, first]);
    expect((await list('/api/hooks?externalId=F1')).items.map((h) => h.id)).toEqual([first]);

    // F2 of the second hook is absorbed by the request still waiting for F2 (the enqueue rule): no row of its own.
    const f3 = await list('/api/transfers?externalId=F3');
    expect(f3.items.map((t) => [t.hookId, t.createdAt, t.runAt])).toEqual([[second, new Date(t2).toISOString(), new Date(t2).toISOString()]]);
    expect((await list('/api/transfers?externalId=F2')).items.map((t) => t.hookId)).toEqual([first]);
    const early = await list(`/api/transfers?until=${encodeURIComponent(new Date(t2).toISOString().replace('Z', '+00:00'))}&limit=1`);
    expect(early.items.map((t) => t.externalId)).toEqual(['F2']);
    expect(early.next).toBe(early.items[0]!.id);
    const older = await list(`/api/transfers?until=${t2}&limit=1&before=${early.next}`);
    expect([older.items.map((t) => t.externalId), older.next]).toEqual([['F1'], older.items[0]!.id]);
    expect(await list(`/api/transfers?until=${t2}&limit=1&before=${older.next}`)).toEqual({ items: [], next: null });
    expect((await list(`/api/transfers?since=${new Date(t2).toISOString()}`)).items.map((t) => t.externalId)).toEqual(['F3']);

    const detail = (await hub.app.inject({ method: 'GET', url: `/api/hooks/${first}`, headers: admin })).json();
    expect(detail.hook.receivedAt).toBe(new Date(t1).toISOString());
    expect(detail.transfers.map((t: { createdAt: string }) => t.createdAt)).toEqual([new Date(t1).toISOString(), new Date(t1).toISOString()]);
  });

  it('pages every list with limit and a cursor', async () => {
    const page = async (url: string) => (await hub.app.inject({ method: 'GET', url, headers: admin })).json() as { items: unknown[]; next: number | null };
    for (const url of ['/api/hooks', '/api/transfers', '/api/replays', '/api/cancels', '/api/feeds', '/api/connections']) {
      expect(await page(url), url).toEqual({ items: expect.any(Array), next: expect.toSatisfy((next: unknown) => next === null || typeof next === 'number') });
    }
    expect(await page('/api/connections?limit=1')).toMatchObject({ items: [{ name: 'std' }], next: null });
    expect(await page('/api/connections?limit=1&after=1')).toEqual({ items: [], next: null });
    for (const kind of ['transfers', 'hooks'] as const) {
      await hub.app.inject({ method: 'POST', url: kind === 'hooks' ? '/api/hooks/1/replay' : '/api/transfers/replay', headers: admin, ...(kind === 'transfers' ? { payload: { status: 'skipped' } } : {}) });
    }
    const replays = await page('/api/replays?limit=1');
    expect(replays.items).toHaveLength(1);
    expect(replays.next).toEqual((replays.items[0] as { id: number }).id);
    const rest = await page(`/api/replays?limit=1&before=${replays.next}`);
    expect(rest.items).toHaveLength(1);
    expect((rest.items[0] as { createdAt: string }).createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('names the parameter and what it expects when a filter or cursor is bad', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/hooks?since=yesterday', /query since: expected an ISO 8601 time/],
      ['/api/transfers?until=2026-13-01T00:00:00Z', /query until: expected an ISO 8601 time/],
      ['/api/hooks?externalId=', /query externalId/],
      ['/api/transfers?before=0', /query before/],
      ['/api/replays?limit=501', /query limit/],
      ['/api/cancels?before=x', /query before: expected an id/],
      ['/api/feeds?after=-1', /query after/],
      ['/api/connections?limit=abc', /query limit: expected a whole number from 1 to 500/],
      ['/api/records/product/1/lineage?after=abc', /query after/],
      ['/api/transfers?colour=red', /Unrecognized key: "colour"/],
    ];
    for (const [url, message] of cases) {
      const response = await hub.app.inject({ method: 'GET', url, headers: admin });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ error: 'HY_ERR_QUERY_INVALID', message: expect.stringMatching(message) });
    }
  });
});

describe('admin API exposure', () => {
  it('keeps /api closed on a non-loopback address without a token, and says why', async () => {
    const { createHub } = await import('../src/server.js');
    const { openStore } = await import('../src/store/index.js');
    const { tempDir } = await import('./helpers/hub.js');
    const dir = tempDir();
    const hub = await createHub({ config: fixtureConfig(CONFIG), store: await openStore({ dataDir: dir.path }), workers: false });
    await hub.listen(0, '0.0.0.0');
    expect(hub.apiClosedReason).toMatch(/HOOKYARD_ADMIN_TOKEN is not set/);
    const closed = await hub.app.inject({ method: 'GET', url: '/api/hooks' });
    expect(closed.statusCode).toBe(403);
    expect(closed.json()).toMatchObject({ error: 'HY_ERR_ADMIN_API_DISABLED' });
    // Hooks and health are not part of the admin API.
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await hub.close();

    const withToken = await createHub({ config: fixtureConfig(CONFIG), store: await openStore({ dataDir: dir.path }), workers: false, adminToken: 't' });
    await withToken.listen(0, '0.0.0.0');
    expect(withToken.apiClosedReason).toBeNull();
    expect((await withToken.app.inject({ method: 'GET', url: '/api/hooks', headers: { authorization: 'Bearer t' } })).statusCode).toBe(200);
    await withToken.close();
    dir.remove();
  });
});

describe('metrics', () => {
  it('exposes backlog, hooks and transfers by status in the Prometheus format', async () => {
    const hub = await startTestHub(fixtureConfig(CONFIG));
    await hub.app.inject({
      method: 'POST',
      url: '/hooks/std',
      headers: { authorization: 'Bearer super-secret-key', 'content-type': 'application/json' },
      payload: { notifications: [{ scope: 'product/updated', external_id: 'M1' }] },
    });
    const before = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(before).toContain('# TYPE hookyard_inbox_backlog gauge');
    expect(before).toMatch(/^hookyard_inbox_backlog 1$/m);
    expect(before).toMatch(/^hookyard_hooks\{status="received"\} 1$/m);
    await hub.resolveAll();
    const after = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(after).toMatch(/^hookyard_inbox_backlog 0$/m);
    expect(after).toMatch(/^hookyard_transfers\{status="queued"\} 1$/m);
    await hub.dispose();
  });
});
