/**
 * Payload records: a receiver that says where the hook carries the record makes the transfer to
 * the hub take it from the stored hook, with no request to the source (a real local HTTP server
 * that answers as the shop's Admin API does counts the requests); an element without the record
 * falls back to `get`; an older payload arriving after a newer one ends skipped (stale); and a
 * newer hook absorbed into a waiting request makes that request take in the newer payload.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';

/** Shopify's Admin API for one product: `GET /admin/api/2025-10/products/:id.json` → `{"product": {...}}`. */
let server: Server;
let shopUrl: string;
let gets: string[];
let shopProduct: Record<string, unknown>;
let hub: TestHub;

beforeEach(async () => {
  gets = [];
  shopProduct = { id: 7, title: 'From the API', updated_at: '2026-03-01T00:00:00Z' };
  server = createServer((request, response) => {
    gets.push(`${request.method} ${request.url}`);
    if (request.url === '/admin/api/2025-10/products/7.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ product: shopProduct }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: 'Not Found' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  shopUrl = `http://127.0.0.1:${address.port}`;
  hub = await startTestHub(
    fixtureConfig(`
connections:
  shop:
    integration: shopify
    webhook: { apiKey: shop-key }
    settings: { baseUrl: "${shopUrl}", accessToken: shop-token }
    scopes: [product/created, product/updated]
    receiver:
      auth: { from: header, name: x-shop-webhook-key }
      record: { path: product, version: updated_at }
    mappings:
      product:
        to_hub:
          sync: add_and_update
          fields: { title: title }
`),
  );
});

afterEach(async () => {
  await hub.dispose();
  await new Promise((resolve) => server.close(resolve));
});

/** A shop hook for product 7; `product` is the record it carries (none: the element lacks it). */
async function hook(product?: Record<string, unknown>) {
  const response = await hub.app.inject({
    method: 'POST',
    url: '/hooks/shop',
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'products/update', 'x-shop-webhook-key': 'shop-key' },
    payload: JSON.stringify({ id: 7, ...(product ? { product } : {}) }),
  });
  expect(response.statusCode).toBe(202);
  await hub.resolveAll();
}

async function runAll() {
  while ((await hub.transfers.runOnce()) > 0);
}

async function transfers(): Promise<any[]> {
  return (await hub.app.inject({ method: 'GET', url: '/api/transfers?connection=shop' })).json().items;
}

async function hubTitle(): Promise<unknown> {
  const hubId = (await transfers()).find((t) => t.hubId !== null)!.hubId;
  return (await hub.app.inject({ method: 'GET', url: `/api/records/product/${hubId}` })).json().record.data.title;
}

describe('payload records', () => {
  it('takes the record from the hook and sends no request to the source', async () => {
    await hook({ id: 7, title: 'From the hook', updated_at: '2026-03-02T00:00:00Z' });
    await runAll();
    expect(await transfers()).toEqual([expect.objectContaining({ status: 'succeeded', reason: expect.stringMatching(/created/) })]);
    expect(await hubTitle()).toBe('From the hook');
    expect(gets).toEqual([]);
  });

  it('falls back to get when the element lacks the record', async () => {
    await hook();
    await runAll();
    expect(await transfers()).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(await hubTitle()).toBe('From the API');
    expect(gets).toEqual(['GET /admin/api/2025-10/products/7.json']);
  });

  it('skips an older payload arriving after a newer one as stale, and keeps the newer hub record', async () => {
    await hook({ id: 7, title: 'Newer', updated_at: '2026-03-05T10:00:00Z' });
    await runAll();
    await hook({ id: 7, title: 'Older', updated_at: '2026-03-05T09:00:00.000+00:00' });
    await runAll();
    const [second, first] = await transfers();
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(second).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect(await hubTitle()).toBe('Newer');
    // A newer one after that is taken in again.
    await hook({ id: 7, title: 'Newest', updated_at: '2026-03-06T00:00:00Z' });
    await runAll();
    expect((await transfers())[0]).toMatchObject({ status: 'succeeded' });
    expect(await hubTitle()).toBe('Newest');
    expect(gets).toEqual([]);
  });

  it('remembers a newer version whose values changed nothing, so an older payload after it is still stale', async () => {
    await hook({ id: 7, title: 'Same', updated_at: '2026-03-05T10:00:00Z' });
    await runAll();
    await hook({ id: 7, title: 'Same', updated_at: '2026-03-05T12:00:00Z' });
    await runAll();
    expect((await transfers())[0]).toMatchObject({ status: 'succeeded', reasonCode: 'unchanged' });
    await hook({ id: 7, title: 'Old values', updated_at: '2026-03-05T11:00:00Z' });
    await runAll();
    expect((await transfers())[0]).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect(await hubTitle()).toBe('Same');
  });

  it('a newer hook absorbed into a waiting request makes it take in the newer payload', async () => {
    await hook({ id: 7, title: 'First', updated_at: '2026-03-05T10:00:00Z' });
    await hook({ id: 7, title: 'Second', updated_at: '2026-03-05T11:00:00Z' });
    const queued = await transfers();
    expect(queued).toHaveLength(1); // the second request was absorbed by the waiting first one
    await runAll();
    expect(await transfers()).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(await hubTitle()).toBe('Second');
    expect(gets).toEqual([]);
  });

  it('a hook without the record absorbed into a waiting request makes it read the record from the source', async () => {
    await hook({ id: 7, title: 'First', updated_at: '2026-03-05T10:00:00Z' });
    await hook();
    expect(await transfers()).toHaveLength(1);
    await runAll();
    expect(await hubTitle()).toBe('From the API');
    expect(gets).toEqual(['GET /admin/api/2025-10/products/7.json']);
  });
});

describe('payload records over an integration that cannot read', () => {
  it('carries a record to the hub through a declarative integration that has no get', async () => {
    const plain = await startTestHub(
      fixtureConfig(`
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
    scopes: [product/updated]
    receiver:
      record: { path: record }
    mappings:
      product:
        to_hub: { sync: add_and_update, fields: { title: name } }
`),
    );
    try {
      const response = await plain.app.inject({
        method: 'POST',
        url: '/hooks/std',
        headers: { 'content-type': 'application/json', authorization: 'Bearer std-key' },
        payload: JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: 'P1', record: { name: 'Jug' } }, { scope: 'product/updated', external_id: 'P2' }] }),
      });
      expect(response.statusCode).toBe(202);
      await plain.resolveAll();
      while ((await plain.transfers.runOnce()) > 0);
      const items: any[] = (await plain.app.inject({ method: 'GET', url: '/api/transfers?connection=std' })).json().items;
      const byId = new Map(items.map((t) => [t.externalId, t]));
      expect(byId.get('P1')).toMatchObject({ status: 'succeeded' });
      // The element without the record has nothing to fall back to.
      expect(byId.get('P2')).toMatchObject({ status: 'dead', lastErrorCode: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
      const record = (await plain.app.inject({ method: 'GET', url: `/api/records/product/${byId.get('P1').hubId}` })).json().record;
      expect(record.data).toEqual({ title: 'Jug' });
    } finally {
      await plain.dispose();
    }
  });
});
