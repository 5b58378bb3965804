/**
 * Runs one transfer request to its outcome.
 *
 * to_hub:   echo? → prerequisites (may run children, or be resolved by one) → get from the source
 *           → to_hub mapping → hub record upsert through the cross-reference (collision handling)
 *           → fan-out: one from_hub request per other connection that maps the type → post-actions.
 * from_hub: hub record → from_hub mapping → create or update in the destination by its
 *           cross-reference, echo registered before the write → post-actions.
 *
 * Every step goes to the activity log, written with the outcome. Writes to the hub and the fan-out
 * they cause commit together, so a crash repeats a transfer rather than losing its effects; writes
 * to other systems are made idempotent through cross-references and idempotency keys.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ConnectionConfig, HubConfig } from '../config/types.js';
import { parseScopeName, scopeFor } from '../domain/scope.js';
import { CONTROL_TYPES, type ActivityEntry, type DataType, type HubRecord, type TransferRequest } from '../domain/types.js';
import { asTransferError, permanentError, retryableError, TransferError } from '../integrations/errors.js';
import type {
  ChildRequest,
  ExternalRecord,
  Integration,
  IntegrationContext,
  PrerequisiteContext,
  TransferInfo,
  TransferResult,
  WriteContext,
} from '../integrations/types.js';
import { applyDeleteMapping, applyMapping, collectionFor, diffFields, mergeRecord, type CompiledCollection } from '../mapping/index.js';
import { HubConflictError, LinkConflictError, type ClaimedTransfer, type FinishEffects, type NewTransfer, type Store, type TransferOutcome } from '../store/store.js';
import type { ConnectionGuard, Guards } from './guard.js';
import type { TransferLeases } from './leases.js';
import { nextAttemptAt } from './retry.js';

export interface EngineDeps {
  store: Store;
  config: HubConfig;
  clock: Clock;
  /** Names this worker's leases. */
  worker: string;
  leaseMs: number;
  /** Throttle and circuit breaker per connection. */
  guards: Guards;
  /** Renews the claims of running transfers; a worker's children are held here while they run. */
  leases?: TransferLeases;
}

/** Failures that say the system is down or overloaded: they count towards opening its circuit. */
const SYSTEM_FAILURES: ReadonlySet<string> = new Set(['HY_ERR_DESTINATION_UNREACHABLE', 'HY_ERR_DESTINATION_FAILED']);

/** The claim was taken over (the lease expired): this attempt's result is not ours to write. */
class LeaseLost extends Error {}

/** Hub writes retried at once when another transfer changed the same hub record meanwhile. */
const HUB_CONFLICT_TRIES = 3;

interface Done {
  outcome: TransferOutcome;
  effects: FinishEffects;
}

export interface RunResult {
  outcome: TransferOutcome;
  /** For a child's parent: whether trying again could help. */
  retryable: boolean;
}

function stableHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}

function ended(status: 'succeeded' | 'skipped', reasonCode: string | null, reason: string | null, hubId: number | null = null, resolvedBy: number | null = null): Done {
  return { outcome: { status, reason, reasonCode, errorCode: null, error: null, runAt: null, hubId, resolvedBy }, effects: {} };
}

/** Runs a claimed (or just started, for a child) transfer and records its outcome. */
export async function runTransfer(deps: EngineDeps, transfer: ClaimedTransfer, options: { child?: boolean } = {}): Promise<RunResult> {
  const guard = deps.guards.for(transfer.connection);
  const run = new TransferRun(deps, transfer, guard);
  // A child runs inside its parent's admission.
  const admission = options.child ? { admitted: true as const, probe: false } : guard.admit();
  if (!admission.admitted) {
    run.log('circuit open', `${transfer.connection} keeps failing: no call until ${new Date(admission.until).toISOString()}; this attempt does not count`);
    const outcome: TransferOutcome = {
      status: 'retrying',
      reason: `the circuit of ${transfer.connection} is open`,
      reasonCode: 'circuit_open',
      errorCode: null,
      error: null,
      runAt: admission.until,
      hubId: null,
      resolvedBy: null,
      refundAttempt: true,
    };
    await deps.store.finishTransfer(transfer.claim, outcome, run.activity, {}, deps.clock.now());
    return { outcome, retryable: true };
  }
  let done: Done;
  let retryable = false;
  try {
    done = await run.execute();
  } catch (thrown) {
    if (thrown instanceof LeaseLost) {
      return { outcome: { status: 'retrying', reason: 'lease lost', reasonCode: null, errorCode: null, error: null, runAt: null, hubId: null, resolvedBy: null }, retryable: true };
    }
    const error = asTransferError(thrown);
    retryable = error.retryable;
    run.log('failed', `${error.code}: ${error.message}`);
    const connection = deps.config.connections.get(transfer.connection);
    const now = deps.clock.now();
    // A child is never retried on its own: its parent is, and runs a fresh child.
    const retryAt =
      error.retryable && connection && !options.child ? nextAttemptAt(connection.retry, transfer.attempts, now, error.retryAfterMs) : null;
    done = {
      outcome: {
        status: retryAt === null ? 'dead' : 'retrying',
        reason: retryAt === null && error.retryable && !options.child ? `gave up after ${transfer.attempts} attempts` : null,
        reasonCode: null,
        errorCode: error.code,
        error: error.message,
        runAt: retryAt,
        hubId: null,
        resolvedBy: null,
      },
      effects: {},
    };
    if (retryAt !== null) run.log('retry', `attempt ${transfer.attempts + 1} at ${new Date(retryAt).toISOString()}`);
  }
  if (run.systemFailed) {
    guard.failed(admission.probe);
    if (guard.circuit === 'open') run.log('circuit', `${transfer.connection}'s circuit is open`);
  } else if (run.systemAnswered) guard.succeeded();
  else guard.settled(admission.probe);
  return finish(deps, transfer, run, done, retryable);
}

/**
 * Records the outcome. A transfer is never left running because its outcome could not be
 * written: a link conflict ends it dead with HY_ERR_COLLISION (naming the duplicate), any other
 * failure here dead with HY_ERR_INTERNAL.
 */
async function finish(deps: EngineDeps, transfer: ClaimedTransfer, run: TransferRun, done: Done, retryable: boolean): Promise<RunResult> {
  try {
    await deps.store.finishTransfer(transfer.claim, done.outcome, run.activity, done.effects, deps.clock.now());
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
    await deps.store.finishTransfer(transfer.claim, outcome, run.activity, {}, deps.clock.now());
    return { outcome, retryable: false };
  }
}

class TransferRun {
  readonly activity: ActivityEntry[] = [];
  /** Whether a call to the system got an answer, or failed because the system is down. */
  systemAnswered = false;
  systemFailed = false;
  private readonly info: TransferInfo;

  constructor(
    private readonly deps: EngineDeps,
    private readonly t: ClaimedTransfer,
    private readonly guard: ConnectionGuard,
  ) {
    this.info = {
      id: t.id,
      trackingId: t.trackingId,
      connection: t.connection,
      type: t.type,
      action: parseScopeName(t.scope)?.action ?? 'other',
      scope: t.scope,
      direction: t.direction,
      externalId: t.externalId,
      requestType: t.requestType,
      parentId: t.parentId,
    };
  }

  log(step: string, detail?: string): void {
    this.activity.push({ at: this.deps.clock.now(), step, detail: detail ?? null });
  }

  /** One call to the connection's system: throttled, and watched by its circuit breaker. */
  private call<T>(fn: () => Promise<T>): Promise<T> {
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

  private get isDelete(): boolean {
    return this.t.requestType === 'delete' || this.info.action === 'deleted';
  }

  async execute(): Promise<Done> {
    const connection = this.deps.config.connections.get(this.t.connection);
    if (!connection) throw permanentError('HY_ERR_CONNECTION_UNKNOWN', `connection "${this.t.connection}" is no longer configured`);
    const where = this.t.direction === 'to_hub' ? `${this.t.externalId ?? ''}` : `hub ${this.t.hubId}`;
    this.log('start', `${this.t.scope} ${where} (attempt ${this.t.attempts}${this.t.origin ? `, from ${this.t.origin}` : ''})`);
    return this.t.direction === 'to_hub' ? this.toHub(connection) : this.fromHub(connection);
  }

  // ---------------------------------------------------------------- to the hub

  private async toHub(connection: ConnectionConfig): Promise<Done> {
    const { store, clock } = this.deps;
    const { integration } = connection;
    const externalId = this.t.externalId;
    if (externalId !== null && !this.isDelete && !CONTROL_TYPES.includes(this.t.type)) {
      if (await store.consumeEcho(connection.name, this.t.type, externalId, clock.now())) {
        this.log('echo', `hookyard wrote ${this.t.type} ${externalId} to ${connection.name}; this is its echo`);
        return ended('skipped', 'echo', `echo of hookyard's own write to ${connection.name}: dropped`);
      }
    }

    if (integration.handlePrerequisites) {
      const result = await integration.handlePrerequisites(this.info, this.prerequisiteContext(connection));
      if (result?.resolvedBy) {
        const child = result.resolvedBy;
        return ended('succeeded', 'resolved_by_child', `resolved by child transfer ${child.id} (${child.status}${child.reason ? `: ${child.reason}` : ''})`, child.hubId, child.id);
      }
    }

    const collection = collectionFor(connection.mappings, this.t.type, 'to_hub');
    if (!collection) return ended('skipped', 'no_mapping', `connection ${connection.name} has no to_hub mapping for ${this.t.type}`);
    if (externalId === null) throw permanentError('HY_ERR_EXTERNAL_ID_MISSING', `${this.t.scope} request without an external id`);
    if (this.isDelete) return this.deleteInHub(connection, collection, externalId);

    if (!integration.get) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot read records (no get)`);
    const record = await this.call(() => integration.get!(this.t.type, externalId, this.context(connection)));
    if (record === null) {
      this.log('fetch', `${integration.id} has no ${this.t.type} ${externalId}`);
      return ended('skipped', 'not_found', `${connection.name} has no ${this.t.type} ${externalId} (deleted since the hook was sent?)`);
    }
    this.log('fetch', `${this.t.type} ${externalId} from ${connection.name}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.upsertHub(connection, collection, externalId, record);
      } catch (error) {
        if (!(error instanceof HubConflictError) || attempt >= HUB_CONFLICT_TRIES) throw error;
        this.log('conflict', `${error.message}; mapping again`);
      }
    }
  }

  private async upsertHub(connection: ConnectionConfig, collection: CompiledCollection, externalId: string, record: ExternalRecord): Promise<Done> {
    const { store } = this.deps;
    const type = this.t.type;
    const linked = await store.hubRecordByExternalId(connection.name, type, externalId);
    const mapped = await applyMapping(collection, record, { connection: connection.name, presets: connection.presets, hub: linked?.data ?? null });
    if (mapped.kind === 'filtered') return ended('skipped', 'filtered', mapped.reason, linked?.id ?? null);
    if (mapped.kind === 'error') throw permanentError(mapped.code, mapped.message);
    this.log('map', `${Object.keys(mapped.record).length} hub fields`);

    let target: HubRecord | null = linked;
    let link: { connection: string; externalId: string; replaceExisting: boolean } | null = null;
    if (linked) {
      if (collection.sync === 'add') return ended('skipped', 'exists', `hub ${type} ${linked.id} exists and the mapping only adds`, linked.id);
    } else {
      target = await this.collide(connection, collection, mapped.record);
      if (target && collection.collision !== 'update_and_no_link') {
        link = { connection: connection.name, externalId, replaceExisting: collection.collision === 'remap_and_link' };
      }
      if (!target) {
        if (collection.sync === 'update') return ended('skipped', 'not_linked', `no hub ${type} is linked to ${connection.name} ${externalId} and the mapping only updates`);
        link = { connection: connection.name, externalId, replaceExisting: false };
      }
    }

    const changed = target ? diffFields(target.data, mapped.record) : Object.keys(mapped.record);
    if (target && changed.length === 0 && !link) {
      this.log('hub', `hub ${type} ${target.id} unchanged: nothing to send on`);
      return this.postActions(connection, { hubId: target.id, outcome: 'unchanged', externalId }, ended('succeeded', 'unchanged', 'the hub record already had these values', target.id));
    }
    const fanOut = changed.length > 0 ? this.destinations(connection, type, 'updated') : [];
    const applied = await store.applyHubChange(
      this.t.claim,
      {
        type,
        hubId: target?.id ?? null,
        expectedVersion: target?.version ?? null,
        data: mergeRecord(target?.data ?? null, mapped.record),
        deleted: false,
        link,
        // A create with a match value is refused by the store when a record with it appeared meanwhile.
        match: !target && collection.match && mapped.record[collection.match] != null ? { field: collection.match, value: mapped.record[collection.match] } : null,
        fanOut,
      },
      this.deps.clock.now(),
    );
    if (!applied) throw new LeaseLost();
    this.log(target ? 'hub updated' : 'hub created', `hub ${type} ${applied.hubId}${changed.length ? `: ${changed.join(', ')}` : ''}`);
    this.logFanOut(fanOut, applied.fanOut);
    const outcome = target ? 'updated' : 'created';
    return this.postActions(connection, { hubId: applied.hubId, outcome, externalId }, ended('succeeded', null, `hub ${type} ${applied.hubId} ${outcome}`, applied.hubId));
  }

  /** Collision handling: a hub record of this type with the same match value, not yet linked here. */
  private async collide(connection: ConnectionConfig, collection: CompiledCollection, mapped: Record<string, unknown>): Promise<HubRecord | null> {
    if (!collection.match) return null;
    const value = mapped[collection.match];
    if (value === undefined || value === null) return null;
    const existing = await this.deps.store.hubRecordByField(this.t.type, collection.match, value);
    if (!existing) return null;
    const what = `hub ${this.t.type} ${existing.id} has ${collection.match} = ${JSON.stringify(value)}`;
    if (collection.collision === 'error') throw permanentError('HY_ERR_COLLISION', `${what}; collision handling is "error"`);
    const already = await this.deps.store.externalIdOf(connection.name, this.t.type, existing.id);
    if (already && collection.collision === 'update_and_link') {
      throw permanentError('HY_ERR_COLLISION', `${what} and is linked to ${connection.name} ${already.externalId} already; use remap_and_link to move the link`);
    }
    this.log('collision', `${what}: ${collection.collision}`);
    return existing;
  }

  private async deleteInHub(connection: ConnectionConfig, collection: CompiledCollection, externalId: string): Promise<Done> {
    const { store } = this.deps;
    const type = this.t.type;
    const current = await store.hubRecordByExternalId(connection.name, type, externalId);
    if (!current) return ended('skipped', 'not_linked', `no hub ${type} is linked to ${connection.name} ${externalId}: nothing to delete`);
    const result = await applyDeleteMapping(collection, { connection: connection.name, presets: connection.presets, hub: current.data });
    if (result.kind === 'none') return ended('skipped', 'delete_not_mapped', `the to_hub mapping for ${type} has no delete block: hub ${type} ${current.id} stays`, current.id);
    if (result.kind === 'error') throw permanentError(result.code, result.message);
    const deleting = result.kind === 'delete';
    const data = deleting ? current.data : mergeRecord(current.data, result.record);
    const changed = deleting ? ['deleted'] : diffFields(current.data, result.record);
    const fanOut = changed.length > 0 ? this.destinations(connection, type, deleting ? 'deleted' : 'updated') : [];
    const applied = await store.applyHubChange(
      this.t.claim,
      { type, hubId: current.id, expectedVersion: current.version, data, deleted: deleting, link: null, fanOut },
      this.deps.clock.now(),
    );
    if (!applied) throw new LeaseLost();
    this.log(deleting ? 'hub deleted' : 'hub updated', deleting ? `hub ${type} ${current.id}` : `delete triggered an update of hub ${type} ${current.id}: ${changed.join(', ') || 'no change'}`);
    this.logFanOut(fanOut, applied.fanOut);
    const reason = deleting ? `hub ${type} ${current.id} deleted` : `delete triggered an update of hub ${type} ${current.id}`;
    return ended('succeeded', deleting ? null : 'delete_triggered_update', reason, current.id);
  }

  /** One from_hub request for every other connection that maps the type out of the hub. */
  private destinations(source: ConnectionConfig, type: DataType, action: 'updated' | 'deleted'): Array<Omit<NewTransfer, 'hubId'>> {
    const out: Array<Omit<NewTransfer, 'hubId'>> = [];
    for (const destination of this.deps.config.connections.values()) {
      if (destination.name === source.name || !collectionFor(destination.mappings, type, 'from_hub')) continue;
      out.push({
        trackingId: this.t.trackingId,
        parentId: this.t.id,
        hookId: this.t.hookId,
        connection: destination.name,
        type,
        direction: 'from_hub',
        scope: scopeFor(type, action),
        externalId: null,
        requestType: action === 'deleted' ? 'delete' : 'standard',
        sourceConnection: source.name,
        origin: `${this.t.scope} ${this.t.externalId ?? ''} from ${source.name}`,
      });
    }
    return out;
  }

  private logFanOut(planned: ReadonlyArray<{ connection: string }>, ids: readonly number[]): void {
    this.log('fan-out', planned.length === 0 ? 'no other connection maps this type out of the hub' : planned.map((p, i) => `${p.connection}: transfer ${ids[i]}`).join(', '));
  }

  // ---------------------------------------------------------------- from the hub

  private async fromHub(connection: ConnectionConfig): Promise<Done> {
    const { store, clock, config } = this.deps;
    const { integration } = connection;
    const type = this.t.type;
    if (this.t.hubId === null) throw permanentError('HY_ERR_RECORD_NOT_FOUND', 'from_hub request without a hub record');
    const hub = await store.getHubRecord(this.t.hubId);
    if (!hub) throw permanentError('HY_ERR_RECORD_NOT_FOUND', `hub ${type} ${this.t.hubId} does not exist`);
    const collection = collectionFor(connection.mappings, type, 'from_hub');
    if (!collection) return ended('skipped', 'no_mapping', `connection ${connection.name} has no from_hub mapping for ${type}`, hub.id);
    const linked = await store.externalIdOf(connection.name, type, hub.id);
    const ctx: WriteContext = { ...this.context(connection), hubId: hub.id, idempotencyKey: `hookyard-${connection.name}-${type}-${hub.id}` };
    const echoUntil = clock.now() + config.engine.echoWindowMs;

    if (this.isDelete || hub.deleted) {
      if (!linked) return ended('skipped', 'not_linked', `${connection.name} has no ${type} for hub ${type} ${hub.id}: nothing to delete`, hub.id);
      const result = await applyDeleteMapping(collection, { connection: connection.name, presets: connection.presets, hub: hub.data });
      if (result.kind === 'none') return ended('skipped', 'delete_not_mapped', `the from_hub mapping for ${type} has no delete block: ${connection.name} ${linked.externalId} stays`, hub.id);
      if (result.kind === 'error') throw permanentError(result.code, result.message);
      await store.registerEcho(connection.name, type, linked.externalId, echoUntil, clock.now());
      if (result.kind === 'delete') {
        if (!integration.delete) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot delete records`);
        await this.call(() => integration.delete!(type, linked.externalId, ctx));
        this.log('deleted', `${connection.name} ${type} ${linked.externalId}`);
        return this.postActions(connection, { hubId: hub.id, outcome: 'deleted', externalId: linked.externalId }, ended('succeeded', null, `deleted ${linked.externalId} in ${connection.name}`, hub.id));
      }
      await this.write(integration, type, linked.externalId, result.record, ctx);
      return this.postActions(connection, { hubId: hub.id, outcome: 'updated', externalId: linked.externalId }, ended('succeeded', 'delete_triggered_update', `delete triggered an update of ${linked.externalId} in ${connection.name}`, hub.id));
    }

    const mapped = await applyMapping(collection, hub.data, { connection: connection.name, presets: connection.presets, hub: hub.data });
    if (mapped.kind === 'filtered') return ended('skipped', 'filtered', mapped.reason, hub.id);
    if (mapped.kind === 'error') throw permanentError(mapped.code, mapped.message);
    const hash = stableHash(mapped.record);

    if (linked) {
      if (collection.sync === 'add') return ended('skipped', 'exists', `${connection.name} has ${type} ${linked.externalId} and the mapping only adds`, hub.id);
      if (linked.writtenHash === hash) {
        this.log('unchanged', `${connection.name} ${type} ${linked.externalId} already has these values`);
        return ended('succeeded', 'unchanged', `${connection.name} already has these values`, hub.id);
      }
      // The echo is registered before the write: the system may fire its hook before it answers.
      await store.registerEcho(connection.name, type, linked.externalId, echoUntil, clock.now());
      await this.write(integration, type, linked.externalId, mapped.record, ctx);
      const done = ended('succeeded', null, `updated ${linked.externalId} in ${connection.name}`, hub.id);
      done.effects = { writtenHash: { connection: connection.name, type, hubId: hub.id, hash } };
      return this.postActions(connection, { hubId: hub.id, outcome: 'updated', externalId: linked.externalId }, done);
    }

    if (collection.sync === 'update') return ended('skipped', 'not_linked', `${connection.name} has no ${type} for hub ${type} ${hub.id} and the mapping only updates`, hub.id);

    // Collision handling on the way out: a record the destination had before hookyard linked it.
    const found = await this.findExisting(connection, collection, mapped.record);
    if (found !== null) {
      // The echo is registered before the write (the system may fire its hook before it answers),
      // and only then: one write, one echo, so effects carry none.
      await store.registerEcho(connection.name, type, found, echoUntil, clock.now());
      await this.write(integration, type, found, mapped.record, ctx);
      const done = ended('succeeded', 'matched', `linked ${found} in ${connection.name} (found by ${collection.match}) and updated it`, hub.id);
      done.effects = { link: { connection: connection.name, type, externalId: found, hubId: hub.id, writtenHash: hash } };
      return this.postActions(connection, { hubId: hub.id, outcome: 'updated', externalId: found }, done);
    }

    if (!integration.create) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot create records`);
    const { externalId } = await this.call(() => integration.create!(type, mapped.record, ctx));
    this.log('created', `${connection.name} ${type} ${externalId}`);
    // A create tried before may have been made then, with the values of then: the idempotency key
    // hands that record back. Writing the current values over it makes it current.
    if (this.t.attempts > 1) {
      await store.registerEcho(connection.name, type, externalId, echoUntil, clock.now());
      await this.write(integration, type, externalId, mapped.record, ctx);
    }
    const done = ended('succeeded', null, `created ${externalId} in ${connection.name}`, hub.id);
    done.effects = {
      link: { connection: connection.name, type, externalId, hubId: hub.id, writtenHash: hash },
      echo: { connection: connection.name, type, externalId, expiresAt: echoUntil },
    };
    return this.postActions(connection, { hubId: hub.id, outcome: 'created', externalId }, done);
  }

  /** from_hub with `match`: the destination's existing record with the mapped value of that field, or null. */
  private async findExisting(connection: ConnectionConfig, collection: CompiledCollection, record: ExternalRecord): Promise<string | null> {
    const field = collection.match;
    if (field === null) return null;
    const { integration } = connection;
    if (!integration.find) {
      throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot look records up (no find); remove match from the from_hub mapping`);
    }
    const value = record[field];
    if (value === undefined || value === null) return null;
    const type = this.t.type;
    const externalId = await this.call(() => integration.find!(type, field, value, this.context(connection)));
    if (externalId === null) return null;
    const owner = await this.deps.store.hubRecordByExternalId(connection.name, type, externalId);
    if (owner && owner.id !== this.t.hubId) {
      throw permanentError(
        'HY_ERR_COLLISION',
        `${connection.name} ${type} ${externalId} has ${field} = ${JSON.stringify(value)} but is linked to hub ${type} ${owner.id} already; hub ${type} ${this.t.hubId} is a duplicate in the hub`,
      );
    }
    this.log('matched', `found ${externalId} in ${connection.name} by ${field} = ${JSON.stringify(value)}: linking instead of creating`);
    return externalId;
  }

  private async write(integration: Integration, type: DataType, externalId: string, record: ExternalRecord, ctx: WriteContext): Promise<void> {
    if (!integration.update) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot update records`);
    await this.call(() => integration.update!(type, externalId, record, ctx));
    this.log('updated', `${ctx.connection} ${type} ${externalId}`);
  }

  // ---------------------------------------------------------------- integration contexts

  private async postActions(connection: ConnectionConfig, result: TransferResult, done: Done): Promise<Done> {
    const hook = connection.integration.handlePostActions;
    if (hook) {
      await this.call(() => hook.call(connection.integration, this.info, result, this.context(connection)));
      this.log('post-actions', 'done');
    }
    return done;
  }

  private context(connection: ConnectionConfig): IntegrationContext {
    return {
      connection: connection.name,
      settings: connection.settings,
      presets: connection.presets,
      log: (step, detail) => this.log(`${connection.integration.id}: ${step}`, detail),
    };
  }

  private prerequisiteContext(connection: ConnectionConfig): PrerequisiteContext {
    const transfer = (child: ChildRequest) => this.runChild(connection, child);
    return {
      ...this.context(connection),
      findMatchingType: (value) => connection.integration.presets.find((p) => p.type && connection.presets[p.name] === value)?.type ?? null,
      scopeFor,
      transfer,
      resolveWith: async (child) => ({ resolvedBy: await transfer(child) }),
    };
  }

  /** The DataHandler: a child request, stored, run now to its end; its failure is the caller's. */
  private async runChild(connection: ConnectionConfig, child: ChildRequest) {
    const parts = parseScopeName(child.scope);
    if (!parts) throw permanentError('HY_ERR_PREREQUISITE', `"${child.scope}" is not a scope`);
    const { store, clock, leaseMs, leases } = this.deps;
    const row = await store.startChild(
      this.t.claim,
      {
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
      },
      clock.now(),
      leaseMs,
    );
    if (!row) throw new LeaseLost();
    this.log('child', `transfer ${row.id}: ${child.scope} ${child.externalId}`);
    leases?.hold(row.claim);
    const { outcome, retryable } = await runTransfer(this.deps, row, { child: true }).finally(() => leases?.release(row.claim));
    if (outcome.status === 'succeeded' || outcome.status === 'skipped') {
      return { id: row.id, status: outcome.status, reason: outcome.reason, hubId: outcome.hubId };
    }
    const message = `child transfer ${row.id} (${child.scope} ${child.externalId}) failed: ${outcome.errorCode}: ${outcome.error}`;
    throw retryable ? retryableError('HY_ERR_CHILD_FAILED', message) : new TransferError('HY_ERR_CHILD_FAILED', message, { retryable: false });
  }
}
