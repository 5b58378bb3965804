/**
 * to_hub: echo? → prerequisites (may run children, or be resolved by one) → get from the source
 * → to_hub mapping → hub record upsert through the cross-reference (collision handling) → fan-out
 * → post-actions. The decisions are in decide/to-hub.ts; this reads their inputs and does what they say.
 */
import type { ConnectionConfig } from '../config/types.js';
import type { HubRecord } from '../domain/types.js';
import { permanentError } from '../integrations/errors.js';
import type { ExternalRecord } from '../integrations/types.js';
import { applyDeleteMapping, applyMapping, collectionFor, type CompiledCollection } from '../mapping/index.js';
import { HubConflictError } from '../store/store.js';
import { ExpressionError, readPayloadRecord, type PayloadRecordRead } from '../resolve/payload.js';
import { checksEcho, collisionValue, decideHubDelete, decideUpsert, ended, fanOut, isStalePayload, isStaleRead, knowsAlready, sourceChanges, type LinkedHub } from './decide/index.js';
import { LeaseLost, type Done, type TransferRun } from './transfer-run.js';

/** Hub writes retried at once when another transfer changed the same hub record meanwhile. */
const HUB_CONFLICT_TRIES = 3;

const done = (outcome: Done['outcome'], effects: Done['effects'] = {}): Done => ({ outcome, effects });

export async function runToHub(run: TransferRun, connection: ConnectionConfig): Promise<Done> {
  const { store, clock } = run.deps;
  const { integration } = connection;
  const t = run.t;
  const externalId = t.externalId;
  if (checksEcho(t.type, externalId, run.isDelete) && (await store.consumeEcho(connection.name, t.type, externalId!, clock.now()))) {
    run.log('echo', `hookyard wrote ${t.type} ${externalId} to ${connection.name}; this is its echo`);
    return done(ended('skipped', 'echo', `echo of hookyard's own write to ${connection.name}: dropped`));
  }

  if (integration.handlePrerequisites) {
    const result = await integration.handlePrerequisites(run.info, run.prerequisiteContext(connection));
    if (result?.resolvedBy) {
      const child = result.resolvedBy;
      return done(ended('succeeded', 'resolved_by_child', `resolved by child transfer ${child.id} (${child.status}${child.reason ? `: ${child.reason}` : ''})`, child.hubId, child.id));
    }
  }

  const collection = collectionFor(connection.mappings, t.type, 'to_hub');
  if (!collection) return done(ended('skipped', 'no_mapping', `connection ${connection.name} has no to_hub mapping for ${t.type}`));
  if (externalId === null) throw permanentError('HY_ERR_EXTERNAL_ID_MISSING', `${t.scope} request without an external id`);
  if (run.isDelete) return deleteInHub(run, connection, collection, externalId);

  const payload = await payloadRecord(run, connection);
  let record: ExternalRecord | null;
  if (payload) {
    record = payload.record;
    run.log('payload', `${t.type} ${externalId} from hook ${t.payload!.hookId}${payload.version !== null ? ` (version ${payload.version})` : ''}: no request to ${connection.name}`);
  } else {
    if (!integration.get) throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integration.id} cannot read records (no get), and the hook carries no payload record`);
    record = await run.call(() => integration.get!(t.type, externalId, run.context(connection)));
    if (record === null) {
      run.log('fetch', `${integration.id} has no ${t.type} ${externalId}`);
      return done(ended('skipped', 'not_found', `${connection.name} has no ${t.type} ${externalId} (deleted since the hook was sent?)`));
    }
    run.log('fetch', `${t.type} ${externalId} from ${connection.name}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await upsertHub(run, connection, collection, externalId, record, payload?.version ?? null);
    } catch (error) {
      if (!(error instanceof HubConflictError) || attempt >= HUB_CONFLICT_TRIES) throw error;
      run.log('conflict', `${error.message}; mapping again`);
    }
  }
}

/**
 * The record the hook carried (the receiver's `record`), read again from the stored hook; null when
 * the request has no payload or its element lacks the record (the runner then calls `get`).
 */
async function payloadRecord(run: TransferRun, connection: ConnectionConfig): Promise<PayloadRecordRead | null> {
  const pointer = run.t.payload;
  if (!pointer || !connection.receiver.record) return null;
  const hook = await run.deps.store.getHook(pointer.hookId);
  if (!hook) return null;
  try {
    const read = await readPayloadRecord(connection.receiver, hook, pointer.seq);
    if (!read) run.log('payload', `hook ${pointer.hookId} element ${pointer.seq} carries no record: reading it from ${connection.name}`);
    return read;
  } catch (error) {
    if (error instanceof ExpressionError) throw permanentError('HY_ERR_RECEIVER_EXPRESSION', `${error.message} in "${error.source}"`);
    throw error;
  }
}

/** The hub record this source record is linked to, and whether that link is marked deleted. */
async function linkedHub(run: TransferRun, connection: string, externalId: string): Promise<LinkedHub | null> {
  const { store } = run.deps;
  const hub = await store.hubRecordByExternalId(connection, run.t.type, externalId);
  if (!hub) return null;
  const link = await store.externalIdOf(connection, run.t.type, hub.id);
  const knownHub = link?.knownHub ? (JSON.parse(link.knownHub) as Record<string, unknown>) : null;
  return { hub, linkDeleted: link?.deletedAt != null, sourceVersion: link?.sourceVersion ?? null, knownHub };
}

async function upsertHub(run: TransferRun, connection: ConnectionConfig, collection: CompiledCollection, externalId: string, record: ExternalRecord, version: string | null): Promise<Done> {
  const { store, config } = run.deps;
  const type = run.t.type;
  const linked = await linkedHub(run, connection.name, externalId);
  if (linked && isStalePayload(version, linked.sourceVersion ?? null)) {
    return done(ended('skipped', 'stale', `the payload's version ${version} is older than version ${linked.sourceVersion} that hub ${type} ${linked.hub.id} was written from`, linked.hub.id));
  }
  const mapped = await applyMapping(collection, record, { connection: connection.name, presets: connection.presets, hub: linked?.hub.data ?? null });
  if (mapped.kind === 'filtered') return done(ended('skipped', 'filtered', mapped.reason, linked?.hub.id ?? null));
  if (mapped.kind === 'error') throw permanentError(mapped.code, mapped.message);
  run.log('map', `${Object.keys(mapped.record).length} hub fields`);
  if (linked && isStaleRead(linked, mapped.record)) {
    run.log('stale', `${connection.name} ${type} ${externalId} holds what hookyard last wrote there or read there; hub ${type} ${linked.hub.id} has changed since`);
    return done(ended('skipped', 'stale', `${connection.name} ${type} ${externalId} brings nothing new (hookyard's own write read back, or a hook sent again) and hub ${type} ${linked.hub.id} has changed since: dropped`, linked.hub.id));
  }
  const taken = sourceChanges(linked, mapped.record);
  if (taken.kept.length > 0) run.log('merge', `${taken.kept.join(', ')}: unchanged in ${connection.name} since hookyard last wrote or read them there; the hub keeps its own`);

  let candidate: { hub: HubRecord; linkedHere: { externalId: string; deleted: boolean } | null } | null = null;
  const value = collisionValue(collection.match, mapped.record);
  if (!linked && value !== null) {
    const hub = await store.hubRecordByField(type, collection.match!, value);
    const here = hub ? await store.externalIdOf(connection.name, type, hub.id) : null;
    if (hub) candidate = { hub, linkedHere: here ? { externalId: here.externalId, deleted: here.deletedAt !== null } : null };
  }
  const decision = decideUpsert({ connection: connection.name, type, externalId, sync: collection.sync, collision: collection.collision, match: collection.match, linked, candidate, mapped: taken.fields });
  switch (decision.kind) {
    case 'skip':
      return done(ended('skipped', decision.reasonCode, decision.reason, decision.hubId));
    case 'fail':
      throw permanentError(decision.code, decision.message);
    case 'unchanged': {
      run.log('hub', `hub ${type} ${decision.hubId} unchanged: nothing to send on`);
      // The values are the same but the version moved on: remember it, or an older payload with
      // other values arriving next would not be recognised as stale. The record holds other values
      // than hookyard knew of (it came to the hub's by itself): remember those, or a later change
      // back would look like no change.
      const here = linked && linked.hub.id === decision.hubId ? linked : null;
      const versionMoved = here !== null && version !== null && version !== here.sourceVersion;
      const knownMoved = here !== null && !here.linkDeleted && !knowsAlready(here, mapped.record);
      if (versionMoved || knownMoved) {
        const kept = await run.commit.applyHubChange({
          type,
          hubId: here!.hub.id,
          expectedVersion: here!.hub.version,
          data: here!.hub.data,
          deleted: here!.hub.deleted,
          link: null,
          fanOut: [],
          sourceVersion: versionMoved ? { connection: connection.name, externalId, version: version! } : null,
          takenFrom: knownMoved ? { connection: connection.name, externalId, known: JSON.stringify(mapped.record) } : null,
        });
        if (!kept) throw new LeaseLost();
      }
      await run.postActions(connection, { hubId: decision.hubId, outcome: 'unchanged', externalId });
      return done(ended('succeeded', 'unchanged', 'the hub record already had these values', decision.hubId));
    }
  }
  if (decision.collision) run.log('collision', decision.collision);
  const { target, changed } = decision;
  const destinations = changed.length > 0 ? fanOut(run.t, type, 'updated', destinationsOf(config.connections.values(), type)) : [];
  const link = decision.link ? { connection: connection.name, externalId, replaceExisting: decision.link.replaceExisting } : null;
  // A create with a match value is refused by the store when a record with it appeared meanwhile:
  // the transfer then decides again and links to it (two transfers, one match value, one record).
  const match = !target && value !== null ? { field: collection.match!, value } : null;
  const sourceVersion = version !== null ? { connection: connection.name, externalId, version } : null;
  // What the source's record holds now, as hookyard knows it: the next read is compared with it.
  const takenFrom = { connection: connection.name, externalId, known: JSON.stringify(mapped.record) };
  const applied = await run.commit.applyHubChange({ type, hubId: target?.id ?? null, expectedVersion: target?.version ?? null, data: decision.data, deleted: false, link, match, fanOut: destinations, sourceVersion, takenFrom });
  if (!applied) throw new LeaseLost();
  run.log(target ? 'hub updated' : 'hub created', `hub ${type} ${applied.hubId}${changed.length ? `: ${changed.join(', ')}` : ''}`);
  logFanOut(run, destinations, applied.fanOut);
  const outcome = target ? 'updated' : 'created';
  await run.postActions(connection, { hubId: applied.hubId, outcome, externalId });
  return done(ended('succeeded', null, `hub ${type} ${applied.hubId} ${outcome}`, applied.hubId));
}

async function deleteInHub(run: TransferRun, connection: ConnectionConfig, collection: CompiledCollection, externalId: string): Promise<Done> {
  const type = run.t.type;
  const linked = await linkedHub(run, connection.name, externalId);
  const result = linked ? await applyDeleteMapping(collection, { connection: connection.name, presets: connection.presets, hub: linked.hub.data }) : ({ kind: 'none' } as const);
  if (result.kind === 'error') throw permanentError(result.code, result.message);
  const mapping = result.kind === 'mapped' ? { kind: 'update' as const, record: result.record } : result;
  const decision = decideHubDelete({ connection: connection.name, type, externalId, linked, mapping });
  if (decision.kind === 'skip') {
    const effects = decision.markLinkDeleted && decision.hubId !== null ? { linkDeleted: { connection: connection.name, type, hubId: decision.hubId } } : {};
    if (decision.markLinkDeleted) run.log('link deleted', `${connection.name} ${type} ${externalId} is gone: its link is marked deleted`);
    return done(ended('skipped', decision.reasonCode, decision.reason, decision.hubId), effects);
  }
  const { hub, changed } = decision;
  const destinations = decision.fanOut ? fanOut(run.t, type, decision.fanOut, destinationsOf(run.deps.config.connections.values(), type)) : [];
  const applied = await run.commit.applyHubChange({
    type,
    hubId: hub.id,
    expectedVersion: hub.version,
    data: decision.data,
    deleted: decision.deleted,
    link: null,
    fanOut: destinations,
    linkDeleted: { connection: connection.name },
  });
  if (!applied) throw new LeaseLost();
  run.log(decision.deleted ? 'hub deleted' : 'hub updated', decision.deleted ? `hub ${type} ${hub.id}` : `delete triggered an update of hub ${type} ${hub.id}: ${changed.join(', ') || 'no change'}`);
  run.log('link deleted', `${connection.name} ${type} ${externalId} is gone: its link is marked deleted`);
  logFanOut(run, destinations, applied.fanOut);
  return done(ended('succeeded', decision.reasonCode, decision.reason, hub.id));
}

function destinationsOf(connections: Iterable<ConnectionConfig>, type: HubRecord['type']) {
  return [...connections].map((c) => ({ name: c.name, mapsOut: collectionFor(c.mappings, type, 'from_hub') !== undefined }));
}

function logFanOut(run: TransferRun, planned: ReadonlyArray<{ connection: string }>, ids: readonly number[]): void {
  run.log('fan-out', planned.length === 0 ? 'no other connection maps this type out of the hub' : planned.map((p, i) => `${p.connection}: transfer ${ids[i]}`).join(', '));
}
