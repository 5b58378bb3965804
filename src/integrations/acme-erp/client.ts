/**
 * Acme ERP's REST client for one connection, built from its settings: `baseUrl` and `apiToken`
 * (sent as `Authorization: Bearer …`), and optionally `timeoutMs`, and `pageSize` for poll and
 * list. Settings are checked when first used, so a connection that only receives hooks needs
 * none; a missing one fails the transfer permanently, since retrying cannot supply it.
 */
import { permanentError } from '../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import type { IntegrationContext } from '../types.js';

/** One client per settings object: the engine hands the same settings to every call. */
const clients = new WeakMap<object, HttpClient>();

const DEFAULT_PAGE_SIZE = 100;

export function erpClient(ctx: IntegrationContext): HttpClient {
  const cached = clients.get(ctx.settings);
  if (cached) return cached;
  const baseUrl = stringSetting(ctx, 'baseUrl', "the ERP's address, e.g. http://127.0.0.1:4002");
  if (!URL.canParse(baseUrl)) {
    throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "baseUrl" is not a URL: ${baseUrl}`);
  }
  const client = createHttpClient({
    baseUrl,
    headers: { Authorization: `Bearer ${stringSetting(ctx, 'apiToken', "the ERP's API token")}` },
    ...timeoutSetting(ctx),
  });
  clients.set(ctx.settings, client);
  return client;
}

function stringSetting(ctx: IntegrationContext, name: string, what: string): string {
  const value = ctx.settings[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw permanentError(
      'HY_ERR_CONFIG_INVALID',
      `connection ${ctx.connection}: setting "${name}" (${what}) is ${value === undefined ? 'missing' : 'not a non-empty string'}`,
    );
  }
  return value;
}

function timeoutSetting(ctx: IntegrationContext): { timeoutMs?: number } {
  const value = ctx.settings.timeoutMs;
  if (value === undefined) return {};
  if (typeof value !== 'number' || !(value > 0)) {
    throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "timeoutMs" must be a positive number of milliseconds`);
  }
  return { timeoutMs: value };
}

/** Records per page for poll and list: setting `pageSize`, default 100, at most `max` (what the system serves). */
export function pageSizeSetting(ctx: IntegrationContext, max: number): number {
  const value = ctx.settings.pageSize;
  if (value === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "pageSize" must be a positive whole number of records`);
  }
  return Math.min(value, max);
}
