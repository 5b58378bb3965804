/**
 * End to end over HTTP (inject): a hook is authenticated, stored, resolved into scopes and
 * planned into transfer requests, and the admin API shows what it produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';

const CONFIG = `
server: { bodyLimitBytes: 4096 }
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
    scopes: [product/created, product/updated, product/deleted]
  std-all:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
  shop:
    integration: shopify
    webhook: { apiKey: "\${SHOP_KEY}" }
    receiver: { auth: { from: header, name: x-shop-webhook-key } }   # a key header instead of Shopify's signature
    scopes: "*"
  urls:
    integration: ./integrations/url-named.yaml
    webhook: { apiKey: url-key }
  acme:
    integration: ./integrations/prefixed.yaml
    webhook: { apiKey: acme-key }
`;

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub(fixtureConfig(CONFIG, { SHOP_KEY: 'shop-secret' }));
});
afterAll(async () => {
  await hub.dispose();
});

async function send(path: string, body: unknown, headers: Record<string, string>) {
  return hub.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sends a hook, expects 202, resolves it, and returns what the admin API shows for it. */
async function deliver(path: string, body: unknown, headers: Record<string, string>) {
  const response = await send(path, body, headers);
  expect(response.statusCode, response.body).toBe(202);
  const { hook } = response.json() as { hook: number };
  expect(typeof hook).toBe('number');
  await hub.resolveAll();
  const shown = await hub.app.inject({ method: 'GET', url: `/api/hooks/${hook}` });
  expect(shown.statusCode).toBe(200);
  return shown.json() as {
    hook: { id: number; status: string; errorCode: string | null; headers: Record<string, string>; segments: string[] };
    notifications: Array<{ hookName: string; scope: string | null; externalId: string | null; status: string; reason: string | null }>;
    transfers: Array<{ id: number; scope: string; type: string; externalId: string; status: string; reason: string | null; requestType: string; direction: string }>;
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('the standard notifications body', () => {
  it('turns three records into three transfer requests', async () => {
    const shown = await deliver(
      '/hooks/std',
      {
        notifications: [
          { scope: 'product/updated', external_id: '101' },
          { scope: 'product/created', external_id: '102' },
          { scope: 'product/updated', external_id: 103 },
        ],
      },
      bearer('std-key'),
    );
    expect(shown.hook.status).toBe('resolved');
    expect(shown.transfers.map((t) => [t.scope, t.type, t.externalId, t.status, t.direction])).toEqual([
      ['product/updated', 'product', '101', 'queued', 'to_hub'],
      ['product/created', 'product', '102', 'queued', 'to_hub'],
      ['product/updated', 'product', '103', 'queued', 'to_hub'],
    ]);
  });

  it('keeps the credential out of the stored headers', async () => {
    const shown = await deliver('/hooks/std', { notifications: [] }, bearer('std-key'));
    expect(shown.hook.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(shown)).not.toContain('std-key');
  });
});

describe('where the hook name comes from', () => {
  it('reads it from a header, and two external names resolve to one scope', async () => {
    const updated = await deliver('/hooks/shop', { id: 7001 }, { 'x-shop-webhook-key': 'shop-secret', 'x-shopify-topic': 'orders/updated' });
    // orders/edited carries the order edit, which names its order.
    const edited = await deliver('/hooks/shop', { order_edit: { id: 5, order_id: 7001 } }, { 'x-shop-webhook-key': 'shop-secret', 'x-shopify-topic': 'orders/edited' });
    expect(updated.transfers.map((t) => [t.scope, t.externalId, t.status])).toEqual([['transaction/updated', '7001', 'queued']]);
    expect(updated.notifications.map((n) => [n.hookName, n.scope])).toEqual([['orders/updated', 'transaction/updated']]);
    expect(edited.notifications.map((n) => [n.hookName, n.scope])).toEqual([['orders/edited', 'transaction/updated']]);
    // The first request has not run yet, so it absorbs the second (it will read the order then).
    expect(edited.transfers).toEqual([]);
    expect(edited.notifications[0]!.reason).toBe(`coalesced into transfer ${updated.transfers[0]!.id}, which has not run yet`);
  });

  it('reads it from a URL segment', async () => {
    const shown = await deliver('/hooks/urls/customer-changed', { data: { id: 'C-9' } }, { 'x-api-key': 'url-key' });
    expect(shown.hook.segments).toEqual(['customer-changed']);
    expect(shown.transfers.map((t) => [t.scope, t.externalId])).toEqual([['customer/updated', 'C-9']]);
  });

  it('reads it from a body path through an expression that strips a prefix, for each element of a multiple selector', async () => {
    const shown = await deliver('/hooks/acme', { event: 'acme.product.changed', ids: ['P1', 'P2', 'P3', 'P4'] }, bearer('acme-key'));
    expect(shown.notifications.map((n) => [n.hookName, n.scope])).toEqual(Array(4).fill(['product.changed', 'product/updated']));
    expect(shown.transfers.map((t) => t.externalId)).toEqual(['P1', 'P2', 'P3', 'P4']);
    const other = await deliver('/hooks/acme', { event: 'acme.product.updated', ids: ['P5'] }, bearer('acme-key'));
    expect(other.transfers.map((t) => [t.scope, t.externalId])).toEqual([['product/updated', 'P5']]);
  });
});

describe('hooks that do not become transfers', () => {
  it('keeps a hook whose name matches no scope as unmatched, with the reason', async () => {
    const shown = await deliver('/hooks/shop', { id: 1 }, { 'x-shop-webhook-key': 'shop-secret', 'x-shopify-topic': 'carts/update' });
    expect(shown.hook.status).toBe('unmatched');
    expect(shown.notifications).toMatchObject([{ hookName: 'carts/update', scope: null, status: 'unmatched' }]);
    expect(shown.notifications[0]!.reason).toMatch(/matches no scope of integration shopify/);
    expect(shown.transfers).toEqual([]);
    const listed = await hub.app.inject({ method: 'GET', url: '/api/hooks?status=unmatched' });
    expect((listed.json() as { items: Array<{ id: number }> }).items.map((h) => h.id)).toContain(shown.hook.id);
  });

  it('skips a scope the connection has not enabled, with the reason', async () => {
    const shown = await deliver('/hooks/std', { notifications: [{ scope: 'customer/updated', external_id: '5' }] }, bearer('std-key'));
    expect(shown.transfers).toMatchObject([{ scope: 'customer/updated', status: 'skipped' }]);
    expect(shown.transfers[0]!.reason).toBe('scope customer/updated is not enabled on connection std');
  });

  it('skips a delete hook by default, and transfers it only when the delete scope is listed by name', async () => {
    const byDefault = await deliver('/hooks/std-all', { notifications: [{ scope: 'product/deleted', external_id: '9' }] }, bearer('std-key'));
    expect(byDefault.transfers).toMatchObject([{ scope: 'product/deleted', status: 'skipped', requestType: 'delete' }]);
    expect(byDefault.transfers[0]!.reason).toMatch(/delete scopes are transferred only when listed by name/);
    const shopDelete = await deliver('/hooks/shop', { id: 3 }, { 'x-shop-webhook-key': 'shop-secret', 'x-shopify-topic': 'products/delete' });
    expect(shopDelete.transfers).toMatchObject([{ scope: 'product/deleted', status: 'skipped' }]);

    const listed = await deliver('/hooks/std', { notifications: [{ scope: 'product/deleted', external_id: '9' }] }, bearer('std-key'));
    expect(listed.transfers).toMatchObject([{ scope: 'product/deleted', status: 'queued', requestType: 'delete' }]);
  });

  it('marks an element without an external id invalid and still plans the others', async () => {
    const shown = await deliver(
      '/hooks/std',
      { notifications: [{ scope: 'product/updated' }, { scope: 'product/updated', external_id: 'ok' }] },
      bearer('std-key'),
    );
    expect(shown.notifications.map((n) => n.status)).toEqual(['invalid', 'planned']);
    expect(shown.notifications[0]!.reason).toMatch(/HY_ERR_EXTERNAL_ID_MISSING/);
    expect(shown.transfers.map((t) => t.externalId)).toEqual(['ok']);
  });

  it('refuses a body that is not JSON with a 400, and stores nothing', async () => {
    const before = (await hub.store.counts()).hooks;
    const response = await send('/hooks/std', 'this is { not json', bearer('std-key'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'HY_ERR_BODY_NOT_JSON' });
    expect((await hub.store.counts()).hooks).toEqual(before);
  });
});

describe('refused hooks', () => {
  it('answers 404 for an unknown connection', async () => {
    const response = await send('/hooks/nobody', {}, bearer('std-key'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'HY_ERR_CONNECTION_UNKNOWN' });
  });

  it('answers 401 for a missing or wrong credential, and stores nothing', async () => {
    const before = (await hub.store.counts()).hooks;
    const missing = await send('/hooks/std', { notifications: [] }, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ error: 'HY_ERR_AUTH_MISSING' });
    const wrong = await send('/hooks/std', { notifications: [] }, bearer('std-kex'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'HY_ERR_AUTH_INVALID' });
    const short = await send('/hooks/shop', { id: 1 }, { 'x-shop-webhook-key': 's', 'x-shopify-topic': 'products/update' });
    expect(short.statusCode).toBe(401);
    const otherKey = await send('/hooks/urls/customer-changed', { data: { id: 1 } }, { 'x-api-key': 'std-key' });
    expect(otherKey.statusCode).toBe(401);
    expect((await hub.store.counts()).hooks).toEqual(before);
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await send('/hooks/std', { notifications: [], pad: 'x'.repeat(5000) }, bearer('std-key'));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'HY_ERR_BODY_TOO_LARGE' });
  });

  it('answers a coded 404 for an unknown route', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'HY_ERR_ROUTE_NOT_FOUND' });
  });
});

describe('group commit', () => {
  it('commits many concurrent hooks in fewer transactions than hooks, answering each with its own id', async () => {
    const calls: number[] = [];
    const append = hub.store.appendHooks.bind(hub.store);
    hub.store.appendHooks = async (hooks, now) => {
      calls.push(hooks.length);
      return append(hooks, now);
    };
    try {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => send('/hooks/std', { notifications: [{ scope: 'product/updated', external_id: `g${i}` }] }, bearer('std-key'))),
      );
      const ids = responses.map((r) => (r.json() as { hook: number }).hook);
      expect(new Set(ids).size).toBe(50);
      expect(calls.reduce((a, b) => a + b, 0)).toBe(50);
      expect(calls.length).toBeLessThan(50);
      for (const id of ids) expect((await hub.store.getHook(id))!.connection).toBe('std');
    } finally {
      hub.store.appendHooks = append;
    }
  });
});
