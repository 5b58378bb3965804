/**
 * `hookyard try --prerequisites`: runs the integration's prerequisites for each queued request
 * against the system (they may read it), with a context that runs no child: each child request is
 * reported with the fate the hub would give it, and nothing is written anywhere.
 */
import type { ConnectionConfig } from '../config/types.js';
import { parseScopeName, scopeFor } from '../domain/scope.js';
import type { PlannedTransfer } from '../domain/types.js';
import { TransferError } from '../integrations/errors.js';
import { matchingType, transferInfoOf } from '../integrations/info.js';
import type { ChildOutcome, ChildRequest, PrerequisiteContext } from '../integrations/types.js';
import { collectionFor } from '../mapping/index.js';

export interface PrerequisitesDryRun {
  /** Child requests the prerequisites asked for, and whether this request ends resolved by one. */
  children: Array<ChildRequest & { resolves: boolean; fate: 'queued' | 'skipped' | 'dead'; reasonCode: string | null }>;
  log: string[];
  error?: { code: string; message: string };
}

/** What the hub would do with a child request before reading anything. */
function childFate(connection: ConnectionConfig, child: ChildRequest): Pick<PrerequisitesDryRun['children'][number], 'fate' | 'reasonCode'> {
  const parts = parseScopeName(child.scope);
  if (!parts) return { fate: 'dead', reasonCode: 'HY_ERR_PREREQUISITE' };
  if (!collectionFor(connection.mappings, parts.type, 'to_hub')) return { fate: 'skipped', reasonCode: 'no_mapping' };
  if (parts.action !== 'deleted' && !connection.integration.get) return { fate: 'dead', reasonCode: 'HY_ERR_INTEGRATION_UNSUPPORTED' };
  return { fate: 'queued', reasonCode: null };
}

/** Null when the integration declares no prerequisites. */
export async function dryRunPrerequisites(connection: ConnectionConfig, t: PlannedTransfer): Promise<PrerequisitesDryRun | null> {
  const { integration } = connection;
  if (!integration.handlePrerequisites) return null;
  const result: PrerequisitesDryRun = { children: [], log: [] };
  const notRun = (child: ChildRequest, resolves: boolean): ChildOutcome => {
    result.children.push({ ...child, resolves, ...childFate(connection, child) });
    return { id: 0, status: 'skipped', reason: 'dry run: not run', hubId: null };
  };
  const ctx: PrerequisiteContext = {
    connection: connection.name,
    settings: connection.settings,
    presets: connection.presets,
    log: (step, detail) => result.log.push(detail ? `${step}: ${detail}` : step),
    findMatchingType: (value) => matchingType(integration, connection.presets, value),
    scopeFor,
    transfer: async (child) => notRun(child, false),
    resolveWith: async (child) => ({ resolvedBy: notRun(child, true) }),
  };
  const info = transferInfoOf({ ...t, id: 0, connection: connection.name, parentId: null });
  try {
    await integration.handlePrerequisites(info, ctx);
  } catch (error) {
    result.error = error instanceof TransferError ? { code: error.code, message: error.message } : { code: 'HY_ERR_PREREQUISITE', message: (error as Error).message };
  }
  return result;
}
