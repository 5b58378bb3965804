/**
 * The shop's Admin API client for one connection, built from its settings: `baseUrl` and
 * `accessToken` (sent as `X-Shopify-Access-Token`), and optionally `timeoutMs`, and `pageSize`
 * for list.
 */
import { clientPerConnection, stringSetting, timeoutSetting, urlSetting } from '../settings.js';

export { pageSizeSetting } from '../settings.js';

export const shopClient = clientPerConnection((ctx) => ({
  baseUrl: urlSetting(ctx, 'baseUrl', "the shop's address, e.g. http://127.0.0.1:4001"),
  headers: { 'X-Shopify-Access-Token': stringSetting(ctx, 'accessToken', "the shop's Admin API access token") },
  ...timeoutSetting(ctx),
}));
