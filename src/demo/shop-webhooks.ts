/**
 * How the demo shop signs and labels a webhook. All headers of a delivery are built here from
 * the raw body, so authentication can change (key header, HMAC, both) in this one place.
 */
import { createHmac } from 'node:crypto';
import type { ShopTopic } from './shop-types.js';

export const SHOP_DOMAIN = 'demo-shop.local';

export interface ShopHookMeta {
  topic: ShopTopic;
  id: number;
}

export interface ShopHookHeaderInput {
  topic: ShopTopic;
  /** The exact bytes sent; the HMAC is over these. */
  body: string;
  webhookId: string;
  triggeredAt: Date;
  webhookKey: string;
  /** When set, adds Shopify's `X-Shopify-Hmac-Sha256`. */
  signingSecret?: string;
}

export function shopWebhookHeaders(input: ShopHookHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': input.topic,
    'X-Shopify-Webhook-Id': input.webhookId,
    'X-Shopify-Shop-Domain': SHOP_DOMAIN,
    'X-Shopify-Triggered-At': input.triggeredAt.toISOString(),
    'X-Shop-Webhook-Key': input.webhookKey,
  };
  if (input.signingSecret !== undefined) headers['X-Shopify-Hmac-Sha256'] = shopHmac(input.body, input.signingSecret);
  return headers;
}

/** Base64 HMAC-SHA256 of the raw body, as Shopify computes it. */
export function shopHmac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}
