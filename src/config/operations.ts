/**
 * The operations a connection's mappings need from its integration, and those it lacks: a
 * connection that maps a type to the hub over an integration that cannot read it (no `get`, no
 * payload record) would load, take hooks, and end every transfer dead with
 * HY_ERR_INTEGRATION_UNSUPPORTED. `hookyard check` reports these before anything is received.
 */
import { CONTROL_TYPES } from '../domain/types.js';
import type { Integration } from '../integrations/types.js';
import type { DeleteSyncMode, SyncMode } from '../mapping/schema.js';
import type { ConnectionConfig } from './types.js';

type Operation = 'get' | 'create' | 'update' | 'delete' | 'find';

/** What the engine calls for each sync mode of a from_hub collection and of its delete block (engine/decide/from-hub.ts). */
const FROM_HUB_NEEDS: Record<SyncMode | DeleteSyncMode, Operation[]> = {
  add: ['create'],
  update: ['update'],
  add_and_update: ['create', 'update'],
  delete: ['delete'],
  delete_triggered_update: ['update'],
};

export interface MissingOperation {
  connection: string;
  type: string;
  direction: 'to_hub' | 'from_hub';
  operation: Operation;
  message: string;
}

export function missingOperations(connection: ConnectionConfig): MissingOperation[] {
  const { integration } = connection;
  const missing: MissingOperation[] = [];
  const has = (operation: Operation) => typeof (integration as Integration)[operation] === 'function';
  for (const collection of connection.mappings.collections.values()) {
    const { type, direction, sync } = collection;
    // Every to_hub sync mode reads the record (a delete carries only the id and reads nothing).
    const at = `connection ${connection.name}: mappings.${type}.${direction}`;
    if (direction === 'to_hub') {
      // A control type (the catch-all's message) is resolved by prerequisites, never read.
      if (CONTROL_TYPES.includes(type) || has('get') || connection.receiver.record) continue;
      missing.push({ connection: connection.name, type, direction, operation: 'get', message: `${at} needs operation get: integration ${integration.id} cannot read ${type} records (no get) and its receiver declares no payload record (receiver.record)` });
      continue;
    }
    const needed: Array<[Operation, string]> = FROM_HUB_NEEDS[sync].map((operation) => [operation, `sync ${sync}`]);
    if (collection.match !== null) needed.push(['find', `match ${collection.match}`]);
    if (collection.delete) needed.push(...FROM_HUB_NEEDS[collection.delete.sync].map((operation): [Operation, string] => [operation, `delete.sync ${collection.delete!.sync}`]));
    for (const [operation, why] of needed) {
      if (has(operation) || missing.some((m) => m.type === type && m.direction === direction && m.operation === operation)) continue;
      missing.push({ connection: connection.name, type, direction, operation, message: `${at} (${why}) needs operation ${operation}: integration ${integration.id} has no ${operation}` });
    }
  }
  return missing;
}
