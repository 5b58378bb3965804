/**
 * Signing for the verifier tests. Where a provider ships an official library, it signs, so the
 * tests check what real senders send; production code only verifies.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { expect } from 'vitest';
import type { Verifier, VerifyErrorCode, VerifyResult } from '../../src/verify/index.js';

/** Fixed "now" for the tests: 2025-01-01T00:00:00Z. */
export const NOW_MS = Date.UTC(2025, 0, 1);
export const NOW_S = NOW_MS / 1000;

/** Bytes that are not UTF-8 (a lone continuation byte, an overlong form, 0xff) around JSON. */
export const NON_UTF8_BODY = Buffer.concat([Buffer.from('{"id":"evt_1","x":"'), Buffer.from([0x80, 0xc0, 0xaf, 0xff, 0xfe, 0x00]), Buffer.from('"}')]);

/** GitHub, by @octokit/webhooks-methods: "sha256=<hex>". Strings only, as the library takes. */
export function signGithub(secret: string, payload: string): Promise<string> {
  return octokitSign(secret, payload);
}

/**
 * GitHub's documented recipe on bytes (HMAC-SHA256 of the raw body, hex, "sha256=" prefix), for
 * bodies that are not UTF-8 text, which octokit cannot take. The tests check that it agrees with
 * octokit wherever both apply.
 */
export function signGithubBytes(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Shopify, as its documentation computes it: base64 of HMAC-SHA256 of the raw body. */
export function signShopify(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * WooCommerce, as WC_Webhook::generate_signature computes it: base64 of HMAC-SHA256 of the
 * delivered body with the webhook's secret.
 */
export function signWoocommerce(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** Stripe, by the stripe library: "t=<s>,v1=<hex>". */
export function signStripe(secret: string, payload: string, timestampSeconds: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}

/** The v1 hex of a Stripe header made by signStripe. */
export function stripeV1(header: string): string {
  const v1 = header.split(',').find((item) => item.startsWith('v1='));
  if (!v1) throw new Error(`no v1 in ${header}`);
  return v1.slice(3);
}

/** A fresh Standard Webhooks secret: "whsec_" + base64 of 32 random bytes. */
export function newStandardSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Standard Webhooks, by the standardwebhooks library: "v1,<base64>". */
export function signStandard(secret: string, msgId: string, timestampSeconds: number, payload: string): string {
  return new Webhook(secret).sign(msgId, new Date(timestampSeconds * 1000), payload);
}

export function run(verifier: Verifier, headers: Record<string, string>, body: Buffer | string, now = NOW_MS): VerifyResult {
  return verifier({ headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, now });
}

/**
 * The result is a failure with `code`, and its message gives away none of `secrets` (the secrets
 * themselves, expected signatures in any encoding).
 */
export function expectFailure(result: VerifyResult, code: VerifyErrorCode, secrets: readonly string[] = []): void {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (result.ok) return;
  expect(result.code, result.message).toBe(code);
  expect(result.message.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(result.message).not.toContain(secret);
}

export function expectPass(result: VerifyResult, deliveryId: string | null): void {
  expect(result, JSON.stringify(result)).toEqual({ ok: true, deliveryId });
}

/** The body with one byte changed. */
export function flipOneByte(body: Buffer, at = Math.floor(body.length / 2)): Buffer {
  const copy = Buffer.from(body);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
