import { describe, expect, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, run, signWoocommerce } from './sign.js';

const SECRET = 'wc-webhook-secret-7Hq2';
const BODY = Buffer.from(JSON.stringify({ id: 799, name: 'Ship Your Idea', date_modified_gmt: '2026-11-30T08:00:00' }), 'utf8');
const DELIVERY = 'e1a2b3c4d5e6f708192a3b4c5d6e7f80';
const verifier = compileVerifier({ scheme: 'woocommerce', secret: SECRET });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function headers(signature: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-wc-webhook-signature': signature,
    'x-wc-webhook-delivery-id': DELIVERY,
    'x-wc-webhook-topic': 'product.updated',
    'x-wc-webhook-resource': 'product',
    'x-wc-webhook-event': 'updated',
    'x-wc-webhook-id': '12',
  };
}

describe('WooCommerce signatures (X-WC-Webhook-Signature)', () => {
  it('accepts base64 HMAC-SHA256 of the raw body, with X-WC-Webhook-Delivery-ID as the delivery id', () => {
    expectPass(run(verifier, headers(signWoocommerce(SECRET, BODY)), BODY), DELIVERY);
  });

  it('refuses a changed body, another secret, and a hook without a signature', () => {
    expectFailure(run(verifier, headers(signWoocommerce(SECRET, BODY)), flipOneByte(BODY)), 'HY_ERR_SIGNATURE_INVALID', [SECRET]);
    expectFailure(run(verifier, headers(signWoocommerce('another', BODY)), BODY), 'HY_ERR_SIGNATURE_INVALID', [SECRET]);
    expectFailure(run(verifier, { 'content-type': 'application/json' }, BODY), 'HY_ERR_SIGNATURE_MISSING');
  });

  it("lets in WooCommerce's unsigned ping (the form body webhook_id=<id>) as a ping, and nothing else unsigned", () => {
    expect(run(verifier, FORM, 'webhook_id=12')).toEqual({ ok: true, deliveryId: null, ping: true });
    expect(run(verifier, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, 'webhook_id=4073')).toMatchObject({ ok: true, ping: true });
    for (const body of ['webhook_id=12&id=5', 'webhook_id=', 'webhook_id=12x', `webhook_id=${'1'.repeat(30)}`, '{"webhook_id":12}', 'id=12']) {
      expectFailure(run(verifier, FORM, body), 'HY_ERR_SIGNATURE_MISSING');
    }
    // The same body as JSON is no ping, and a signed form is checked like any hook.
    expectFailure(run(verifier, { 'content-type': 'application/json' }, 'webhook_id=12'), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, { ...FORM, 'x-wc-webhook-signature': signWoocommerce('another', Buffer.from('webhook_id=12')) }, 'webhook_id=12'), 'HY_ERR_SIGNATURE_INVALID');
  });
});
