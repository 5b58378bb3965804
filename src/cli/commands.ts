/**
 * What each CLI command does, as functions that take their arguments and an output sink, so
 * that tests call them directly and main.ts stays a thin commander layer.
 */
import { readFileSync } from 'node:fs';
import { loadConfig, ConfigError, type HubConfig } from '../config/load.js';
import { missingOperations } from '../config/operations.js';
import { scopeEnablement } from '../domain/enablement.js';
import { CONTROL_TYPES, type IncomingHook } from '../domain/types.js';
import { collectionFor } from '../mapping/index.js';
import { notificationFates, type NotificationFate } from '../plan/fate.js';
import { readPayloadRecord } from '../resolve/payload.js';
import { HyError, isHyError } from '../errors.js';
import { interpretHook } from '../resolve/interpret.js';
import { formatTable } from './table.js';
import { printJson } from './json.js';
import { describeStore } from './store.js';
import { dryRunPrerequisites, type PrerequisitesDryRun } from './try-prerequisites.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const consoleOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Prints a config problem list (or any coded error) and returns the exit code. */
export function reportLoadError(error: unknown, file: string, output: Output): number {
  if (error instanceof ConfigError) {
    const n = error.problems.length;
    output.err(`${file}: ${n} problem${n === 1 ? '' : 's'} (${error.code})`);
    for (const problem of error.problems) output.err(`  ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
    return 1;
  }
  if (isHyError(error)) {
    output.err(`${error.code}: ${error.message}`);
    return 1;
  }
  throw error;
}

export function scopeTable(config: HubConfig): string {
  const parts: string[] = [];
  for (const connection of config.connections.values()) {
    const { integration } = connection;
    parts.push(`connection ${connection.name} — integration ${integration.id} (${integration.title})`);
    const rows = integration.scopes.map((declaration) => {
      const scope = connection.declaredScopes.get(declaration.scope)!;
      const enablement = scopeEnablement(connection, scope);
      const enabled = enablement.enabled ? 'yes' : scope.action === 'deleted' ? 'no (delete)' : 'no';
      return [scope.name, enabled, declaration.hooks.join(', '), scope.description];
    });
    parts.push(formatTable(['SCOPE', 'ENABLED', 'EXTERNAL HOOKS', 'DESCRIPTION'], rows));
    parts.push('');
  }
  return parts.join('\n');
}

/** Each connection with its integration and scope table, for `check --json`. */
function connectionsOf(config: HubConfig) {
  return [...config.connections.values()].map((connection) => {
    const { integration } = connection;
    return {
      name: connection.name,
      integration: integration.id,
      title: integration.title,
      scopes: integration.scopes.map((declaration) => {
        const scope = connection.declaredScopes.get(declaration.scope)!;
        return { scope: scope.name, enabled: scopeEnablement(connection, scope).enabled, hooks: declaration.hooks, description: scope.description };
      }),
    };
  });
}

/**
 * `hookyard check`: exit 0 with the scope tables, or 1 with every problem — including mappings
 * that need an operation the connection's integration lacks (HY_ERR_INTEGRATION_UNSUPPORTED).
 */
export async function checkCommand(file: string, output: Output, env?: Record<string, string | undefined>, options: { json?: boolean } = {}): Promise<number> {
  let config: HubConfig;
  try {
    config = await loadConfig(file, { env });
  } catch (error) {
    return reportLoadError(error, file, output);
  }
  const missing = [...config.connections.values()].flatMap(missingOperations);
  if (missing.length > 0) {
    output.err(`${file}: ${missing.length} problem${missing.length === 1 ? '' : 's'} (HY_ERR_INTEGRATION_UNSUPPORTED)`);
    for (const problem of missing) output.err(`  ${problem.message}`);
    return 1;
  }
  if (options.json) {
    printJson(output, { file, ok: true, store: describeStore(config), connections: connectionsOf(config), warnings: config.warnings });
    return 0;
  }
  output.out(scopeTable(config));
  output.out(`store: ${describeStore(config)}`);
  for (const warning of config.warnings) output.err(`warning: ${warning}`);
  const n = config.connections.size;
  output.out(`${file}: ok, ${n} connection${n === 1 ? '' : 's'}${config.warnings.length ? `, ${config.warnings.length} warning(s)` : ''}`);
  return 0;
}

export interface TryOptions {
  config: string;
  connection: string;
  headers: string[];
  /** URL path after /hooks/:connection/, for receivers that read URL segments. */
  path?: string;
  bodyFile: string;
  /** Run the integration's prerequisites for each queued request against the system (children are not run). */
  prerequisites?: boolean;
}

/** `hookyard try`: what a hook would produce, as JSON; writes nothing. */
export async function tryCommand(options: TryOptions, output: Output, env?: Record<string, string | undefined>): Promise<number> {
  let config: HubConfig;
  try {
    config = await loadConfig(options.config, { env });
  } catch (error) {
    return reportLoadError(error, options.config, output);
  }
  const connection = config.connections.get(options.connection);
  if (!connection) {
    const known = [...config.connections.keys()].join(', ');
    output.err(`HY_ERR_CONNECTION_UNKNOWN: no connection "${options.connection}" in ${options.config} (configured: ${known})`);
    return 1;
  }
  const headers: Record<string, string> = {};
  for (const header of options.headers) {
    const colon = header.indexOf(':');
    if (colon <= 0) {
      output.err(`--header takes NAME:VALUE, got "${header}"`);
      return 1;
    }
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  let body: Buffer;
  try {
    body = readFileSync(options.bodyFile);
  } catch (error) {
    output.err(`cannot read ${options.bodyFile}: ${(error as Error).message}`);
    return 1;
  }
  const hook: IncomingHook = {
    connection: connection.name,
    headers,
    segments: options.path ? options.path.split('/').filter((s) => s !== '') : [],
    contentType: headers['content-type'] ?? 'application/json',
    body,
  };
  const result = await interpretHook(connection, hook, Date.now(), config.limits);
  const { integration } = connection;
  // A payload request whose element lacks the record falls back to get at run time: read it now.
  const payloads = new Map<number, boolean>();
  for (const t of result.transfers) {
    if (t.payload) payloads.set(t.seq, (await readPayloadRecord(connection.receiver, hook, t.seq).catch(() => null)) !== null);
  }
  const fates = notificationFates(connection.name, result.notifications, result.transfers, {
    mapsToHub: (type) => collectionFor(connection.mappings, type, 'to_hub') !== undefined,
    canRead: (type, t) => integration.get !== undefined || payloads.get(t.seq) === true || (CONTROL_TYPES.includes(type) && integration.handlePrerequisites !== undefined),
  });
  const prerequisites = new Map<number, PrerequisitesDryRun>();
  if (options.prerequisites) {
    for (const [i, fate] of fates.entries()) {
      const t = fate.fate === 'queued' ? result.transfers.find((p) => p.seq === fate.seq) : undefined;
      const run = t ? await dryRunPrerequisites(connection, t) : null;
      if (run) prerequisites.set(i, run);
    }
  }
  output.out(
    JSON.stringify(
      {
        connection: connection.name,
        status: result.status,
        ...(result.errorCode ? { error: result.errorCode, message: result.errorMessage } : {}),
        notifications: result.notifications.map((n, i) => ({
          seq: n.seq,
          hookName: n.hookName,
          scope: n.scope?.name ?? null,
          externalId: n.externalId,
          status: n.status,
          ...(n.reason ? { reason: n.reason } : {}),
          fate: fateOf(fates[i]!),
          ...(prerequisites.has(i) ? { prerequisites: prerequisites.get(i) } : {}),
        })),
        transfers: result.transfers,
      },
      null,
      2,
    ),
  );
  return 0;
}

/** A notification's fate as printed: `queued`, or the status with the reason code and reason. */
function fateOf(fate: NotificationFate) {
  return {
    status: fate.fate,
    ...(fate.reasonCode ? { reasonCode: fate.reasonCode } : {}),
    ...(fate.reason ? { reason: fate.reason } : {}),
    ...(fate.transfer ? { transfer: fate.transfer } : {}),
  };
}

export { HyError };
