/**
 * Signed hooks over HTTP: what each official sender library signs is accepted through
 * POST /hooks; anything else is a 401 with its code; a re-delivery creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';
import { newStandardSecret, signGithub, signShopify, signStandard, signStripe } from './verify/sign.js';

const STRIPE = 'whsec_test_secret_for_hookyard';
const STANDARD_OLD = newStandardSecret();
const STANDARD_NEW = newStandardSecret();

let hub: TestHub;
let nowS: number;

beforeAll(async () => {
  hub = await startTestHub(
    fixtureConfig(`
connections:
  gh:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: gh-secret } }
  stripe:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: stripe, secret: ${STRIPE} } }
  std:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: standard, secret: [${STANDARD_OLD}, ${STANDARD_NEW}] } }
  shop:
    integration: shopify
    webhook: { secret: shop-signing-secret }
`),
  );
  nowS = Math.floor(hub.clock.now() / 1000);
});
afterAll(async () => hub.dispose());

const body = JSON.stringify({ id: 'evt_1', notifications: [{ scope: 'product/updated', external_id: '42' }] });

async function post(connection: string, headers: Record<string, string>, payload: string | Buffer = body) {
  return hub.app.inject({ method: 'POST', url: `/hooks/${connection}`, headers: { 'content-type': 'application/json', ...headers }, payload });
}

function expect401(response: { statusCode: number; json(): unknown }, code: string) {
  expect(response.statusCode).toBe(401);
  expect(response.json()).toMatchObject({ error: code });
}

describe('GitHub (signed by @octokit/webhooks-methods)', () => {
  it('accepts a valid signature and refuses tampering, a wrong secret and malformed headers', async () => {
    const signature = await signGithub('gh-secret', body);
    expect((await post('gh', { 'x-hub-signature-256': signature, 'x-github-delivery': 'gh-1' })).statusCode).toBe(202);
    expect401(await post('gh', { 'x-hub-signature-256': signature, 'x-github-delivery': 'gh-2' }, body.replace('42', '43')), 'HY_ERR_SIGNATURE_INVALID');
    expect401(await post('gh', { 'x-hub-signature-256': await signGithub('other', body) }), 'HY_ERR_SIGNATURE_INVALID');
    expect401(await post('gh', { 'x-hub-signature-256': 'sha256=abc' }), 'HY_ERR_SIGNATURE_INVALID');
    expect401(await post('gh', { 'x-hub-signature-256': 'md5=00' }), 'HY_ERR_SIGNATURE_MALFORMED');
    expect401(await post('gh', {}), 'HY_ERR_SIGNATURE_MISSING');
  });

  it('answers a re-delivery with the first hook and creates nothing', async () => {
    const signature = await signGithub('gh-secret', body);
    const first = await post('gh', { 'x-hub-signature-256': signature, 'x-github-delivery': 'gh-dup' });
    const before = await hub.store.counts();
    const again = await post('gh', { 'x-hub-signature-256': signature, 'x-github-delivery': 'gh-dup' });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ hook: first.json().hook, duplicate: true });
    expect(await hub.store.counts()).toEqual(before);
  });
});

describe('Stripe (signed by the stripe library)', () => {
  it('accepts a valid signature, refuses an expired one and a malformed header', async () => {
    expect((await post('stripe', { 'stripe-signature': signStripe(STRIPE, body, nowS) })).statusCode).toBe(202);
    expect401(await post('stripe', { 'stripe-signature': signStripe(STRIPE, body, nowS - 301) }), 'HY_ERR_SIGNATURE_EXPIRED');
    expect401(await post('stripe', { 'stripe-signature': signStripe('whsec_wrong', body, nowS) }), 'HY_ERR_SIGNATURE_INVALID');
    expect401(await post('stripe', { 'stripe-signature': 'v1=deadbeef' }), 'HY_ERR_SIGNATURE_MALFORMED');
  });

  it('takes the event id as the delivery id', async () => {
    const payload = JSON.stringify({ id: 'evt_dedup', notifications: [] });
    const first = await post('stripe', { 'stripe-signature': signStripe(STRIPE, payload, nowS) }, payload);
    const again = await post('stripe', { 'stripe-signature': signStripe(STRIPE, payload, nowS + 1) }, payload);
    expect([first.statusCode, again.statusCode]).toEqual([202, 200]);
  });
});

describe('Standard Webhooks (signed by standardwebhooks)', () => {
  it('accepts signatures by the old and the new key during rotation, and refuses others', async () => {
    for (const [i, secret] of [STANDARD_OLD, STANDARD_NEW].entries()) {
      const headers = { 'webhook-id': `msg_${i}`, 'webhook-timestamp': String(nowS), 'webhook-signature': signStandard(secret, `msg_${i}`, nowS, body) };
      expect((await post('std', headers)).statusCode).toBe(202);
    }
    const stranger = newStandardSecret();
    expect401(await post('std', { 'webhook-id': 'msg_x', 'webhook-timestamp': String(nowS), 'webhook-signature': signStandard(stranger, 'msg_x', nowS, body) }), 'HY_ERR_SIGNATURE_INVALID');
    expect401(await post('std', { 'webhook-id': 'msg_y', 'webhook-timestamp': String(nowS + 400), 'webhook-signature': signStandard(STANDARD_NEW, 'msg_y', nowS + 400, body) }), 'HY_ERR_SIGNATURE_EXPIRED');
    expect401(await post('std', { 'webhook-id': 'msg_z', 'webhook-timestamp': 'soon', 'webhook-signature': 'v1,abc' }), 'HY_ERR_SIGNATURE_MALFORMED');
  });
});

describe('Shopify (the shipped shopify integration signs this way)', () => {
  it('verifies the base64 HMAC of the raw body with the connection secret', async () => {
    const product = Buffer.from(JSON.stringify({ id: 1001, title: 'Mug' }));
    const headers = { 'x-shopify-topic': 'products/update', 'x-shopify-webhook-id': 'shp-1', 'x-shopify-hmac-sha256': signShopify('shop-signing-secret', product) };
    const accepted = await post('shop', headers, product);
    expect(accepted.statusCode).toBe(202);
    expect((await post('shop', headers, product)).statusCode).toBe(200); // same X-Shopify-Webhook-Id
    expect401(await post('shop', { ...headers, 'x-shopify-webhook-id': 'shp-2', 'x-shopify-hmac-sha256': signShopify('nope', product) }, product), 'HY_ERR_SIGNATURE_INVALID');
    await hub.resolveAll();
    const shown = (await hub.app.inject({ method: 'GET', url: `/api/hooks/${accepted.json().hook}` })).json();
    expect(shown.transfers.map((t: any) => [t.scope, t.externalId])).toEqual([['product/updated', '1001']]);
  });
});
