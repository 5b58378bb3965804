/**
 * How the demo shop signs and labels a webhook, as Shopify does: all headers of a delivery are
 * built here from the raw body. `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(secret, raw body));
 * `X-Shopify-Webhook-Id` stays the same on every retry of one delivery; `X-Shopify-Event-Id`
 * names the change (here one delivery per change, so the two agree).
 */
import { createHmac } from 'node:crypto';
import type { ShopTopic } from './shop-types.js';

export const SHOP_DOMAIN = 'demo-shop.myshopify.com';

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
  /** The app's client secret. */
  signingSecret: string;
  /** The API version the subscription was made with: the bodies' shape. */
  apiVersion: string;
}

export function shopWebhookHeaders(input: ShopHookHeaderInput): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': input.topic,
    'X-Shopify-Hmac-Sha256': shopHmac(input.body, input.signingSecret),
    'X-Shopify-Shop-Domain': SHOP_DOMAIN,
    'X-Shopify-Webhook-Id': input.webhookId,
    'X-Shopify-Event-Id': input.webhookId,
    'X-Shopify-API-Version': input.apiVersion,
    'X-Shopify-Triggered-At': input.triggeredAt.toISOString(),
  };
}

/** Base64 HMAC-SHA256 of the raw body, as Shopify computes it. */
export function shopHmac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}
