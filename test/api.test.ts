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
