/**
 * The shop's Admin API client for one connection, built from its settings: `baseUrl` and
 * `accessToken` (sent as `X-Shopify-Access-Token`), and optionally `timeoutMs`, and `pageSize`
 * for list. Settings are checked when first used, not at load time, so a connection that only
 * receives hooks needs none; a missing one fails the transfer permanently, since retrying cannot
 * supply it.
 */
import { permanentError } from '../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import type { IntegrationContext } from '../types.js';

/** One client per settings object: the engine hands the same frozen settings to every call. */
const clients = new WeakMap<object, HttpClient>();

const DEFAULT_PAGE_SIZE = 100;

export function shopClient(ctx: IntegrationContext): HttpClient {
  const cached = clients.get(ctx.settings);
  if (cached) return cached;
  const client = createHttpClient({
    baseUrl: urlSetting(ctx, 'baseUrl', "the shop's address, e.g. http://127.0.0.1:4001"),
    headers: { 'X-Shopify-Access-Token': stringSetting(ctx, 'accessToken', "the shop's Admin API access token") },
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

function urlSetting(ctx: IntegrationContext, name: string, what: string): string {
  const value = stringSetting(ctx, name, what);
  if (!URL.canParse(value)) throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "${name}" (${what}) is not a URL: ${value}`);
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
