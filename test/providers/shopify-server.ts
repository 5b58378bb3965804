/**
 * The Shopify simulator for the shopify integration's tests: the demo shop (src/demo/shop.ts),
 * which answers as Shopify's Admin REST API does (versioned .json paths, wrappers, Link paging
 * with page_info, X-Shopify-Shop-Api-Call-Limit on every answer, 429 with Retry-After, Shopify's
 * 401 and 404 bodies) and sends Shopify's topics signed with X-Shopify-Hmac-Sha256. Here: a
 * standard plan's call limit unless told otherwise, failures of the next N calls as Shopify
 * answers them, and hand-made deliveries for topics the shop's merchant methods do not make
 * (orders/edited), signed the same way.
 */
import { randomUUID } from 'node:crypto';
import {
  SHOPIFY_RATE_LIMITED_BODY,
  SHOPIFY_UNAUTHORIZED_BODY,
  STANDARD_CALL_LIMIT,
  startDemoShop,
  type DemoShop,
  type DemoShopOptions,
} from '../../src/demo/shop.js';
import { shopWebhookHeaders } from '../../src/demo/shop-webhooks.js';
import type { ShopTopic } from '../../src/demo/shop-types.js';
import type { ActiveFailure } from '../../src/demo/failures.js';

export interface ShopifySimulator extends DemoShop {
  /** The next `times` calls whose path includes `pathIncludes` answer 429 as Shopify does: Retry-After and a full bucket. */
  rateLimitNext(times: number, pathIncludes: string, retryAfterSeconds?: number): ActiveFailure;
  /** Every call from now on answers 401 as Shopify answers a revoked access token. */
  revokeToken(): ActiveFailure;
  /** POSTs a delivery of `topic` with `body` to the hub, signed as Shopify signs; the hub's answer. */
  deliver(topic: ShopTopic | 'orders/edited', body: unknown, options?: { secret?: string }): Promise<Response>;
}

export async function startShopifySimulator(options: DemoShopOptions & { hubUrl: string }): Promise<ShopifySimulator> {
  const shop = await startDemoShop({ callLimit: STANDARD_CALL_LIMIT, ...options });
  const apiVersion = options.apiVersion ?? '2025-10';
  const hookUrl = `${options.hubUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(options.connection ?? 'shop')}`;
  return Object.assign(shop, {
    rateLimitNext(times: number, pathIncludes: string, retryAfterSeconds = 2) {
      return shop.failRequests({
        times,
        pathIncludes,
        status: 429,
        body: SHOPIFY_RATE_LIMITED_BODY,
        headers: { 'Retry-After': retryAfterSeconds.toFixed(1), 'X-Shopify-Shop-Api-Call-Limit': `${STANDARD_CALL_LIMIT.bucket}/${STANDARD_CALL_LIMIT.bucket}` },
      });
    },
    revokeToken() {
      return shop.failRequests({ status: 401, body: SHOPIFY_UNAUTHORIZED_BODY });
    },
    async deliver(topic: ShopTopic | 'orders/edited', body: unknown, deliverOptions: { secret?: string } = {}) {
      const raw = JSON.stringify(body);
      const headers = shopWebhookHeaders({
        topic: topic as ShopTopic,
        body: raw,
        webhookId: randomUUID(),
        triggeredAt: new Date(),
        signingSecret: deliverOptions.secret ?? options.signingSecret,
        apiVersion,
      });
      return fetch(hookUrl, { method: 'POST', headers, body: raw });
    },
  });
}
