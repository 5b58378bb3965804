/**
 * Shopify: `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(app secret, raw body)); the delivery id
 * is `X-Shopify-Webhook-Id` (the same on every retry of one delivery).
 */
import { z } from 'zod';
import { secretsSchema } from './common.js';
import { compileHmac } from './hmac.js';
import type { Verifier } from './types.js';

export const shopifySchema = z.strictObject({
  scheme: z.literal('shopify'),
  secret: secretsSchema,
});

export type ShopifySpec = z.output<typeof shopifySchema>;

export function compileShopify(spec: ShopifySpec): Verifier {
  return compileHmac({
    scheme: 'hmac',
    secret: spec.secret,
    algorithm: 'sha256',
    encoding: 'base64',
    header: 'x-shopify-hmac-sha256',
    deliveryIdHeader: 'x-shopify-webhook-id',
  });
}
