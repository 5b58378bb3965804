/**
 * One attempt at a transfer, as the direction runners (to-hub.ts, from-hub.ts) see it: its
 * activity log, calls to the connection's system (throttled, watched by the circuit breaker),
 * the contexts integration code gets, and children run inline (the DataHandler).
 */
import { isDeleteRequest, parseScopeName, scopeFor } from '../domain/scope.js';
import type { ActivityEntry } from '../domain/types.js';
import { asTransferError, permanentError, retryableError, TransferError } from '../integrations/errors.js';
import { matchingType, transferInfoOf } from '../integrations/info.js';
import type { ChildRequest, IntegrationContext, PrerequisiteContext, TransferInfo, TransferResult } from '../integrations/types.js';
import type { ConnectionConfig } from '../config/types.js';
import type { ClaimedTransfer, FinishEffects, TransferOutcome } from '../store/store.js';
import { Commit } from './commit.js';
import type { ConnectionGuard } from './guard.js';
import type { EngineDeps, RunTransfer } from './deps.js';

/** Failures that say the system is down or overloaded: they count towards opening its circuit. */
const SYSTEM_FAILURES: ReadonlySet<string> = new Set(['HY_ERR_DESTINATION_UNREACHABLE', 'HY_ERR_DESTINATION_FAILED']);

/** How an attempt ended, and the writes that commit with it. */
export interface Done {
  outcome: TransferOutcome;
  effects: FinishEffects;
}

/** The claim was taken over (its lease expired): this attempt's result is not ours to write. */
export class LeaseLost extends Error {}

export class TransferRun {
  readonly activity: ActivityEntry[] = [];
  readonly commit: Commit;
  readonly info: TransferInfo;
  /** Whether a call to the system got an answer, or failed because the system is down. */
  systemAnswered = false;
  systemFailed = false;
  /** Children started in this attempt (their failures are retired with the parent's outcome). */
  childrenStarted = 0;

  constructor(
    readonly deps: EngineDeps,
    readonly t: ClaimedTransfer,
    private readonly guard: ConnectionGuard,
    /** How a child is run: the same way as this transfer (run-transfer.ts). */
    private readonly runTransfer: RunTransfer,
  ) {
    this.commit = new Commit(deps, t);
    this.info = transferInfoOf(t);
  }

  get isDelete(): boolean {
    return isDeleteRequest(this.t);
  }

  log(step: string, detail?: string): void {
    this.activity.push({ at: this.deps.clock.now(), step, detail: detail ?? null });
  }

  /** One call to the connection's system: throttled, and watched by its circuit breaker. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    // A run whose claim was taken over calls no system again: the run that took it over does.
    if (this.deps.leases?.lost(this.t.claim)) return Promise.reject(new LeaseLost());
    return this.guard.call(async () => {
      try {
        const result = await fn();
        this.systemAnswered = true;
        return result;
      } catch (error) {
        if (SYSTEM_FAILURES.has(asTransferError(error).code)) this.systemFailed = true;
        else this.systemAnswered = true;
        throw error;
      }
    });
  }

  async postActions(connection: ConnectionConfig, result: TransferResult): Promise<void> {
    const hook = connection.integration.handlePostActions;
    if (!hook) return;
    await this.call(() => hook.call(connection.integration, this.info, result, this.context(connection)));
    this.log('post-actions', 'done');
  }

  context(connection: ConnectionConfig): IntegrationContext {
    return {
      connection: connection.name,
      settings: connection.settings,
      presets: connection.presets,
      log: (step, detail) => this.log(`${connection.integration.id}: ${step}`, detail),
    };
  }

  prerequisiteContext(connection: ConnectionConfig): PrerequisiteContext {
    const transfer = (child: ChildRequest) => this.runChild(connection, child);
    return {
      ...this.context(connection),
      findMatchingType: (value) => matchingType(connection.integration, connection.presets, value),
      scopeFor,
      transfer,
      resolveWith: async (child) => ({ resolvedBy: await transfer(child) }),
    };
  }

  /** The DataHandler: a child request, stored, run now to its end; its failure is the caller's. */
  private async runChild(connection: ConnectionConfig, child: ChildRequest) {
    const parts = parseScopeName(child.scope);
    if (!parts) throw permanentError('HY_ERR_PREREQUISITE', `"${child.scope}" is not a scope`);
    const row = await this.commit.startChild({
      trackingId: this.t.trackingId,
      parentId: this.t.id,
      hookId: this.t.hookId,
      connection: connection.name,
      type: parts.type,
      direction: 'to_hub',
      scope: child.scope,
      externalId: child.externalId,
      hubId: null,
      requestType: 'child', // a deleted action still deletes: isDelete reads the scope
      sourceConnection: null,
      origin: `${this.t.scope} ${this.t.externalId ?? ''}`.trim(),
    });
    if (!row) throw new LeaseLost();
    this.childrenStarted += 1;
    this.log('child', `transfer ${row.id}: ${child.scope} ${child.externalId}`);
    const { leases } = this.deps;
    leases?.hold(row.claim);
    const { outcome, retryable } = await this.runTransfer(this.deps, row, { child: true }).finally(() => leases?.release(row.claim));
    if (outcome.status === 'succeeded' || outcome.status === 'skipped') {
      return { id: row.id, status: outcome.status, reason: outcome.reason, hubId: outcome.hubId };
    }
    const message = `child transfer ${row.id} (${child.scope} ${child.externalId}) failed: ${outcome.errorCode}: ${outcome.error}`;
    throw retryable ? retryableError('HY_ERR_CHILD_FAILED', message) : new TransferError('HY_ERR_CHILD_FAILED', message, { retryable: false });
  }
}
