/**
 * JSON over HTTP for integrations, with a timeout and the failure classification the engine
 * retries by: a network error, a timeout, 5xx and 429 are retryable (429/503 honour
 * Retry-After); 401 (credentials refused) and other 4xx are permanent. A 404 on a read is not an
 * error: `getJson` gives null.
 */
import { networkErrorMessage, type ErrorCode } from '../errors.js';
import { permanentError, retryableError, TransferError } from './errors.js';

export interface HttpClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export interface HttpClient {
  /** GET a JSON document; null on 404. */
  getJson<T = unknown>(path: string, headers?: Record<string, string>): Promise<T | null>;
  /**
   * DELETE a record; false when the system answers 404 (it is gone already), so that a delete
   * retried after a lost answer succeeds.
   */
  deleteRecord(path: string, headers?: Record<string, string>): Promise<boolean>;
  /** Send JSON (POST, PUT, PATCH, DELETE) and read the JSON answer (null when empty). */
  sendJson<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T | null>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** What a DELETE answered with 404 gives back. */
const GONE = Symbol('gone');

/** Retry-After as milliseconds: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** How a system says "slow down" beyond 429 with Retry-After (see declarative/rate-limit.ts). */
export interface RateLimitReading {
  /** Whether an answer with this (non-2xx) status is the system's rate limit. */
  limited(status: number, headers: Headers): boolean;
  /** The wait the answer names, in ms; null when it names none. */
  waitMs(headers: Headers): number | null;
}

/** One request as `exchange` sends it. `url` is absolute. */
export interface Exchange {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON when given. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of a JSON body (an OAuth2 token request). */
  form?: URLSearchParams;
  timeoutMs?: number;
  /** Statuses handed back as answers instead of classified as failures (404 on a read, 401 for a token refresh). */
  pass?: readonly number[];
  rateLimit?: RateLimitReading;
}

export interface ExchangeAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON answer; null when the body is empty or the status was passed through. */
  json: unknown;
}

/**
 * Sends one request and classifies the answer: a network error or timeout is retryable
 * (HY_ERR_DESTINATION_UNREACHABLE), 5xx and 429 are retryable with their Retry-After
 * (HY_ERR_DESTINATION_FAILED), other 4xx are permanent (HY_ERR_DESTINATION_REJECTED), and so is
 * a 2xx whose body is not JSON.
 */
export async function exchange(request: Exchange): Promise<ExchangeAnswer> {
  const { method, url } = request;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Header names are case-insensitive: a declared `Accept` replaces the default, not joins it.
  const headers = new Headers({ accept: 'application/json' });
  if (request.body !== undefined) headers.set('content-type', 'application/json');
  if (request.form) headers.set('content-type', 'application/x-www-form-urlencoded');
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: request.form ? request.form.toString() : request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw retryableError(
      'HY_ERR_DESTINATION_UNREACHABLE',
      `${method} ${url}: ${timedOut ? `no answer within ${timeoutMs} ms` : networkErrorMessage(error)}`,
      null,
      error,
    );
  }
  const text = await response.text().catch(() => '');
  if (request.pass?.includes(response.status)) return { status: response.status, headers: response.headers, json: null };
  if (response.ok) {
    if (text === '') return { status: response.status, headers: response.headers, json: null };
    try {
      return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown };
    } catch {
      throw permanentError('HY_ERR_DESTINATION_REJECTED', `${method} ${url}: answered ${response.status} with a body that is not JSON`);
    }
  }
  const detail = `${method} ${url}: ${response.status} ${text.slice(0, 300)}`;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  if (response.status === 429 || request.rateLimit?.limited(response.status, response.headers)) {
    const waitMs = retryAfter ?? request.rateLimit?.waitMs(response.headers) ?? null;
    throw refusal('HY_ERR_RATE_LIMITED', `${detail}${waitMs === null ? '' : ` (waiting ${Math.ceil(waitMs / 1000)} s as it asks)`}`, waitMs);
  }
  // A 503 says the system did not take the request on; another 5xx may come after a change was made.
  if (response.status === 503) throw refusal('HY_ERR_DESTINATION_FAILED', detail, retryAfter);
  if (response.status >= 500) throw retryableError('HY_ERR_DESTINATION_FAILED', detail, retryAfter);
  // A token or key that is wrong, expired or revoked stays so: retrying only repeats the refusal.
  if (response.status === 401) throw refusal('HY_ERR_CREDENTIALS_REJECTED', detail);
  throw refusal('HY_ERR_DESTINATION_REJECTED', detail);
}

/** The system answered that it did not do it; retried when the code says trying again can help. */
function refusal(code: ErrorCode, message: string, retryAfterMs: number | null = null): TransferError {
  return new TransferError(code, message, { retryAfterMs, refused: true });
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(method: string, path: string, body: unknown, headers: Record<string, string> | undefined, allow404: boolean, gone = false) {
    const url = `${base}${path.startsWith('/') ? path : `/${path}`}`;
    const answer = await exchange({ method, url, body, headers: { ...options.headers, ...headers }, timeoutMs, pass: allow404 ? [404] : [] });
    if (answer.status === 404 && allow404) return gone ? GONE : null;
    return answer.json;
  }

  return {
    getJson: async <T>(path: string, headers?: Record<string, string>) => (await call('GET', path, undefined, headers, true)) as T | null,
    deleteRecord: async (path: string, headers?: Record<string, string>) => (await call('DELETE', path, undefined, headers, true, true)) !== GONE,
    sendJson: async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      (await call(method, path, body, headers, false)) as T | null,
  };
}
