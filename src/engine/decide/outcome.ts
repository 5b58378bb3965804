/**
 * How an attempt ends, as pure functions: a plain ending, a failure (retry or give up, after the
 * connection's retry policy), the circuit refusing the attempt, and what becomes of the children
 * that failed under it.
 */
import type { TransferOutcome } from '../../store/store.js';
import { nextAttemptAt, type RetryPolicy } from '../retry.js';

export function ended(
  status: 'succeeded' | 'skipped',
  reasonCode: string | null,
  reason: string | null,
  hubId: number | null = null,
  resolvedBy: number | null = null,
): TransferOutcome {
  return { status, reason, reasonCode, errorCode: null, error: null, runAt: null, hubId, resolvedBy };
}

/** The connection's circuit is open: no call was made, so the attempt does not count. */
export function circuitOpen(connection: string, until: number): TransferOutcome {
  return {
    status: 'retrying',
    reason: `the circuit of ${connection} is open`,
    reasonCode: 'circuit_open',
    errorCode: null,
    error: null,
    runAt: until,
    hubId: null,
    resolvedBy: null,
    refundAttempt: true,
  };
}

export interface FailureInput {
  error: { code: string; message: string; retryable: boolean; retryAfterMs: number | null };
  /** The connection's retry policy; null when the connection is gone. */
  policy: RetryPolicy | null;
  /** Attempts made, this one included. */
  attempts: number;
  /** A child is never retried on its own: its parent is, and runs a fresh child. */
  child: boolean;
  now: number;
  random?: () => number;
}

/** A failed attempt: retrying at the policy's next time, or dead (not retryable, or out of attempts). */
export function failed(input: FailureInput): TransferOutcome {
  const { error, policy, attempts, child, now } = input;
  const retryAt = error.retryable && policy && !child ? nextAttemptAt(policy, attempts, now, error.retryAfterMs, input.random) : null;
  return {
    status: retryAt === null ? 'dead' : 'retrying',
    reason: retryAt === null && error.retryable && !child ? `gave up after ${attempts} attempts` : null,
    reasonCode: null,
    errorCode: error.code,
    error: error.message,
    runAt: retryAt,
    hubId: null,
    resolvedBy: null,
  };
}

/**
 * Children run inline under their parent's attempt. When the parent moves on (retrying: the next
 * attempt runs fresh children; succeeded or skipped: it did without them), its failed children
 * leave the dead letters; when the parent dies, they stay dead with it.
 */
export function retiresFailedChildren(parent: TransferOutcome['status']): boolean {
  return parent !== 'dead';
}
