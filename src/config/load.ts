/**
 * Loads a configuration file: YAML → environment substitution → schema → integrations →
 * cross-checks → compiled receivers. Every problem is collected and reported at once, each
 * with its path in the file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONTROL_TYPES, type DataType, type Scope, type ScopeName } from '../domain/types.js';
import { collectionFor, compileMappings } from '../mapping/index.js';
import { makeScope, scopeFor } from '../domain/scope.js';
import { didYouMean } from '../domain/closest.js';
import { typeCatalog, unknownTypeMessage, type TypeCatalog, type TypeDeclaration } from '../domain/data-types.js';
import { typeDeclarationsSchema, type TypeDeclarationsSpec } from '../integrations/schema.js';
import { HyError } from '../errors.js';
import { findIntegration, importIntegrationReference } from '../integrations/registry.js';
import type { FoundIntegration } from '../integrations/modules.js';
import { ALWAYS_REDACTED } from '../ingest/credentials.js';
import { compileVerifier, type VerifySpec } from '../verify/index.js';
import { secretDigest } from '../verify/digest.js';
import { defaultParentId, type FieldSource, type Integration, type ReceiverDefinition } from '../integrations/types.js';
import { compileField, compileReceiver } from '../resolve/receiver.js';
import { ALERT_TYPES, configSchema, connectionSchema, type ConfigFile, type ConnectionFile } from './schema.js';
import { DATABASE_URL_ENV, databaseUrlProblem, type DatabaseUrlSetting } from './database-url.js';
import { DEFAULTS } from './defaults.js';
import type { ConnectionConfig, HubConfig } from './types.js';

export type { ConnectionConfig, HubConfig } from './types.js';
export { scopeEnablement } from '../domain/enablement.js';

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown with every problem found; `problems` holds them one by one. */
export class ConfigError extends HyError {
  constructor(readonly problems: ConfigProblem[]) {
    super('HY_ERR_CONFIG_INVALID', problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n  '));
  }
}

/** `connections.shop.scopes[2]` from ['connections', 'shop', 'scopes', 2]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` and `${NAME:-default}` in every string; a missing variable is a problem. */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, problems, [...path, key])]),
    );
  }
  return value;
}

export interface LoadOptions {
  env?: Readonly<Record<string, string | undefined>>;
}

/** What parseConfig and buildConfig take beyond LoadOptions. */
export interface BuildOptions extends LoadOptions {
  file?: string;
  /** Integrations named by a module file or a package, imported beforehand (loadConfig does it), by reference. */
  imported?: ReadonlyMap<string, FoundIntegration>;
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new HyError('HY_ERR_CONFIG_UNREADABLE', `${file}: ${(error as Error).message}`);
  }
}

/** Without integration modules or packages (importing them is asynchronous): see loadConfig. */
export function loadConfigFile(file: string, options: LoadOptions = {}): HubConfig {
  return parseConfig(readConfigText(file), { ...options, file: resolvePath(file) });
}

/**
 * Loads a configuration file whose connections may name code integrations by module file
 * (relative to the file) or package name: each is imported first, then the file is loaded as
 * loadConfigFile does. The CLI loads every configuration this way.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<HubConfig> {
  const text = readConfigText(file);
  const absolute = resolvePath(file);
  const imported = new Map<string, FoundIntegration>();
  for (const reference of integrationReferences(text, options.env ?? process.env)) {
    const found = await importIntegrationReference(reference, dirname(absolute));
    if (found) imported.set(reference, found);
  }
  return parseConfig(text, { ...options, file: absolute, imported });
}

/** Every connection's `integration:` string; problems are left for parseConfig to report. */
function integrationReferences(text: string, env: Readonly<Record<string, string | undefined>>): Set<string> {
  let data: unknown;
  try {
    data = substituteEnv(parseYaml(text), env, []);
  } catch {
    return new Set();
  }
  const connections = (data as { connections?: unknown } | null)?.connections;
  if (connections === null || typeof connections !== 'object') return new Set();
  const references = Object.values(connections).map((connection) => (connection as { integration?: unknown } | null)?.integration);
  return new Set(references.filter((reference): reference is string => typeof reference === 'string'));
}

export function parseConfig(text: string, options: BuildOptions = {}): HubConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid YAML: ${(error as Error).message}` }]);
  }
  return buildConfig(data, options);
}

export function buildConfig(data: unknown, options: BuildOptions = {}): HubConfig {
  const problems: ConfigProblem[] = [];
  const substituted = substituteEnv(data, options.env ?? process.env, problems);
  const parsed = configSchema.safeParse(substituted);
  const issuesAt = (issues: readonly { path: PropertyKey[]; message: string }[], prefix: PropertyKey[] = []) => {
    for (const issue of issues) problems.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
  };
  if (!parsed.success) issuesAt(parsed.error.issues);
  // Connections are checked even when the top level has problems, so that all are reported.
  const rawConnections = (substituted as { connections?: unknown } | null)?.connections;
  const connectionEntries = rawConnections !== null && typeof rawConnections === 'object' ? Object.entries(rawConnections) : [];
  const configDir = options.file ? dirname(options.file) : process.cwd();
  const connections = new Map<string, ConnectionConfig>();
  const warnings: string[] = [];
  const found: Array<{ name: string; spec: ConnectionFile; integration: Integration }> = [];
  for (const [name, raw] of connectionEntries) {
    const spec = connectionSchema.safeParse(raw);
    if (!spec.success) {
      issuesAt(spec.error.issues, ['connections', name]);
      continue;
    }
    const integration = integrationOf(name, spec.data.integration, configDir, options.imported, problems);
    if (integration) found.push({ name, spec: spec.data, integration });
  }
  // Types before connections: a connection may name a type that another connection's integration declares.
  const declaredTypes = typeDeclarationsSchema.safeParse((substituted as { types?: unknown } | null)?.types ?? {});
  const types = dataTypes(declaredTypes.success ? declaredTypes.data : {}, found, problems);
  for (const { name, spec, integration } of found) {
    const connection = buildConnection(name, spec, integration, types, problems, warnings);
    if (connection) connections.set(name, connection);
  }
  const store = storeOf(parsed.success ? parsed.data.store : undefined, options.env ?? process.env, problems, warnings);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const server = parsed.data.server ?? {};
  return {
    file: options.file ?? null,
    server: {
      host: server.host ?? DEFAULTS.host,
      port: server.port ?? DEFAULTS.port,
      bodyLimitBytes: server.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
      maxBacklog: server.maxBacklog ?? DEFAULTS.maxBacklog,
      maxQueuedTransfers: server.maxQueuedTransfers ?? DEFAULTS.maxQueuedTransfers,
      requestTimeoutMs: server.requestTimeout ?? DEFAULTS.requestTimeoutMs,
    },
    limits: { notificationsPerHook: parsed.data.limits?.notificationsPerHook ?? DEFAULTS.notificationsPerHook },
    store,
    engine: {
      concurrency: parsed.data.engine?.concurrency ?? DEFAULTS.concurrency,
      leaseMs: parsed.data.engine?.lease ?? DEFAULTS.leaseMs,
      echoWindowMs: parsed.data.engine?.echoWindow ?? DEFAULTS.echoWindowMs,
      shutdownGraceMs: parsed.data.engine?.shutdownGrace ?? DEFAULTS.shutdownGraceMs,
      resolveFirstMs: parsed.data.engine?.resolveFirst ?? DEFAULTS.resolveFirstMs,
    },
    retention: retentionOf(parsed.data.retention),
    alerts: (parsed.data.alerts ?? []).map((target) => ({
      url: target.url,
      secret: target.secret,
      events: new Set(target.events ?? ALERT_TYPES),
      backlogHigh: target.backlogHigh ?? Math.ceil((server.maxBacklog ?? DEFAULTS.maxBacklog) * DEFAULTS.alertBacklogHighShare),
    })),
    dataTypes: types.catalog.types,
    connections,
    warnings,
  };
}

/** `retention:` with its defaults; `false` (whole, or null per class) keeps for ever. */
function retentionOf(spec: ConfigFile['retention']): HubConfig['retention'] {
  const keep = (given: number | null | undefined, fallback: number): number | null => (given === null || spec === false ? null : (given ?? fallback));
  const classes = spec === false || spec === undefined ? {} : spec;
  return {
    hooksMs: keep(classes.hooks, DEFAULTS.retainFinishedMs),
    transfersMs: keep(classes.transfers, DEFAULTS.retainFinishedMs),
    deadMs: keep(classes.dead, DEFAULTS.retainDeadMs),
    batch: (spec === false ? undefined : spec?.batch) ?? DEFAULTS.pruneBatch,
    everyMs: (spec === false ? undefined : spec?.every) ?? DEFAULTS.pruneEveryMs,
  };
}

/**
 * The store the configuration selects: PostgreSQL when HOOKYARD_DATABASE_URL (which wins) or
 * `store.url` names it, else SQLite. A refused HOOKYARD_DATABASE_URL is a problem at its name.
 */
function storeOf(
  spec: ConfigFile['store'],
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  warnings: string[],
): HubConfig['store'] {
  const fromEnv = env[DATABASE_URL_ENV];
  let url: string | null = spec?.url ?? null;
  let urlSetting: DatabaseUrlSetting | null = url === null ? null : 'store.url';
  // Unset and empty are the same, as for ${NAME} in the file.
  if (fromEnv !== undefined && fromEnv !== '') {
    const problem = databaseUrlProblem(fromEnv);
    if (problem) problems.push({ path: DATABASE_URL_ENV, message: problem });
    url = fromEnv;
    urlSetting = DATABASE_URL_ENV;
  }
  const poolSize = spec?.poolSize ?? null;
  if (poolSize !== null && url === null) {
    warnings.push(`store.poolSize is set, but the store is SQLite (neither store.url nor ${DATABASE_URL_ENV} is set): it is ignored`);
  }
  return { durability: spec?.durability ?? DEFAULTS.durability, url, urlSetting, poolSize };
}

/** What the hub's data types come to: the built-in ones, the configuration's `types`, each integration's. */
interface LoadedTypes {
  catalog: TypeCatalog;
  /** Where a configuration-declared child's parent id is in a hook (the integration's own rule wins). */
  parentIds: ReadonlyMap<DataType, FieldSource>;
}

function dataTypes(
  declared: TypeDeclarationsSpec,
  found: ReadonlyArray<{ name: string; integration: Integration }>,
  problems: ConfigProblem[],
): LoadedTypes {
  const declarations: TypeDeclaration[] = [];
  const parentIds = new Map<DataType, FieldSource>();
  for (const [type, spec] of Object.entries(declared)) {
    declarations.push({ name: type, parent: spec?.parent ?? null, at: formatPath(['types', type]) });
    if (spec?.parent) parentIds.set(type, spec.parentId ?? defaultParentId(spec.parent));
  }
  const seen = new Set<Integration>();
  for (const { name, integration } of found) {
    if (seen.has(integration)) continue;
    seen.add(integration);
    for (const type of integration.types ?? []) {
      const parent = integration.parents?.find((p) => p.type === type)?.parent ?? null;
      declarations.push({ name: type, parent, at: `${formatPath(['connections', name, 'integration'])} (types.${type} of integration ${integration.id})` });
    }
  }
  const { catalog, problems: typeProblems } = typeCatalog(declarations);
  for (const problem of typeProblems) problems.push({ path: problem.at, message: problem.message });
  return { catalog, parentIds };
}

function integrationOf(name: string, reference: string, configDir: string, imported: BuildOptions['imported'], problems: ConfigProblem[]): Integration | null {
  const found = findIntegration(reference, configDir, imported);
  for (const problem of found.problems) {
    const inside = problem.path.length ? ` at ${formatPath(problem.path)}` : '';
    problems.push({ path: formatPath(['connections', name, 'integration']), message: `${problem.message}${inside}` });
  }
  return found.integration;
}

function buildConnection(
  name: string,
  spec: ConnectionFile,
  integration: Integration,
  types: LoadedTypes,
  problems: ConfigProblem[],
  warnings: string[],
): ConnectionConfig | null {
  const at = (...rest: PropertyKey[]) => formatPath(['connections', name, ...rest]);
  const before = problems.length;
  const known = types.catalog.types;
  /** True when the type exists; otherwise a problem at the path, naming the closest known type. */
  const knownType = (type: DataType, path: string): boolean => {
    if (known.includes(type)) return true;
    problems.push({ path, message: unknownTypeMessage(type, known) });
    return false;
  };

  // Scopes: declared once each, hook names unique across scopes.
  const declaredScopes = new Map<ScopeName, Scope>();
  const byHook = new Map<string, Scope>();
  for (const declaration of integration.scopes) {
    const scope = makeScope(declaration.scope, declaration.description);
    if (!known.includes(scope.type)) {
      problems.push({ path: at('integration'), message: `integration ${integration.id}, scope ${scope.name}: ${unknownTypeMessage(scope.type, known)}` });
    }
    if (declaredScopes.has(scope.name)) {
      problems.push({ path: at('integration'), message: `integration ${integration.id} declares scope ${scope.name} twice` });
    }
    declaredScopes.set(scope.name, scope);
    for (const hook of declaration.hooks) {
      const other = byHook.get(hook);
      if (other && other.name !== scope.name) {
        problems.push({
          path: at('integration'),
          message: `integration ${integration.id} maps hook name "${hook}" to both ${other.name} and ${scope.name}`,
        });
      }
      byHook.set(hook, scope);
    }
  }

  // Enabled scopes must be declared; delete scopes only by name, with a warning.
  const listed = new Set<ScopeName>();
  const all = spec.scopes === undefined || spec.scopes === '*';
  if (Array.isArray(spec.scopes)) {
    spec.scopes.forEach((scopeName, i) => {
      const type = scopeName.slice(0, scopeName.indexOf('/'));
      if (!declaredScopes.has(scopeName) && knownType(type, at('scopes', i))) {
        problems.push({
          path: at('scopes', i),
          message: `${scopeName} is not a scope declared by integration ${integration.id}${didYouMean(scopeName, [...declaredScopes.keys()])}; declared: ${[...declaredScopes.keys()].join(', ')}`,
        });
      }
      listed.add(scopeName);
      // A child type's delete is a reason to transfer its parent again (price → product), not a delete.
      const parent = integration.parents?.find((p) => p.type === type)?.parent ?? types.catalog.parents.get(type);
      if (scopeName.endsWith('/deleted') && parent === undefined) {
        warnings.push(
          `connections.${name}: delete scope ${scopeName} is enabled: deletes in ${integration.id} will be transferred`,
        );
      }
    });
  }

  // Presets: declared ones only, required ones present, values from the allowed set.
  const presets: Record<string, string> = {};
  const declaredPresets = new Map(integration.presets.map((p) => [p.name, p]));
  for (const [key, value] of Object.entries(spec.presets ?? {})) {
    const declaration = declaredPresets.get(key);
    if (!declaration) {
      const known = integration.presets.map((p) => p.name).join(', ') || 'none';
      problems.push({ path: at('presets', key), message: `integration ${integration.id} has no preset "${key}" (declared: ${known})` });
      continue;
    }
    if (declaration.values && !declaration.values.includes(value)) {
      problems.push({ path: at('presets', key), message: `"${value}" is not one of ${declaration.values.join(', ')}` });
    }
    presets[key] = value;
  }
  for (const declaration of integration.presets) {
    if (declaration.type !== undefined && !known.includes(declaration.type)) {
      problems.push({ path: at('integration'), message: `integration ${integration.id}, preset ${declaration.name}: ${unknownTypeMessage(declaration.type, known)}` });
    }
    if (presets[declaration.name] !== undefined) continue;
    if (declaration.default !== undefined) presets[declaration.name] = declaration.default;
    else if (declaration.required) {
      problems.push({ path: at('presets', declaration.name), message: `preset "${declaration.name}" is required by integration ${integration.id}` });
    }
  }

  // Receiver: the integration's, with the connection's overrides; every expression compiles.
  const merged = { ...integration.receiver, ...(spec.receiver ?? {}) };
  // null in the connection's override removes what the integration sets.
  const definition: ReceiverDefinition = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null)) as unknown as ReceiverDefinition;
  const compiled = compileReceiver(definition);
  for (const problem of compiled.problems) {
    const where = spec.receiver && problem.path.split('.')[0]! in spec.receiver ? at('receiver', ...problem.path.split('.')) : at('integration', `receiver.${problem.path}`);
    problems.push({ path: where, message: problem.message });
  }

  // Parents: a child type's hooks become requests for the parent record.
  const parents = new Map<DataType, { parent: DataType; field: ReturnType<typeof compileField> }>();
  for (const [i, declaration] of (integration.parents ?? []).entries()) {
    const fieldProblems: { path: string; message: string }[] = [];
    const field = compileField(declaration.parentId, 'parentId', fieldProblems);
    for (const problem of fieldProblems) problems.push({ path: at('integration', `parents[${i}].${problem.path}`), message: problem.message });
    parents.set(declaration.type, { parent: declaration.parent, field });
  }
  // A parent the configuration declares holds where the integration says nothing of the type.
  for (const [type, parent] of types.catalog.parents) {
    if (parents.has(type)) continue;
    const parentId = types.parentIds.get(type);
    if (!parentId) continue;
    const fieldProblems: { path: string; message: string }[] = [];
    const field = compileField(parentId, 'parentId', fieldProblems);
    for (const problem of fieldProblems) problems.push({ path: formatPath(['types', type, ...problem.path.split('.')]), message: problem.message });
    parents.set(type, { parent, field });
  }

  // Mappings: every expression compiles; a control type that a scope carries must be mapped.
  for (const type of Object.keys(spec.mappings ?? {})) knownType(type, at('mappings', type));
  const mappings = compileMappings(spec.mappings);
  for (const problem of mappings.problems) problems.push({ path: at('mappings', ...problem.path.split('.')), message: problem.message });
  if (mappings.mappings) {
    for (const scope of declaredScopes.values()) {
      if (!CONTROL_TYPES.includes(scope.type)) continue;
      const enabled = listed.has(scope.name) || (all && scope.action !== 'deleted');
      if (enabled && !collectionFor(mappings.mappings, scope.type, 'to_hub')) {
        problems.push({
          path: at('mappings', scope.type),
          message: `scope ${scope.name} carries the control type ${scope.type}, which needs a mapping collection: add mappings.${scope.type}.to_hub (e.g. { sync: add_and_update })`,
        });
        break;
      }
    }
  }

  // Polling: a poll scope's ids flow through the type's created/updated scopes, which must exist;
  // a scheduled poll needs the scope enabled and an integration that can poll.
  for (const scope of declaredScopes.values()) {
    if (scope.action !== 'poll') continue;
    const carriers = ['created', 'updated'].filter((action) => declaredScopes.has(`${scope.type}/${action}` as ScopeName));
    if (carriers.length === 0) {
      problems.push({
        path: at('integration'),
        message: `integration ${integration.id} declares ${scope.name} but neither ${scope.type}/created nor ${scope.type}/updated: the records a poll finds have no scope to travel by; declare them`,
      });
    }
  }
  const polls = new Map<DataType, number>();
  for (const [type, interval] of Object.entries(spec.poll ?? {})) {
    const pollScope = scopeFor(type, 'poll');
    if (!knownType(type, at('poll', type))) continue;
    if (!declaredScopes.has(pollScope)) {
      problems.push({ path: at('poll', type), message: `integration ${integration.id} has no ${pollScope} scope` });
    } else if (!(listed.has(pollScope) || all)) {
      problems.push({ path: at('poll', type), message: `${pollScope} is not enabled: add it to connections.${name}.scopes` });
    } else if (!integration.poll) {
      problems.push({ path: at('poll', type), message: `integration ${integration.id} cannot poll (it has no poll())` });
    }
    polls.set(type, interval);
  }

  const noise = new Map<DataType, { ignore: true } | { debounceMs: number }>();
  for (const [type, rule] of Object.entries(spec.noise ?? {})) {
    knownType(type, at('noise', type));
    noise.set(type, 'ignore' in rule ? { ignore: true } : { debounceMs: rule.debounce });
  }

  const auth = webhookAuth(integration, spec.webhook, (message) => problems.push({ path: at('webhook'), message }));
  const redactHeaders = credentialHeaders(spec.webhook, compiled.receiver?.auth.source);
  // A receiver that read its hook name or external id from a redacted header would read "[redacted]".
  for (const [field, source] of [['hook', compiled.receiver?.hook.source], ['externalId', compiled.receiver?.externalId.source]] as const) {
    if (source?.from === 'header' && redactHeaders.has(source.name.toLowerCase())) {
      problems.push({ path: at('receiver', field), message: `reads header ${source.name.toLowerCase()}, which carries a credential and is stored as "[redacted]"; read it from elsewhere or take it out of webhook.redact` });
    }
  }

  if (problems.length > before || !compiled.receiver || !mappings.mappings || !auth) return null;
  return {
    name,
    fingerprint: connectionFingerprint(spec, integration),
    integration,
    scopeIndex: { integrationId: integration.id, byHook, parents },
    declaredScopes,
    receiver: compiled.receiver,
    auth,
    deliveryIdHeader: spec.webhook.deliveryIdHeader?.toLowerCase() ?? null,
    redactHeaders,
    dedupe: spec.webhook.dedupe ? { by: spec.webhook.dedupe.by, windowMs: spec.webhook.dedupe.window } : null,
    presets,
    scopes: { all, listed },
    settings: spec.settings ?? {},
    mappings: mappings.mappings,
    noise,
    retry: { maxAttempts: spec.retry?.maxAttempts ?? DEFAULTS.maxAttempts, delaysMs: spec.retry?.delays ?? null },
    polls,
    guard: {
      rate:
        spec.throttle?.calls !== undefined && spec.throttle.per !== undefined
          ? { calls: spec.throttle.calls, perMs: spec.throttle.per }
          : (integration.throttle ?? null),
      concurrent: spec.throttle?.concurrent ?? null,
      circuit: {
        failures: spec.circuit?.failures ?? DEFAULTS.circuitFailures,
        cooldownMs: spec.circuit?.cooldown ?? DEFAULTS.circuitCooldownMs,
        probeIntervalMs: spec.circuit?.probeInterval ?? DEFAULTS.circuitProbeIntervalMs,
      },
    },
  };
}

/**
 * A digest of what a connection was built from: its section of the file (after environment
 * substitution) and its integration's data (a code integration's functions are not in it).
 * Two loads give the same digest when nothing about the connection changed.
 */
function connectionFingerprint(spec: ConnectionFile, integration: Integration): string {
  let integrationData: string;
  try {
    integrationData = JSON.stringify(integration);
  } catch {
    integrationData = integration.id; // not plain data (a cycle): its id stands for it
  }
  return createHash('sha256').update(JSON.stringify(spec)).update('\0').update(integrationData).digest('hex');
}

function webhookAuth(integration: Integration, webhook: ConnectionFile['webhook'], problem: (message: string) => void): ConnectionConfig['auth'] | null {
  if (webhook.apiKey !== undefined) return { kind: 'key', digest: secretDigest(webhook.apiKey) };
  let spec: VerifySpec;
  if (webhook.verify) spec = webhook.verify;
  else if (integration.verifyScheme) spec = { scheme: integration.verifyScheme, secret: webhook.secret! } as VerifySpec;
  else {
    problem(`integration ${integration.id} has no signature scheme of its own: use webhook.verify: { scheme: …, secret: … } or webhook.apiKey`);
    return null;
  }
  return { kind: 'signature', scheme: spec.scheme, verifier: compileVerifier(spec) };
}

/** The headers stored as "[redacted]" on a connection (see ConnectionConfig.redactHeaders). */
function credentialHeaders(webhook: ConnectionFile['webhook'], keySource: FieldSource | undefined): ReadonlySet<string> {
  const names = new Set<string>(ALWAYS_REDACTED);
  // A key in a header: the receiver definition's auth field, or the apikey scheme's header.
  if (webhook.apiKey !== undefined && keySource?.from === 'header') names.add(keySource.name.toLowerCase());
  if (webhook.verify?.scheme === 'apikey') names.add((webhook.verify.header ?? 'authorization').toLowerCase());
  for (const name of webhook.redact ?? []) names.add(name.toLowerCase());
  return names;
}
