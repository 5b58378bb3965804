/**
 * Finds integrations by id (built-in code integrations) or by file path (declarative YAML
 * integrations, read relative to the configuration file).
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { integrationFileSchema, type TypeDeclarationsSpec } from './schema.js';
import { STANDARD_RECEIVER, defaultParentId, type Integration, type ParentDeclaration } from './types.js';
import { acmeErp } from './acme-erp/index.js';
import { storefront } from './storefront/index.js';

export const BUILTIN_INTEGRATIONS: ReadonlyMap<string, Integration> = new Map([
  [storefront.id, storefront],
  [acmeErp.id, acmeErp],
]);

/** True when the reference names a file rather than a registered id. */
export function isIntegrationFile(reference: string): boolean {
  return /\.ya?ml$/i.test(reference) || reference.includes('/');
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
  const integration: Integration = {
    id: spec.id,
    title: spec.title ?? spec.id,
    scopes: spec.scopes.map((s) => ({ scope: s.scope, hooks: s.hooks ?? [s.scope], description: s.description })),
    presets: spec.presets ?? [],
    ...declaredTypes(spec.types ?? {}),
    receiver: spec.receiver ? { ...spec.receiver, auth: spec.receiver.auth ?? STANDARD_RECEIVER.auth } : STANDARD_RECEIVER,
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

export function findIntegration(
  reference: string,
  configDir: string,
): { integration: Integration; problems: [] } | { integration: null; problems: IntegrationProblem[] } {
  if (isIntegrationFile(reference)) {
    return loadIntegrationFile(resolvePath(configDir, reference));
  }
  const builtin = BUILTIN_INTEGRATIONS.get(reference);
  if (builtin) return { integration: builtin, problems: [] };
  const known = [...BUILTIN_INTEGRATIONS.keys()].join(', ');
  return {
    integration: null,
    problems: [{ path: [], message: `no integration with id "${reference}" (built in: ${known}; or give a path to a .yaml file)` }],
  };
}
