/**
 * Hooks stored once over HTTP (inject): a re-delivery by the id in `webhook.deliveryIdHeader`
 * (the demo ERP's X-Acme-Delivery), and the body replay guard (`webhook.dedupe`) for schemes
 * whose signature covers no delivery id or timestamp, so that a captured hook sent again with a
 * new delivery id is not stored again.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';
import { signGithub } from './verify/sign.js';
import { createHmac } from 'node:crypto';

const HOUR = 3_600_000;

async function post(hub: TestHub, connection: string, payload: string, headers: Record<string, string>) {
  return hub.app.inject({ method: 'POST', url: `/hooks/${connection}`, headers: { 'content-type': 'application/json', ...headers }, payload });
}

describe('the demo ERP (examples/demo.yaml): a re-delivery by X-Acme-Delivery', () => {
  let hub: TestHub;
  beforeAll(async () => {
    const file = resolve(import.meta.dirname, '../examples/demo.yaml');
    hub = await startTestHub(parseConfig(readFileSync(file, 'utf8'), { file, env: {} }));
  });
  afterAll(async () => hub.dispose());

  const body = JSON.stringify({ notifications: [{ event: 'item.changed', id: 'Item:1000' }] });
  const headers = (delivery: string) => ({ authorization: 'Bearer demo-erp-key', 'x-acme-delivery': delivery });

  it('is answered 200 with the first hook and stored once; another delivery id is stored', async () => {
    const first = await post(hub, 'erp', body, headers('acme-1'));
    expect(first.statusCode, first.body).toBe(202);
    const before = await hub.store.counts();
    const again = await post(hub, 'erp', body, headers('acme-1'));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ hook: first.json().hook, duplicate: true });
    expect(await hub.store.counts()).toEqual(before);
    // The ERP sends no signature: without the delivery id, the same body is a new change.
    const next = await post(hub, 'erp', body, headers('acme-2'));
    expect(next.statusCode).toBe(202);
    expect(next.json().hook).not.toBe(first.json().hook);
  });
});

const GH_SECRET = 'gh-secret';
const HMAC_SECRET = 'hmac-secret';
const basic = `Basic ${Buffer.from('hooks:pw').toString('base64')}`;

const CONFIG = `
connections:
  gh:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: ${GH_SECRET} }, dedupe: { by: body, window: 24h } }
  gh-open:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: ${GH_SECRET} } }
  hmac:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: hmac, secret: ${HMAC_SECRET}, header: x-signature, deliveryIdHeader: x-delivery }, dedupe: { by: body, window: 1h } }
  key:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: the-key, deliveryIdHeader: x-delivery, dedupe: { by: body, window: 1h } }
  apikey:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: apikey, key: other-key, header: x-api-key }, dedupe: { by: body, window: 1h } }
  basic:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: basic, username: hooks, password: pw }, dedupe: { by: body, window: 1h } }
`;

describe('the body replay guard (webhook.dedupe)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(fixtureConfig(CONFIG));
  });
  afterAll(async () => hub.dispose());

  const bodyFor = (id: string) => JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: id }] });

  it('answers a GitHub-signed body sent again with new delivery ids like a re-delivery, and stores it once', async () => {
    const body = bodyFor('gh-1');
    const signature = await signGithub(GH_SECRET, body);
    const first = await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'a' });
    expect(first.statusCode, first.body).toBe(202);
    const before = await hub.store.counts();
    for (const delivery of ['b', 'c', 'd']) {
      const replayed = await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': delivery });
      expect(replayed.statusCode, replayed.body).toBe(200);
      expect(replayed.json()).toEqual({ hook: first.json().hook, duplicate: true });
    }
    expect(await hub.store.counts()).toEqual(before);
    // Another body is another hook.
    const other = bodyFor('gh-2');
    const taken = await post(hub, 'gh', other, { 'x-hub-signature-256': await signGithub(GH_SECRET, other), 'x-github-delivery': 'e' });
    expect(taken.statusCode).toBe(202);
  });

  it('stores the same body again once the window has passed', async () => {
    const body = bodyFor('gh-window');
    const signature = await signGithub(GH_SECRET, body);
    const first = await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'w1' });
    expect(first.statusCode).toBe(202);
    hub.clock.advance(23 * HOUR);
    expect((await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'w2' })).statusCode).toBe(200);
    hub.clock.advance(HOUR + 1);
    const later = await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'w3' });
    expect(later.statusCode).toBe(202);
    expect(later.json().hook).not.toBe(first.json().hook);
    // … and from then on that later hook is the one a copy is answered with.
    const copy = await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'w4' });
    expect(copy.json()).toEqual({ hook: later.json().hook, duplicate: true });
  });

  it('is off unless configured: the same signed body with new delivery ids is stored each time', async () => {
    const body = bodyFor('gh-open');
    const signature = await signGithub(GH_SECRET, body);
    const ids = new Set<number>();
    for (const delivery of ['o1', 'o2']) {
      const response = await post(hub, 'gh-open', body, { 'x-hub-signature-256': signature, 'x-github-delivery': delivery });
      expect(response.statusCode).toBe(202);
      ids.add(response.json().hook);
    }
    expect(ids.size).toBe(2);
  });

  it('guards generic HMAC without a timestamp, API keys and basic auth the same way', async () => {
    const cases: Array<[string, (body: string, delivery: string) => Record<string, string>]> = [
      ['hmac', (body, delivery) => ({ 'x-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex'), 'x-delivery': delivery })],
      ['key', (_body, delivery) => ({ authorization: 'Bearer the-key', 'x-delivery': delivery })],
      ['apikey', () => ({ 'x-api-key': 'other-key' })],
      ['basic', () => ({ authorization: basic })],
    ];
    for (const [connection, headers] of cases) {
      const body = bodyFor(`same-${connection}`);
      const first = await post(hub, connection, body, headers(body, `${connection}-1`));
      expect(first.statusCode, `${connection}: ${first.body}`).toBe(202);
      const again = await post(hub, connection, body, headers(body, `${connection}-2`));
      expect(again.statusCode, `${connection}: ${again.body}`).toBe(200);
      expect(again.json()).toEqual({ hook: first.json().hook, duplicate: true });
    }
  });

  it('stores two identical bodies that arrive in one group commit once', async () => {
    const body = bodyFor('batched');
    const signature = await signGithub(GH_SECRET, body);
    const answers = await Promise.all(
      ['b1', 'b2', 'b3'].map((delivery) => post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': delivery })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 202]);
    expect(new Set(answers.map((a) => a.json().hook)).size).toBe(1);
  });

  it('keeps the guard per connection: the same body on another connection is stored', async () => {
    const body = bodyFor('two-connections');
    const signature = await signGithub(GH_SECRET, body);
    expect((await post(hub, 'gh', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'p1' })).statusCode).toBe(202);
    expect((await post(hub, 'gh-open', body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'p1' })).statusCode).toBe(202);
  });
});

describe('webhook.dedupe in the configuration', () => {
  const connection = (dedupe: string) => `
connections:
  c:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k, dedupe: ${dedupe} }
`;
  it('takes a duration with a unit or in ms', () => {
    expect(fixtureConfig(connection('{ by: body, window: 24h }')).connections.get('c')!.dedupe).toEqual({ by: 'body', windowMs: 24 * HOUR });
    expect(fixtureConfig(connection('{ by: body, window: 60000 }')).connections.get('c')!.dedupe).toEqual({ by: 'body', windowMs: 60_000 });
    expect(fixtureConfig(connection('{ by: body, window: 24h }').replace(', dedupe: { by: body, window: 24h }', '')).connections.get('c')!.dedupe).toBeNull();
  });

  it('refuses another basis, a missing window and unknown keys', () => {
    for (const bad of ['{ by: headers, window: 1h }', '{ by: body }', '{ by: body, window: 1h, extra: 1 }', '{ by: body, window: 0 }']) {
      expect(() => fixtureConfig(connection(bad)), bad).toThrow(/dedupe/);
    }
  });
});
