/**
 * Finds integrations: by id (the built-in code integrations), by file path (declarative YAML
 * integrations, read relative to the configuration file), or by module file or package name
 * (code integrations from outside hookyard, imported beforehand by importIntegration, since
 * an import is asynchronous and this lookup is not).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { integrationFileSchema, type TypeDeclarationsSpec } from './schema.js';
import { checkApi } from './declarative/check.js';
import { apiMethods } from './declarative/operations.js';
import { catchAllPrerequisites } from './declarative/catch-all.js';
import { STANDARD_RECEIVER, defaultParentId, type Integration, type ParentDeclaration } from './types.js';
import { importIntegration, integrationFromModule, isModuleFile, isPackageName, type FoundIntegration } from './modules.js';
import * as acmeErpModule from './acme-erp/index.js';

/** Where the shipped declarative integrations are: one file per system, named by its id (shopify.yaml). */
export const PROVIDERS_DIR = fileURLToPath(new URL('./providers/', import.meta.url));

/**
 * The shipped integrations, by id: the code ones taken from their modules as an outside module's
 * would be, and the declarative files of PROVIDERS_DIR, each read as a user's file would be.
 */
export const BUILTIN_INTEGRATIONS: ReadonlyMap<string, Integration> = new Map([
  ...[acmeErpModule].map((namespace): [string, Integration] => {
    const found = integrationFromModule(namespace, 'a built-in integration');
    if (!found.integration) throw new Error(found.problems.map((p) => p.message).join('; '));
    return [found.integration.id, found.integration];
  }),
  ...shippedFiles(),
]);

function shippedFiles(): Array<[string, Integration]> {
  let names: string[];
  try {
    names = readdirSync(PROVIDERS_DIR).filter((name) => name.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const file = resolvePath(PROVIDERS_DIR, name);
    const found = loadIntegrationFile(file);
    if (!found.integration) {
      throw new Error(`shipped integration ${file}: ${found.problems.map((p) => `${p.path.join('.') || '(file)'}: ${p.message}`).join('; ')}`);
    }
    if (`${found.integration.id}.yaml` !== name) throw new Error(`shipped integration ${file} has id "${found.integration.id}": name the file after its id`);
    return [found.integration.id, found.integration];
  });
}

export type IntegrationReferenceKind = 'builtin' | 'yaml' | 'module' | 'package';

/**
 * What `integration:` names: a built-in id; a module file (.js, .mjs, .cjs, .ts, …); a package
 * name; otherwise a declarative file (.yaml, or any other path).
 */
export function integrationReferenceKind(reference: string): IntegrationReferenceKind {
  if (/\.ya?ml$/i.test(reference)) return 'yaml';
  if (isModuleFile(reference)) return 'module';
  if (BUILTIN_INTEGRATIONS.has(reference)) return 'builtin';
  if (!reference.startsWith('.') && isPackageName(reference)) return 'package';
  return 'yaml';
}

/** True when the reference names a file rather than a registered id. */
export function isIntegrationFile(reference: string): boolean {
  return integrationReferenceKind(reference) === 'yaml';
}

export interface IntegrationProblem {
  /** Path inside the integration file, empty for the file as a whole. */
  path: (string | number)[];
  message: string;
}

export function loadIntegrationFile(
  file: string,
): { integration: Integration; problems: [] } | { integration: null; problems: IntegrationProblem[] } {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    return { integration: null, problems: [{ path: [], message: `cannot read integration file ${file}: ${(error as Error).message}` }] };
  }
  const parsed = integrationFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      integration: null,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message })),
    };
  }
  const spec = parsed.data;
  const apiProblems: IntegrationProblem[] = spec.api ? checkApi(spec.api) : [];
  const routed = spec.prerequisites?.catchAll;
  if (routed) {
    const control = routed.type ?? 'message';
    if (!spec.scopes.some((s) => s.scope.startsWith(`${control}/`))) {
      apiProblems.push({
        path: ['prerequisites', 'catchAll', ...(routed.type ? ['type'] : [])],
        message: `the catch-all routes ${control} requests, but no scope of this file carries ${control}: declare one (e.g. ${control}/created) with the hooks that announce any record`,
      });
    }
  }
  if (apiProblems.length > 0) return { integration: null, problems: apiProblems };
  const scopes = spec.scopes.map((s) => ({ scope: s.scope, hooks: s.hooks ?? [s.scope], description: s.description }));
  const presets = spec.presets ?? [];
  const catchAll = spec.prerequisites?.catchAll;
  const integration: Integration = {
    id: spec.id,
    title: spec.title ?? spec.id,
    scopes,
    presets,
    ...declaredTypes(spec.types ?? {}),
    receiver: spec.receiver ? { ...spec.receiver, auth: spec.receiver.auth ?? STANDARD_RECEIVER.auth } : STANDARD_RECEIVER,
    ...(spec.verify ? { verifyScheme: spec.verify } : {}),
    ...(spec.api ? apiMethods(spec.id, spec.api) : {}),
    ...(spec.api?.rate ? { throttle: { calls: spec.api.rate.calls, perMs: spec.api.rate.per } } : {}),
    ...(catchAll
      ? {
          handlePrerequisites: catchAllPrerequisites(
            catchAll,
            spec.id,
            new Set(scopes.map((s) => s.scope)),
            presets.filter((p) => p.type !== undefined).map((p) => p.name),
          ),
        }
      : {}),
  };
  return { integration, problems: [] };
}

/** A file's `types`: their names, and a parent rule for each that has a parent. */
function declaredTypes(types: TypeDeclarationsSpec): Pick<Integration, 'types' | 'parents'> {
  const parents: ParentDeclaration[] = [];
  for (const [type, spec] of Object.entries(types)) {
    if (spec?.parent) parents.push({ type, parent: spec.parent, parentId: spec.parentId ?? defaultParentId(spec.parent) });
  }
  return { types: Object.keys(types), ...(parents.length > 0 ? { parents } : {}) };
}

/**
 * The integration a reference names. Module files and packages come from `imported` (see
 * importIntegration), keyed by the reference as written.
 */
export function findIntegration(
  reference: string,
  configDir: string,
  imported: ReadonlyMap<string, FoundIntegration> = new Map(),
): { integration: Integration; problems: [] } | { integration: null; problems: IntegrationProblem[] } {
  const kind = integrationReferenceKind(reference);
  if (kind === 'yaml') return loadIntegrationFile(resolvePath(configDir, reference));
  if (kind === 'builtin') return { integration: BUILTIN_INTEGRATIONS.get(reference)!, problems: [] };
  const found = imported.get(reference);
  if (found) return found;
  const message =
    kind === 'module'
      ? `the module ${reference} is imported only by loadConfig(), which loads the configuration asynchronously`
      : `no integration with id "${reference}" built in (${builtinIds()}); a package of that name is imported only by loadConfig(), which loads the configuration asynchronously`;
  return { integration: null, problems: [{ path: [], message }] };
}

function builtinIds(): string {
  return [...BUILTIN_INTEGRATIONS.keys()].join(', ');
}

/**
 * Imports what `integration:` names when it is a module file or a package; null for the kinds
 * findIntegration finds by itself.
 */
export async function importIntegrationReference(reference: string, configDir: string): Promise<FoundIntegration | null> {
  const kind = integrationReferenceKind(reference);
  if (kind !== 'module' && kind !== 'package') return null;
  return importIntegration(reference, configDir, builtinIds());
}
