/**
 * Reading a connection's `settings` in integration code, and one HTTP client per connection.
 * Settings are checked when first used, not at load time, so a connection that only receives
 * hooks needs none; a missing or malformed one fails the transfer permanently, since retrying
 * cannot supply it.
 */
import { permanentError } from './errors.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http.js';
import type { IntegrationContext } from './types.js';

const DEFAULT_PAGE_SIZE = 100;

export function stringSetting(ctx: IntegrationContext, name: string, what: string): string {
  const value = ctx.settings[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "${name}" (${what}) is ${value === undefined ? 'missing' : 'not a non-empty string'}`);
  }
  return value;
}

export function urlSetting(ctx: IntegrationContext, name: string, what: string): string {
  const value = stringSetting(ctx, name, what);
  if (!URL.canParse(value)) throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: setting "${name}" (${what}) is not a URL: ${value}`);
  return value;
}

/** The optional `timeoutMs` setting, as client options. */
export function timeoutSetting(ctx: IntegrationContext): { timeoutMs?: number } {
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

/** One client per connection's settings object (the engine hands the same one to every call). */
export function clientPerConnection(build: (ctx: IntegrationContext) => HttpClientOptions): (ctx: IntegrationContext) => HttpClient {
  const clients = new WeakMap<object, HttpClient>();
  return (ctx) => {
    let client = clients.get(ctx.settings);
    if (!client) {
      client = createHttpClient(build(ctx));
      clients.set(ctx.settings, client);
    }
    return client;
  };
}
