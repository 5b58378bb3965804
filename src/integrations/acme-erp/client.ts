/**
 * Acme ERP's REST client for one connection, built from its settings: `baseUrl` and `apiToken`
 * (sent as `Authorization: Bearer …`), and optionally `timeoutMs`, and `pageSize` for poll and
 * list.
 */
import { clientPerConnection, stringSetting, timeoutSetting, urlSetting } from '../settings.js';

export { pageSizeSetting } from '../settings.js';

export const erpClient = clientPerConnection((ctx) => ({
  baseUrl: urlSetting(ctx, 'baseUrl', "the ERP's address, e.g. http://127.0.0.1:4002"),
  headers: { Authorization: `Bearer ${stringSetting(ctx, 'apiToken', "the ERP's API token")}` },
  ...timeoutSetting(ctx),
}));
