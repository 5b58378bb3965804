/**
 * Keeping to a system's rate limit as its answers announce it (the `rateLimit` of an `api`
 * section). A 429 always waits for its Retry-After, or else for the `reset` header. An answer
 * whose `remaining` header says none is left pauses the connection's next calls until `reset`
 * says the allowance is back (or one interval of the declared `rate`, or a second): they wait in
 * line when that is short, and are put back to run later when it is long, so that no request is
 * sent only to be refused.
 */
import { retryableError, TransferError } from '../errors.js';
import type { RateLimitReading } from '../http.js';
import type { ApiSpec, RateLimitSpec } from './schema.js';

/** A pause up to this long is waited out in the request; a longer one reschedules the transfer. */
export const MAX_INLINE_WAIT_MS = 5_000;
/** The pause after "none left" when neither `reset` nor `rate` says how long. */
const DEFAULT_PAUSE_MS = 1_000;

/** One connection's pause (kept per connection's settings object, like its OAuth2 token). */
export interface RateState {
  /** Epoch ms before which no call is sent; 0: none. */
  pausedUntil: number;
}

export function newRateState(): RateState {
  return { pausedUntil: 0 };
}

/** What is left: a count ("12"), or "used/limit" ("39/40" leaves 1); null when the header is absent or unreadable. */
export function remainingOf(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  if (fraction) return Number(fraction[2]) - Number(fraction[1]);
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

/** The wait a `reset` header names, in ms from `now`; null when absent or unreadable. */
export function resetWaitMs(spec: RateLimitSpec['reset'], headers: Headers, now: number): number | null {
  if (!spec) return null;
  const text = headers.get(spec.header)?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return null;
  const value = Number(text);
  switch (spec.unit ?? 'seconds') {
    case 'seconds':
      return value * 1000;
    case 'ms':
      return value;
    case 'epoch':
      return Math.max(0, value * 1000 - now);
  }
}

/** How `exchange` reads this system's limit from a refused answer. */
export function rateLimitReading(api: ApiSpec, now: () => number): RateLimitReading | undefined {
  const spec = api.rateLimit;
  if (!spec) return undefined;
  return {
    // A listed status is the limit when none is left, or when it says when to come back: GitHub's
    // secondary limits answer 403 with Retry-After while its primary allowance still has some left.
    limited: (status, headers) =>
      (spec.statuses ?? []).includes(status) &&
      (headers.has('retry-after') || (spec.remaining !== undefined && (remainingOf(headers.get(spec.remaining.header)) ?? 1) <= 0)),
    waitMs: (headers) => resetWaitMs(spec.reset, headers, now()),
  };
}

/** After an answer: none left pauses the next calls. */
export function noteAnswer(state: RateState, api: ApiSpec, headers: Headers, now: number): void {
  const spec = api.rateLimit;
  if (!spec?.remaining) return;
  const remaining = remainingOf(headers.get(spec.remaining.header));
  if (remaining === null || remaining > 0) return;
  const interval = api.rate ? Math.ceil(api.rate.per / api.rate.calls) : DEFAULT_PAUSE_MS;
  state.pausedUntil = Math.max(state.pausedUntil, now + (resetWaitMs(spec.reset, headers, now) ?? interval));
}

/** After a refusal for the rate: every call of the connection waits as long as this one. */
export function noteRefusal(state: RateState, error: unknown, now: number): void {
  if (error instanceof TransferError && error.code === 'HY_ERR_RATE_LIMITED' && error.retryAfterMs !== null) {
    state.pausedUntil = Math.max(state.pausedUntil, now + error.retryAfterMs);
  }
}

/**
 * Before a call: how long to wait in line (0: go). A longer pause than MAX_INLINE_WAIT_MS throws
 * HY_ERR_RATE_LIMITED, retryable after it, without sending anything.
 */
export function waitBeforeCall(state: RateState, now: number, what: string): number {
  const wait = state.pausedUntil - now;
  if (wait <= 0) return 0;
  if (wait > MAX_INLINE_WAIT_MS) {
    throw retryableError('HY_ERR_RATE_LIMITED', `${what}: the system's rate limit has none left for ${Math.ceil(wait / 1000)} s; not sent, tried again then`, wait);
  }
  return wait;
}
