/**
 * Backoff, as a pure function: how long a failed attempt waits before the next one. Retry state
 * (attempts, run_at, last error) lives on the transfer row; this only computes the next run.
 */
import { DEFAULTS } from '../config/defaults.js';

/**
 * iPaaS.com's retry schedule: attempt n waits 10·n·(n+1) minutes (20 min, 1 h, 2 h, …).
 * `attempt` is the number of attempts made so far (1 after the first failure).
 */
export function ipaasRetryDelayMs(attempt: number): number {
  return 10 * attempt * (attempt + 1) * 60_000;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Waits before each retry (the last repeats); null: iPaaS's 10·n·(n+1) minutes. */
  delaysMs: readonly number[] | null;
}

/**
 * After `attempts` attempts failed retryably: when to try again, or null when none are left.
 * A system's Retry-After wins when it asks for longer.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  attempts: number,
  now: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const delays = policy.delaysMs;
  const planned = delays ? delays[Math.min(attempts, delays.length) - 1]! : ipaasRetryDelayMs(attempts);
  const jittered = Math.round(planned * (1 - DEFAULTS.retryJitter + 2 * DEFAULTS.retryJitter * random()));
  return now + Math.max(jittered, retryAfterMs ?? 0);
}
