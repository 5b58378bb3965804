import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, NON_UTF8_BODY, run, signShopify } from './sign.js';

const SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const OTHER = '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';
const BODY = Buffer.from(JSON.stringify({ id: 820982911946154500, title: 'Schöne Tasse', variants: [] }), 'utf8');
const WEBHOOK_ID = 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043';
const verifier = compileVerifier({ scheme: 'shopify', secret: SECRET });

function headers(hmac: string): Record<string, string> {
  return { 'x-shopify-hmac-sha256': hmac, 'x-shopify-webhook-id': WEBHOOK_ID, 'x-shopify-topic': 'products/update' };
}

describe('Shopify signatures (X-Shopify-Hmac-Sha256)', () => {
  it('accepts base64 HMAC-SHA256 of the raw body, with X-Shopify-Webhook-Id as the delivery id', () => {
    expectPass(run(verifier, headers(signShopify(SECRET, BODY)), BODY), WEBHOOK_ID);
    expectPass(run(verifier, { 'x-shopify-hmac-sha256': signShopify(SECRET, BODY) }, BODY), null);
  });

  it('verifies a body that is not UTF-8, on its raw bytes', () => {
    expectPass(run(verifier, headers(signShopify(SECRET, NON_UTF8_BODY)), NON_UTF8_BODY), WEBHOOK_ID);
  });

  it('accepts the signature without base64 padding', () => {
    expectPass(run(verifier, headers(signShopify(SECRET, BODY).replace(/=+$/, '')), BODY), WEBHOOK_ID);
  });

  it('refuses a body with one byte changed, and another secret', () => {
    const expected = signShopify(SECRET, BODY);
    expectFailure(run(verifier, headers(expected), flipOneByte(BODY)), 'HY_ERR_SIGNATURE_INVALID', [SECRET, expected]);
    expectFailure(run(verifier, headers(signShopify(OTHER, BODY)), BODY), 'HY_ERR_SIGNATURE_INVALID', [SECRET, OTHER, expected]);
  });

  it('accepts either secret while rotating', () => {
    const rotating = compileVerifier({ scheme: 'shopify', secret: [SECRET, OTHER] });
    expectPass(run(rotating, headers(signShopify(OTHER, BODY)), BODY), WEBHOOK_ID);
    expectPass(run(rotating, headers(signShopify(SECRET, BODY)), BODY), WEBHOOK_ID);
  });

  it('answers MISSING without the header or with it empty', () => {
    expectFailure(run(verifier, { 'x-shopify-webhook-id': WEBHOOK_ID }, BODY), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, headers(''), BODY), 'HY_ERR_SIGNATURE_MISSING');
  });

  it('answers INVALID for anything that is not base64 of 32 bytes, without throwing', () => {
    const expected = signShopify(SECRET, BODY);
    const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
    const shapes = [
      'garbage!',
      hex, // the right bytes, the wrong encoding
      expected.slice(0, -4), // 30 bytes
      `${expected}AAAA`, // 35 bytes
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      expected.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + '-_', // base64url, wrong length
      `${expected},${expected}`,
      ',,,,,,,,',
      `${expected.slice(0, 10)} ${expected.slice(10)}`,
      'A', // a length base64 never has
      '====',
    ];
    for (const value of shapes) {
      expectFailure(run(verifier, headers(value), BODY), 'HY_ERR_SIGNATURE_INVALID', [SECRET, expected]);
    }
  });
});
