/**
 * Runs one transfer request to its outcome: read → decide → execute → commit.
 *
 * to_hub (to-hub.ts):     echo? → prerequisites → get from the source → mapping → hub upsert through
 *                         the cross-reference (collision handling) → fan-out → post-actions.
 * from_hub (from-hub.ts): hub record → mapping → create, update or delete in the destination by its
 *                         cross-reference, echo registered before each write → post-actions.
 *
 * The decisions are pure functions (decide/); every store write goes through the commit layer
 * (commit.ts). Every step goes to the activity log, written with the outcome. Writes to the hub and
 * the fan-out they cause commit together, so a crash repeats a transfer rather than losing its
 * effects; writes to other systems are made idempotent through cross-references and idempotency keys.
 */
import { asTransferError, permanentError } from '../integrations/errors.js';
import { LinkConflictError, type ClaimedTransfer, type TransferOutcome } from '../store/store.js';
import { circuitOpen, failed, retiresFailedChildren } from './decide/index.js';
import { runFromHub } from './from-hub.js';
import type { EngineDeps, RunResult } from './deps.js';
import type { ConnectionGuard } from './guard.js';
import { runToHub } from './to-hub.js';
import { LeaseLost, TransferRun, type Done } from './transfer-run.js';

export type { EngineDeps, RunResult } from './deps.js';

/** Runs a claimed (or just started, for a child) transfer and records its outcome. */
export async function runTransfer(deps: EngineDeps, transfer: ClaimedTransfer, options: { child?: boolean } = {}): Promise<RunResult> {
  const started = performance.now();
  const result = await runAndRecord(deps, transfer, options);
  if (result !== LEASE_LOST) {
    const { id, connection, direction, scope, type, externalId, hubId, hookId, attempts } = transfer;
    deps.events?.emit({
      type: 'transfer.finished',
      transfer: { id, connection, direction, scope, type, externalId, hubId: result.outcome.hubId ?? hubId, hookId, attempts },
      outcome: result.outcome,
      ms: performance.now() - started,
    });
  }
  return result;
}

async function runAndRecord(deps: EngineDeps, transfer: ClaimedTransfer, options: { child?: boolean }): Promise<RunResult> {
  const guard = deps.guards.for(transfer.connection);
  const run = new TransferRun(deps, transfer, guard, runTransfer);
  // A child runs inside its parent's admission.
  const admission = options.child ? { admitted: true as const, probe: false } : guard.admit();
  if (!admission.admitted) {
    run.log('circuit open', `${transfer.connection} keeps failing: no call until ${new Date(admission.until).toISOString()}; this attempt does not count`);
    const outcome = circuitOpen(transfer.connection, admission.until);
    await run.commit.finish(outcome, run.activity, {});
    return { outcome, retryable: true };
  }
  let done: Done;
  let retryable = false;
  try {
    done = await execute(run);
  } catch (thrown) {
    if (thrown instanceof LeaseLost) {
      // The breaker still hears how the calls went: a probe that ends here must not hold it half-open.
      settleGuard(run, guard, admission.probe);
      return LEASE_LOST;
    }
    const error = asTransferError(thrown);
    retryable = error.retryable;
    run.log('failed', `${error.code}: ${error.message}`);
    const connection = deps.config.connections.get(transfer.connection);
    const outcome = failed({
      error: { code: error.code, message: error.message, retryable: error.retryable, retryAfterMs: error.retryAfterMs },
      policy: connection?.retry ?? null,
      attempts: transfer.attempts,
      child: options.child === true,
      now: deps.clock.now(),
    });
    if (outcome.runAt !== null) run.log('retry', `attempt ${transfer.attempts + 1} at ${new Date(outcome.runAt).toISOString()}`);
    done = { outcome, effects: {} };
  }
  settleGuard(run, guard, admission.probe);
  if (run.childrenStarted > 0 && retiresFailedChildren(done.outcome.status)) done.effects.retireFailedChildren = true;
  return finish(run, done, retryable);
}

/** The run's claim was taken over: nothing of it was written, and it is not ours to write. */
const LEASE_LOST: RunResult = {
  outcome: { status: 'retrying', reason: 'lease lost', reasonCode: null, errorCode: null, error: null, runAt: null, hubId: null, resolvedBy: null },
  retryable: true,
};

/** Tells the connection's breaker how this attempt's calls went (a probe's included). */
function settleGuard(run: TransferRun, guard: ConnectionGuard, probe: boolean): void {
  if (run.systemFailed) {
    guard.failed(probe);
    if (guard.circuit === 'open') run.log('circuit', `${run.t.connection}'s circuit is open`);
  } else if (run.systemAnswered) guard.succeeded();
  else guard.settled(probe);
}

async function execute(run: TransferRun): Promise<Done> {
  const t = run.t;
  const connection = run.deps.config.connections.get(t.connection);
  if (!connection) throw permanentError('HY_ERR_CONNECTION_UNKNOWN', `connection "${t.connection}" is no longer configured`);
  const where = t.direction === 'to_hub' ? `${t.externalId ?? ''}` : `hub ${t.hubId}`;
  run.log('start', `${t.scope} ${where} (attempt ${t.attempts}${t.origin ? `, from ${t.origin}` : ''})`);
  return t.direction === 'to_hub' ? runToHub(run, connection) : runFromHub(run, connection);
}

/**
 * Records the outcome. A transfer is never left running because its outcome could not be
 * written: a link conflict ends it dead with HY_ERR_COLLISION (naming the duplicate), any other
 * failure here dead with HY_ERR_INTERNAL.
 */
async function finish(run: TransferRun, done: Done, retryable: boolean): Promise<RunResult> {
  const transfer = run.t;
  try {
    if (!(await run.commit.finish(done.outcome, run.activity, done.effects))) return LEASE_LOST;
    return { outcome: done.outcome, retryable };
  } catch (error) {
    const conflict = error instanceof LinkConflictError;
    const outcome: TransferOutcome = {
      status: 'dead',
      reason: null,
      reasonCode: null,
      errorCode: conflict ? 'HY_ERR_COLLISION' : 'HY_ERR_INTERNAL',
      error: conflict
        ? `created ${error.externalId} in ${error.connection}, but hub ${transfer.type} ${transfer.hubId} was linked to ${error.linkedTo} there meanwhile (its own hook matched it): ${error.externalId} is a duplicate in ${error.connection}; remove or merge it`
        : `the outcome could not be recorded: ${(error as Error).message}`,
      runAt: null,
      hubId: done.outcome.hubId,
      resolvedBy: null,
    };
    run.log('failed', `${outcome.errorCode}: ${outcome.error}`);
    if (!(await run.commit.finish(outcome, run.activity, {}))) return LEASE_LOST;
    return { outcome, retryable: false };
  }
}
