/**
 * from_hub: hub record → from_hub mapping → the decision (decide/from-hub.ts) → its steps in the
 * destination, each write preceded by its echo → post-actions; the link, the written hash and the
 * hub values written (what the link then knows the record to hold) commit with the outcome.
 */
import { createHash } from 'node:crypto';
import type { ConnectionConfig } from '../config/types.js';
import type { DataType } from '../domain/types.js';
import { permanentError, TransferError } from '../integrations/errors.js';
import type { ExternalRecord, WriteContext } from '../integrations/types.js';
import { applyDeleteMapping, applyMapping, collectionFor, type CompiledCollection } from '../mapping/index.js';
import type { FinishEffects } from '../store/store.js';
import { decideFromHub, ended, looksForExisting, type FromHubDecision } from './decide/index.js';
import { LeaseLost, type Done, type TransferRun } from './transfer-run.js';

function stableHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}

export async function runFromHub(run: TransferRun, connection: ConnectionConfig): Promise<Done> {
  const { store } = run.deps;
  const { integration } = connection;
  const type = run.t.type;
  if (run.t.hubId === null) throw permanentError('HY_ERR_RECORD_NOT_FOUND', 'from_hub request without a hub record');
  const hub = await store.getHubRecord(run.t.hubId);
  if (!hub) throw permanentError('HY_ERR_RECORD_NOT_FOUND', `hub ${type} ${run.t.hubId} does not exist`);
  const collection = collectionFor(connection.mappings, type, 'from_hub');
  if (!collection) return { outcome: ended('skipped', 'no_mapping', `connection ${connection.name} has no from_hub mapping for ${type}`, hub.id), effects: {} };
  const linked = await store.externalIdOf(connection.name, type, hub.id);
  const link = linked ? { externalId: linked.externalId, writtenHash: linked.writtenHash, deleted: linked.deletedAt !== null } : null;
  const vars = { connection: connection.name, presets: connection.presets, hub: hub.data };
  const deleting = run.isDelete || hub.deleted;

  // The values to write: the delete block's (only once there is something to delete) or the mapped record.
  let values: ExternalRecord | null = null;
  let deleteMapping: 'none' | 'delete' | 'update' = 'none';
  let hash: string | null = null;
  if (deleting) {
    const result = link && !link.deleted ? await applyDeleteMapping(collection, vars) : ({ kind: 'none' } as const);
    if (result.kind === 'error') throw permanentError(result.code, result.message);
    deleteMapping = result.kind === 'mapped' ? 'update' : result.kind;
    if (result.kind === 'mapped') values = result.record;
  } else {
    const mapped = await applyMapping(collection, hub.data, vars);
    if (mapped.kind === 'filtered') return { outcome: ended('skipped', 'filtered', mapped.reason, hub.id), effects: {} };
    if (mapped.kind === 'error') throw permanentError(mapped.code, mapped.message);
    values = mapped.record;
    hash = stableHash(mapped.record);
  }

  const input = { connection: connection.name, type, hubId: hub.id, sync: collection.sync, onDeleted: collection.onDeleted, match: collection.match, deleting, link, deleteMapping, hash, found: null, attempts: run.t.attempts };
  if (link?.deleted) run.log('link deleted', `${connection.name} ${type} ${link.externalId} was deleted there (on_deleted: ${collection.onDeleted})`);
  let decision = decideFromHub(input);
  if (looksForExisting(decision, collection.match)) decision = decideFromHub({ ...input, found: await findExisting(run, connection, collection, values!) });
  switch (decision.kind) {
    case 'skip':
      return { outcome: ended('skipped', decision.reasonCode, decision.reason, hub.id), effects: {} };
    case 'unchanged':
      run.log('unchanged', `${connection.name} ${type} ${link!.externalId} already has these values`);
      return { outcome: ended('succeeded', 'unchanged', decision.reason, hub.id), effects: {} };
    case 'fail':
      throw permanentError(decision.code, decision.message);
  }
  const ctx: WriteContext = { ...run.context(connection), hubId: hub.id, idempotencyKey: `hookyard-${connection.name}-${type}-${hub.id}` };
  const externalId = await perform(run, connection, decision, values, ctx);
  const written = hash === null ? null : JSON.stringify(hub.data);
  const effects = effectsOf(decision, { connection: connection.name, type, hubId: hub.id, externalId, hash, written, echoUntil: run.commit.echoUntil() });
  const reason = reasonOf(decision, externalId, connection.name, collection.match);
  await run.postActions(connection, { hubId: hub.id, outcome: decision.result, externalId });
  return { outcome: ended('succeeded', decision.reasonCode, reason, hub.id), effects };
}

/** Performs the decision's steps in order; resolves with the destination's id of the record. */
async function perform(run: TransferRun, connection: ConnectionConfig, decision: Extract<FromHubDecision, { kind: 'write' }>, values: ExternalRecord | null, ctx: WriteContext): Promise<string> {
  const { integration } = connection;
  const type = run.t.type;
  let externalId = decision.externalId;
  let echoed = false;
  for (const step of decision.steps) {
    if (step === 'register_echo') {
      await run.commit.registerEcho(connection.name, type, externalId!);
      echoed = true;
    } else if (step === 'create') {
      if (!integration.create) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot create records`);
      externalId = (await run.call(() => integration.create!(type, values!, ctx))).externalId;
      run.log('created', `${connection.name} ${type} ${externalId}`);
    } else if (step === 'update') {
      if (!integration.update) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot update records`);
      const id = externalId!;
      await withdrawnIfRefused(run, echoed, connection.name, type, id, () => run.call(() => integration.update!(type, id, values!, ctx)));
      echoed = false;
      run.log('updated', `${connection.name} ${type} ${id}`);
    } else {
      if (!integration.delete) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot delete records`);
      const id = externalId!;
      await withdrawnIfRefused(run, echoed, connection.name, type, id, () => run.call(() => integration.delete!(type, id, ctx)));
      echoed = false;
      run.log('deleted', `${connection.name} ${type} ${id}`);
    }
  }
  return externalId!;
}

/**
 * A write whose echo was registered before it, and that the system refused or never got: no hook
 * follows it, so its echo is taken back. Left registered, it would drop the next hook about the
 * record, a change made there by someone else, as hookyard's own.
 */
async function withdrawnIfRefused(run: TransferRun, echoed: boolean, connection: string, type: DataType, externalId: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (echoed && (error instanceof LeaseLost || (error instanceof TransferError && error.refused))) {
      await run.deps.store.consumeEcho(connection, type, externalId, run.deps.clock.now());
      run.log('echo withdrawn', `${connection} did not take the ${type} ${externalId} write: no hook will follow it`);
    }
    throw error;
  }
}

function effectsOf(
  decision: Extract<FromHubDecision, { kind: 'write' }>,
  w: { connection: string; type: DataType; hubId: number; externalId: string; hash: string | null; written: string | null; echoUntil: number },
): FinishEffects {
  const effects: FinishEffects = {};
  const { connection, type, hubId, externalId } = w;
  if (decision.link === 'new') effects.link = { connection, type, externalId, hubId, writtenHash: w.hash, knownHub: w.written };
  if (decision.link === 'keep_with_hash') effects.writtenHash = { connection, type, hubId, hash: w.hash!, known: w.written };
  if (decision.link === 'mark_deleted') effects.linkDeleted = { connection, type, hubId };
  if (decision.echoWithOutcome) effects.echo = { connection, type, externalId, expiresAt: w.echoUntil };
  return effects;
}

function reasonOf(decision: Extract<FromHubDecision, { kind: 'write' }>, externalId: string, connection: string, match: string | null): string {
  if (decision.reasonCode === 'matched') return `linked ${externalId} in ${connection} (found by ${match}) and updated it`;
  if (decision.reasonCode === 'delete_triggered_update') return `delete triggered an update of ${externalId} in ${connection}`;
  return `${decision.result} ${externalId} in ${connection}`;
}

/** from_hub with `match`: the destination's existing record with the mapped value of that field, and the hub record it is linked to. */
async function findExisting(run: TransferRun, connection: ConnectionConfig, collection: CompiledCollection, record: ExternalRecord) {
  const field = collection.match!;
  const { integration } = connection;
  if (!integration.find) {
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot look records up (no find); remove match from the from_hub mapping`);
  }
  const value = record[field];
  if (value === undefined || value === null) return null;
  const type = run.t.type;
  const externalId = await run.call(() => integration.find!(type, field, value, run.context(connection)));
  if (externalId === null) return null;
  const owner = await run.deps.store.hubRecordByExternalId(connection.name, type, externalId);
  if (!owner || owner.id === run.t.hubId) run.log('matched', `found ${externalId} in ${connection.name} by ${field} = ${JSON.stringify(value)}: linking instead of creating`);
  return { externalId, value, linkedTo: owner?.id ?? null };
}
