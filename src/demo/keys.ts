/**
 * The demo systems' credentials: the defaults examples/demo.yaml falls back to. The demo shop and
 * ERP send and require exactly these, and the hub is configured with them, so all three agree
 * without any environment set up. Demo values only; never use them for a real system.
 */
export const DEMO_KEYS = {
  shop: {
    /** The shop signs each hook with it (`X-Shopify-Hmac-Sha256`); the hub's `connections.shop.webhook.secret`. */
    signingSecret: 'demo-shop-secret',
    /** Required by the shop's API as `X-Shopify-Access-Token`; the hub's `settings.accessToken`. */
    accessToken: 'demo-shop-token',
  },
  erp: {
    /** Sent by the ERP as `Authorization: Bearer …`; the hub's `connections.erp.webhook.apiKey`. */
    webhookKey: 'demo-erp-key',
    /** Required by the ERP's API as `Authorization: Bearer …`; the hub's `settings.apiToken`. */
    apiToken: 'demo-erp-token',
  },
} as const;

/**
 * The environment variables examples/demo.yaml reads, set to the systems' real URLs and the keys
 * above. The keys are set explicitly, not left to the file's defaults: a SHOP_WEBHOOK_SECRET left
 * in the user's shell must not make the hub reject the demo shop's hooks.
 */
export function demoEnv(urls: { shop: string; erp: string }): Record<string, string> {
  return {
    SHOP_URL: urls.shop,
    ERP_URL: urls.erp,
    SHOP_WEBHOOK_SECRET: DEMO_KEYS.shop.signingSecret,
    SHOP_ACCESS_TOKEN: DEMO_KEYS.shop.accessToken,
    ERP_WEBHOOK_KEY: DEMO_KEYS.erp.webhookKey,
    ERP_API_TOKEN: DEMO_KEYS.erp.apiToken,
  };
}
