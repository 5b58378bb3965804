/**
 * Decisions of a from_hub transfer, as pure functions of plain values: given the hub record's
 * state, the destination's link to it and what the mapping made of it, what to write there, in
 * which order with the echo, and what the commit records about the link. The runner
 * (../from-hub.ts) reads the inputs and performs the steps in order.
 *
 * Links and deletes:
 * - `delete` in the destination: the link is marked deleted (kept, with when) in the commit.
 * - `delete_triggered_update`: the destination's record still exists (updated, e.g. inactive):
 *   the link stays live and later changes update it.
 * - A change to a hub record whose link here is marked deleted follows the mapping's `on_deleted`:
 *   `skip` (skipped, `deleted_in_destination`) or `recreate` (created anew and linked again).
 * - A 404 answering an update does not mark the link: a wrong base URL or path answers 404 too,
 *   and would mark every link; the transfer fails and shows the answer.
 */
import type { DataType } from '../../domain/types.js';
import type { OnDeletedMode, SyncMode } from '../../mapping/schema.js';

export interface FromHubInput {
  connection: string;
  type: DataType;
  hubId: number;
  sync: SyncMode;
  onDeleted: OnDeletedMode;
  /** The from_hub mapping's match field (for messages), or null. */
  match: string | null;
  /** A delete request, or the hub record is deleted. */
  deleting: boolean;
  link: { externalId: string; writtenHash: string | null; deleted: boolean } | null;
  /** deleting: what the from_hub delete block makes of it (a mapping error is the runner's). */
  deleteMapping: 'none' | 'delete' | 'update';
  /** Not deleting: the hash of the mapped record. */
  hash: string | null;
  /** What `find` returned for the match value, and the hub record it is linked to here; null when not found or not looked up. */
  found: { externalId: string; value: unknown; linkedTo: number | null } | null;
  /** This request's attempt number: a create tried before may have been made then. */
  attempts: number;
}

/** One call in the destination, or the echo registration that must precede the write it covers. */
export type Step = 'register_echo' | 'update' | 'delete' | 'create';

export type FromHubDecision =
  | { kind: 'skip'; reasonCode: 'not_linked' | 'delete_not_mapped' | 'exists' | 'deleted_in_destination'; reason: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'fail'; code: 'HY_ERR_COLLISION'; message: string }
  | {
      kind: 'write';
      /** The destination's record written; null: the first step creates it. */
      externalId: string | null;
      /** The mapped record, or the delete block's fields. */
      values: 'mapped' | 'delete_fields';
      steps: Step[];
      result: 'created' | 'updated' | 'deleted';
      reasonCode: 'delete_triggered_update' | 'matched' | null;
      /** What the commit records: keep the link (with the written hash), a new link, or the link marked deleted. */
      link: 'keep' | 'keep_with_hash' | 'new' | 'mark_deleted';
      /** The echo of a create is registered with the outcome: its id is only known after the write. */
      echoWithOutcome: boolean;
    };

/** The echo goes in before every write to a record whose id is known: the system may fire its hook before it answers. */
const ECHOED_UPDATE: Step[] = ['register_echo', 'update'];

export function decideFromHub(input: FromHubInput): FromHubDecision {
  const { connection, type, hubId, link } = input;
  if (input.deleting) {
    if (!link) return { kind: 'skip', reasonCode: 'not_linked', reason: `${connection} has no ${type} for hub ${type} ${hubId}: nothing to delete` };
    if (link.deleted) return { kind: 'skip', reasonCode: 'deleted_in_destination', reason: `${connection} ${type} ${link.externalId} was deleted there already` };
    if (input.deleteMapping === 'none') {
      return { kind: 'skip', reasonCode: 'delete_not_mapped', reason: `the from_hub mapping for ${type} has no delete block: ${connection} ${link.externalId} stays` };
    }
    if (input.deleteMapping === 'delete') {
      return { kind: 'write', externalId: link.externalId, values: 'delete_fields', steps: ['register_echo', 'delete'], result: 'deleted', reasonCode: null, link: 'mark_deleted', echoWithOutcome: false };
    }
    return { kind: 'write', externalId: link.externalId, values: 'delete_fields', steps: ECHOED_UPDATE, result: 'updated', reasonCode: 'delete_triggered_update', link: 'keep', echoWithOutcome: false };
  }

  if (link && !link.deleted) {
    if (input.sync === 'add') return { kind: 'skip', reasonCode: 'exists', reason: `${connection} has ${type} ${link.externalId} and the mapping only adds` };
    if (link.writtenHash === input.hash) return { kind: 'unchanged', reason: `${connection} already has these values` };
    return { kind: 'write', externalId: link.externalId, values: 'mapped', steps: ECHOED_UPDATE, result: 'updated', reasonCode: null, link: 'keep_with_hash', echoWithOutcome: false };
  }
  if (link?.deleted && input.onDeleted === 'skip') {
    return { kind: 'skip', reasonCode: 'deleted_in_destination', reason: `${connection} ${type} ${link.externalId} was deleted there; on_deleted is skip` };
  }
  if (input.sync === 'update') {
    return { kind: 'skip', reasonCode: 'not_linked', reason: `${connection} has no ${type} for hub ${type} ${hubId} and the mapping only updates` };
  }
  const found = input.found;
  if (found) {
    if (found.linkedTo !== null && found.linkedTo !== hubId) {
      return {
        kind: 'fail',
        code: 'HY_ERR_COLLISION',
        message: `${connection} ${type} ${found.externalId} has ${input.match} = ${JSON.stringify(found.value)} but is linked to hub ${type} ${found.linkedTo} already; hub ${type} ${hubId} is a duplicate in the hub`,
      };
    }
    return { kind: 'write', externalId: found.externalId, values: 'mapped', steps: ECHOED_UPDATE, result: 'updated', reasonCode: 'matched', link: 'new', echoWithOutcome: false };
  }
  // A create tried before may have been made then, with the values of then: the idempotency key
  // hands that record back, and writing the current values over it makes it current.
  const steps: Step[] = input.attempts > 1 ? ['create', ...ECHOED_UPDATE] : ['create'];
  return { kind: 'write', externalId: null, values: 'mapped', steps, result: 'created', reasonCode: null, link: 'new', echoWithOutcome: true };
}

/** Whether the runner should ask the destination for a record to link before creating one. */
export function looksForExisting(decision: FromHubDecision, match: string | null): boolean {
  return match !== null && decision.kind === 'write' && decision.result === 'created';
}
