/**
 * WooCommerce: `X-WC-Webhook-Signature` is base64(HMAC-SHA256(webhook secret, raw body)); the
 * delivery id is `X-WC-Webhook-Delivery-ID`.
 *
 * When a webhook is created or activated, WooCommerce first posts a ping to its delivery URL —
 * the form body `webhook_id=<id>`, with no signature — and keeps the webhook only if that is
 * answered 200. Exactly that body, unsigned, passes as a ping: it names no record, so the hook
 * it becomes plans nothing; anything else must carry a valid signature.
 */
import { z } from 'zod';
import { readHeader, secretsSchema } from './common.js';
import { compileHmac } from './hmac.js';
import type { Verifier } from './types.js';

export const woocommerceSchema = z.strictObject({
  scheme: z.literal('woocommerce'),
  secret: secretsSchema,
});

export type WoocommerceSpec = z.output<typeof woocommerceSchema>;

const SIGNATURE_HEADER = 'x-wc-webhook-signature';
/** The whole ping body; WooCommerce's webhook ids are post ids. */
const PING = /^webhook_id=[0-9]{1,20}$/;

/** Whether the request is WooCommerce's unsigned ping. */
export function isWoocommercePing(headers: Record<string, string>, body: Buffer): boolean {
  if (readHeader(headers, SIGNATURE_HEADER) !== null || body.length > 40) return false;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' && PING.test(body.toString('latin1'));
}

export function compileWoocommerce(spec: WoocommerceSpec): Verifier {
  const signed = compileHmac({
    scheme: 'hmac',
    secret: spec.secret,
    algorithm: 'sha256',
    encoding: 'base64',
    header: SIGNATURE_HEADER,
    deliveryIdHeader: 'x-wc-webhook-delivery-id',
  });
  return (input) => (isWoocommercePing(input.headers, input.body) ? { ok: true, deliveryId: null, ping: true } : signed(input));
}
