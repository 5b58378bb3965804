/**
 * Building and sending one declared request for one connection: the base URL, default headers
 * and credentials from the connection's settings, the operation's path, query and headers from
 * its templates, answers classified by `exchange` (src/integrations/http.ts), the system's rate
 * limit kept as its answers announce it (rate-limit.ts). With OAuth2, a 401 drops the token, a new
 * one is fetched and the request is sent once more; a second 401 is permanent
 * (HY_ERR_CREDENTIALS_REJECTED: the credentials are wrong, not stale).
 */
import { permanentError, TransferError } from '../errors.js';
import { exchange, type ExchangeAnswer } from '../http.js';
import type { IntegrationContext } from '../types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, dropToken, newTokenState, type TokenState } from './auth.js';
import { newRateState, noteAnswer, noteRefusal, rateLimitReading, waitBeforeCall, type RateState } from './rate-limit.js';
import type { ApiSpec, RequestSpec } from './schema.js';
import { parseTemplate, renderTemplate } from './template.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Request values by name (`externalId`, `cursor`, …); null: absent, the query parameter is left out. */
export type RequestValues = Record<string, string | null>;

export interface Outgoing {
  /** The body, sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters added by paging. */
  query?: Record<string, string>;
  /** A whole URL to send to instead of the path and query (a Link header's next page). */
  url?: string | null;
  /** Statuses answered as they are (404 on get and delete). */
  pass?: number[];
  /** How `body` travels: JSON (default) or a form with nested keys. */
  encoding?: 'json' | 'form';
}

/** OAuth2 tokens per connection's settings object (the engine hands the same one to every call). */
const tokenStates = new WeakMap<object, TokenState>();
/** Rate-limit pauses, likewise per connection. */
const rateStates = new WeakMap<object, RateState>();

/** Reads `{settings.x}`, `{presets.x}` and request values; a missing setting fails permanently. */
export function lookupIn(ctx: IntegrationContext, values: RequestValues): (name: string) => string | null {
  return (name) => {
    const dot = name.indexOf('.');
    if (dot > 0 && (name.startsWith('settings.') || name.startsWith('presets.'))) {
      const key = name.slice(dot + 1);
      const value = name.startsWith('settings.') ? ctx.settings[key] : ctx.presets[key];
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: ${name.slice(0, dot)} "${key}", used by its integration's api section, is ${value === undefined ? 'missing' : 'not a non-empty string or number'}`);
    }
    return values[name] ?? null;
  };
}

function render(source: string, lookup: (name: string) => string | null, encode?: (value: string) => string, encodePath?: (value: string) => string): string | null {
  return renderTemplate(parseTemplate(source), lookup, encode, encodePath);
}

/**
 * A value put in a path, encoded. "." and ".." are refused: encoding leaves them as they are, and
 * URL resolution would walk them (`/customers/../` is `/`), so an id like that would send the
 * request — credentials and all — to another resource of the API.
 */
function pathSegment(value: string): string {
  if (value === '.' || value === '..') throw permanentError('HY_ERR_EXTERNAL_ID_INVALID', `"${value}" cannot stand in a request path: it would name another resource`);
  return encodeURIComponent(value);
}

/**
 * A `{+name}` value in a path: its `/` kept, each segment encoded and checked like a value of its
 * own. An empty segment (`a//b`, a leading or trailing `/`) is refused with `.` and `..`: none
 * names a resource, and the value is meant to be one.
 */
export function pathSegments(value: string): string {
  return value
    .split('/')
    .map((segment) => {
      if (segment === '') throw permanentError('HY_ERR_EXTERNAL_ID_INVALID', `"${value}" cannot stand in a request path: it has an empty segment`);
      return pathSegment(segment);
    })
    .join('/');
}

/** The URL an operation is sent to (without credentials). */
export function requestUrl(api: ApiSpec, request: RequestSpec, lookup: (name: string) => string | null, paging: Record<string, string> = {}): string {
  const base = render(api.baseUrl, lookup)!.replace(/\/+$/, '');
  const path = render(request.path, lookup, pathSegment, pathSegments);
  if (path === null) throw permanentError('HY_ERR_INTEGRATION', `${request.path}: a value of the path is missing`);
  const url = new URL(`${base}${path.startsWith('/') ? path : `/${path}`}`);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    const name = render(key, lookup);
    const text = render(value, lookup);
    if (name !== null && text !== null) url.searchParams.set(name, text);
  }
  for (const [key, value] of Object.entries(paging)) url.searchParams.set(key, value);
  return url.toString();
}

export async function send(api: ApiSpec, request: RequestSpec, defaultMethod: string, ctx: IntegrationContext, values: RequestValues, outgoing: Outgoing = {}): Promise<ExchangeAnswer> {
  const lookup = lookupIn(ctx, values);
  const base = render(api.baseUrl, lookup)!;
  if (!URL.canParse(base)) throw permanentError('HY_ERR_CONFIG_INVALID', `connection ${ctx.connection}: the api base URL "${base}" is not a URL`);
  const target = new URL(outgoing.url ? outgoing.url : requestUrl(api, request, lookup, outgoing.query), base);
  // A next-page link that leaves the system would carry its credentials elsewhere.
  if (target.origin !== new URL(base).origin) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `the next page ${target} is not on ${new URL(base).origin}; its credentials are not sent there`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(api.headers ?? {})) headers[name] = render(value, lookup) ?? '';
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const text = render(value, lookup);
    if (text !== null) headers[name] = text;
  }
  Object.assign(headers, outgoing.headers);

  let tokens = tokenStates.get(ctx.settings);
  if (!tokens) tokenStates.set(ctx.settings, (tokens = newTokenState()));
  const timeoutMs = api.timeout ?? DEFAULT_TIMEOUT_MS;
  const oauth = api.auth?.kind === 'oauth2';
  const setting = (template: string) => render(template, lookup)!;
  const method = request.method ?? defaultMethod;

  let rate = rateStates.get(ctx.settings);
  if (!rate) rateStates.set(ctx.settings, (rate = newRateState()));
  const rateLimit = rateLimitReading(api, Date.now);

  for (let attempt = 1; ; attempt += 1) {
    const wait = waitBeforeCall(rate, Date.now(), `${method} ${target.origin}${target.pathname}`);
    if (wait > 0) {
      ctx.log('rate limit', `none left of the system's rate limit: waiting ${wait} ms before ${method} ${target.pathname}`);
      await sleep(wait);
    }
    const signed = await credentials(api.auth, setting, tokens, timeoutMs);
    const url = new URL(target);
    for (const [key, value] of Object.entries(signed.query)) url.searchParams.set(key, value);
    const pass = [...(outgoing.pass ?? []), ...(oauth && attempt === 1 ? [401] : [])];
    const state = rate;
    const payload = outgoing.encoding === 'form' && outgoing.body !== undefined ? { form: formOf(outgoing.body) } : { body: outgoing.body };
    const answer = await exchange({ method, url: url.toString(), headers: { ...headers, ...signed.headers }, ...payload, timeoutMs, pass, rateLimit }).catch(
      (error: unknown) => {
        noteRefusal(state, error, Date.now());
        throw redacted(error, Object.values(signed.query));
      },
    );
    noteAnswer(rate, api, answer.headers, Date.now());
    if (answer.status !== 401 || !oauth || attempt > 1) return answer;
    dropToken(tokens, signed.headers.authorization!.slice('Bearer '.length));
    ctx.log('auth', `${method} ${target.origin}${target.pathname}: 401 with the OAuth2 token; fetching a new one and sending once more`);
  }
}

/**
 * A record as a form with nested keys, the way Stripe's API and PHP read them:
 * `{"metadata": {"plan": "pro"}, "tags": ["a"]}` is `metadata[plan]=pro&tags[0]=a`; null is sent
 * empty (Stripe: unset the field), and a value that is not an object is refused.
 */
export function formOf(body: unknown): URLSearchParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw permanentError('HY_ERR_INTEGRATION', `a form body is an object of fields, not ${JSON.stringify(body)?.slice(0, 60)}`);
  }
  const form = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null) form.append(key, '');
    else if (Array.isArray(value)) value.forEach((item, index) => add(`${key}[${index}]`, item));
    else if (typeof value === 'object') for (const [name, item] of Object.entries(value)) add(`${key}[${name}]`, item);
    else form.append(key, String(value));
  };
  for (const [name, value] of Object.entries(body)) add(name, value);
  return form;
}

/** The failure without the secrets an API key in the query put into its URL. */
function redacted(error: unknown, secrets: string[]): unknown {
  if (!(error instanceof TransferError) || secrets.length === 0) return error;
  let message = error.message;
  for (const secret of secrets) {
    for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) message = message.replaceAll(form, '[redacted]');
  }
  return new TransferError(error.code, message, { retryable: error.retryable, retryAfterMs: error.retryAfterMs });
}
