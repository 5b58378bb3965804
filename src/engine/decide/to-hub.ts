/**
 * Decisions of a to_hub transfer, as pure functions of plain values: whether a hook is checked as
 * an echo, what a change does to the hub record (sync mode, collision handling, links) and what a
 * delete does. The runner (../to-hub.ts) reads the inputs and performs what these say.
 */
import { CONTROL_TYPES, type DataType } from '../../domain/types.js';
import type { CollisionMode, SyncMode } from '../../mapping/schema.js';
import { diffFields, mergeRecord } from '../../mapping/records.js';

export interface HubView {
  id: number;
  version: number;
  data: Record<string, unknown>;
  deleted: boolean;
}

/** A hub record reached through this source record's link; `linkDeleted`: the source deleted the record once. */
export interface LinkedHub {
  hub: HubView;
  linkDeleted: boolean;
  /** The version of this source record the hub last took in (payload records with `record.version`). */
  sourceVersion?: string | null;
  /**
   * What hookyard last knew this source record to hold, in hub terms: the hub record's values it
   * wrote there, or the values it read there and took in (null: neither yet).
   */
  knownHub?: Record<string, unknown> | null;
}

/** An echo is only looked for on a record hookyard may have written: not on deletes, not on control types. */
export function checksEcho(type: DataType, externalId: string | null, isDelete: boolean): boolean {
  return externalId !== null && !isDelete && !CONTROL_TYPES.includes(type);
}

/** Whether the record read holds exactly what hookyard last knew it to hold (in every field it maps to). */
export function knowsAlready(linked: LinkedHub, mapped: Record<string, unknown>): boolean {
  const known = knownHubOf(linked);
  return known !== null && diffFields(known, mapped).length === 0;
}

/**
 * Whether a record read from its source is stale: it brings nothing hookyard did not know of it,
 * and the hub record has changed since. It is hookyard's own write coming back (its echo
 * registration was lost in a crash, or taken by another hook about the record) or a hook sent
 * again; taking it in would wind the hub record back. When the hub record has not changed, the
 * record changes nothing anyway and is not called stale.
 */
export function isStaleRead(linked: LinkedHub, mapped: Record<string, unknown>): boolean {
  return knowsAlready(linked, mapped) && diffFields(linked.hub.data, mapped).length > 0;
}

/**
 * What a record read from its source brings to the hub. When hookyard knows what the record held
 * (it wrote there, or read it before), only the fields whose values differ from that: the
 * source's own changes since. A field still as hookyard knew it is left to the hub, which may hold
 * a newer value from another system that has not reached this one yet (its write is queued, or
 * was refused and is retried).
 */
export function sourceChanges(linked: LinkedHub | null, mapped: Record<string, unknown>): { fields: Record<string, unknown>; kept: string[] } {
  const known = linked ? knownHubOf(linked) : null;
  if (known === null) return { fields: mapped, kept: [] };
  const changed = new Set(diffFields(known, mapped));
  // `kept`: the fields left out where it matters, those the hub holds other values of.
  const kept = diffFields(linked!.hub.data, mapped).filter((field) => !changed.has(field));
  return { fields: Object.fromEntries([...changed].map((field) => [field, mapped[field]])), kept };
}

/** What hookyard last knew the linked record to hold, while that still describes it. */
function knownHubOf(linked: LinkedHub): Record<string, unknown> | null {
  return linked.linkDeleted || linked.hub.deleted ? null : (linked.knownHub ?? null);
}

/** The value collision handling looks a hub record up by, or null when there is none to look for. */
export function collisionValue(match: string | null, mapped: Record<string, unknown>): unknown {
  if (match === null) return null;
  return mapped[match] ?? null;
}

export interface UpsertInput {
  connection: string;
  type: DataType;
  externalId: string;
  sync: SyncMode;
  collision: CollisionMode;
  match: string | null;
  linked: LinkedHub | null;
  /** Not linked: a live hub record with the same match value, and this connection's link to it (if any). */
  candidate: { hub: HubView; linkedHere: { externalId: string; deleted: boolean } | null } | null;
  mapped: Record<string, unknown>;
}

export type UpsertDecision =
  | { kind: 'skip'; reasonCode: 'exists' | 'not_linked'; reason: string; hubId: number | null }
  | { kind: 'fail'; code: 'HY_ERR_COLLISION'; message: string }
  | { kind: 'unchanged'; hubId: number }
  | {
      kind: 'write';
      /** null: a new hub record. */
      target: HubView | null;
      data: Record<string, unknown>;
      /** Fields that changed; the fan-out only happens when some did. */
      changed: string[];
      /** Record the link to this source record (replacing the connection's existing one). */
      link: { replaceExisting: boolean } | null;
      /** For the activity log: the collision that chose the target. */
      collision: string | null;
    };

export function decideUpsert(input: UpsertInput): UpsertDecision {
  const { type, sync, collision, linked, candidate, mapped } = input;
  let target: HubView | null;
  let link: { replaceExisting: boolean } | null = null;
  let collided: string | null = null;
  if (linked) {
    if (sync === 'add') return { kind: 'skip', reasonCode: 'exists', reason: `hub ${type} ${linked.hub.id} exists and the mapping only adds`, hubId: linked.hub.id };
    target = linked.hub;
    // The source had deleted its record and has it again: its link is live again.
    if (linked.linkDeleted) link = { replaceExisting: false };
  } else if (candidate) {
    const what = `hub ${type} ${candidate.hub.id} has ${input.match} = ${JSON.stringify(mapped[input.match ?? ''])}`;
    if (collision === 'error') return { kind: 'fail', code: 'HY_ERR_COLLISION', message: `${what}; collision handling is "error"` };
    const here = candidate.linkedHere;
    // A link whose record was deleted in this connection does not hold the hub record any more.
    if (here && !here.deleted && collision === 'update_and_link') {
      return { kind: 'fail', code: 'HY_ERR_COLLISION', message: `${what} and is linked to ${input.connection} ${here.externalId} already; use remap_and_link to move the link` };
    }
    target = candidate.hub;
    if (collision !== 'update_and_no_link') link = { replaceExisting: collision === 'remap_and_link' };
    collided = `${what}: ${collision}`;
  } else {
    if (sync === 'update') {
      return { kind: 'skip', reasonCode: 'not_linked', reason: `no hub ${type} is linked to ${input.connection} ${input.externalId} and the mapping only updates`, hubId: null };
    }
    target = null;
    link = { replaceExisting: false };
  }
  const changed = target ? diffFields(target.data, mapped) : Object.keys(mapped);
  if (target && changed.length === 0 && !link) return { kind: 'unchanged', hubId: target.id };
  return { kind: 'write', target, data: mergeRecord(target?.data ?? null, mapped), changed, link, collision: collided };
}

export interface HubDeleteInput {
  connection: string;
  type: DataType;
  externalId: string;
  linked: LinkedHub | null;
  /** What the to_hub delete block makes of it (a mapping error is the runner's). */
  mapping: { kind: 'none' } | { kind: 'delete' } | { kind: 'update'; record: Record<string, unknown> };
}

export type HubDeleteDecision =
  | {
      kind: 'skip';
      reasonCode: 'not_linked' | 'already_deleted' | 'delete_not_mapped';
      reason: string;
      hubId: number | null;
      /** The source's record is gone whatever the mapping says: its link is marked deleted. */
      markLinkDeleted: boolean;
    }
  | {
      kind: 'write';
      hub: HubView;
      deleted: boolean;
      data: Record<string, unknown>;
      changed: string[];
      /** The action sent on to the other connections; null: nothing changed, nothing is sent. */
      fanOut: 'deleted' | 'updated' | null;
      reasonCode: 'delete_triggered_update' | null;
      reason: string;
    };

/**
 * A delete from a source. Whatever it does to the hub record, the source's link is marked deleted
 * (its record is gone there), so that changes coming from other systems are not written to it.
 */
export function decideHubDelete(input: HubDeleteInput): HubDeleteDecision {
  const { type, linked, mapping } = input;
  if (!linked) return { kind: 'skip', reasonCode: 'not_linked', reason: `no hub ${type} is linked to ${input.connection} ${input.externalId}: nothing to delete`, hubId: null, markLinkDeleted: false };
  const hub = linked.hub;
  if (linked.linkDeleted) {
    return { kind: 'skip', reasonCode: 'already_deleted', reason: `${input.connection} ${input.externalId} was deleted before: hub ${type} ${hub.id} has been told`, hubId: hub.id, markLinkDeleted: false };
  }
  if (mapping.kind === 'none') {
    return { kind: 'skip', reasonCode: 'delete_not_mapped', reason: `the to_hub mapping for ${type} has no delete block: hub ${type} ${hub.id} stays`, hubId: hub.id, markLinkDeleted: true };
  }
  if (mapping.kind === 'delete') {
    // Deleted already (another system deleted it first): nothing new to send on.
    const changed = hub.deleted ? [] : ['deleted'];
    return { kind: 'write', hub, deleted: true, data: hub.data, changed, fanOut: changed.length ? 'deleted' : null, reasonCode: null, reason: `hub ${type} ${hub.id} deleted` };
  }
  const changed = diffFields(hub.data, mapping.record);
  return {
    kind: 'write',
    hub,
    deleted: false,
    data: mergeRecord(hub.data, mapping.record),
    changed,
    fanOut: changed.length ? 'updated' : null,
    reasonCode: 'delete_triggered_update',
    reason: `delete triggered an update of hub ${type} ${hub.id}`,
  };
}
