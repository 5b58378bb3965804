/**
 * Code integrations from outside hookyard: a module file named relative to the configuration
 * (`./integrations/crm.mjs`) or an installed npm package (`hookyard-crm`, `@acme/hookyard-crm`),
 * loaded by dynamic import. The module's default export is the integration; without one, its
 * named export `integration`. The built-in integrations are modules of the same shape.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineIntegration, integrationShapeProblems, type IntegrationDefinition } from './define.js';
import type { Integration } from './types.js';

export type FoundIntegration = { integration: Integration; problems: [] } | { integration: null; problems: Array<{ path: []; message: string }> };

const MODULE_FILE = /\.[cm]?[jt]s$/i;
const TYPESCRIPT_FILE = /\.[cm]?ts$/i;
// npm's rules for a package name, with an optional @scope/.
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

/** A file of JavaScript (or TypeScript, under a loader) to import. */
export function isModuleFile(reference: string): boolean {
  return MODULE_FILE.test(reference);
}

/** A bare npm package name, looked up in node_modules from the configuration's folder up. */
export function isPackageName(reference: string): boolean {
  return PACKAGE_NAME.test(reference);
}

function failed(message: string): FoundIntegration {
  return { integration: null, problems: [{ path: [], message }] };
}

/** The integration a module exports: `default`, else `integration`, completed by defineIntegration. */
export function integrationFromModule(namespace: Record<string, unknown>, source: string): FoundIntegration {
  const exported = namespace.default ?? namespace.integration;
  if (exported === undefined) {
    const names = Object.keys(namespace).join(', ') || 'nothing';
    return failed(`${source} exports no integration: export it as default or as "integration" (it exports ${names})`);
  }
  const problems = integrationShapeProblems(exported);
  if (problems.length > 0) return { integration: null, problems: problems.map((problem) => ({ path: [], message: `${source}: the integration ${problem}` })) };
  return { integration: defineIntegration(exported as IntegrationDefinition), problems: [] };
}

async function importFile(file: string, source: string): Promise<FoundIntegration> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && TYPESCRIPT_FILE.test(file)) {
      return failed(
        `${source} is TypeScript and this Node.js runs no TypeScript loader: compile it to .js, or run hookyard with one (NODE_OPTIONS="--import tsx" npx hookyard …, after npm install tsx)`,
      );
    }
    return failed(`cannot load ${source}: ${(error as Error).message}`);
  }
  return integrationFromModule(namespace, source);
}

/**
 * The file `import` would load for a package, following the `exports` conditions Node.js applies
 * to an import (`import`, `node`, `default`, in the package's own order), else `main`, else
 * index.js.
 */
export function packageEntry(manifest: { exports?: unknown; main?: unknown }): string {
  const fromExports = exportTarget(manifest.exports);
  if (fromExports) return fromExports;
  return typeof manifest.main === 'string' ? manifest.main : 'index.js';
}

const IMPORT_CONDITIONS = new Set(['import', 'node', 'default']);

function exportTarget(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = exportTarget(item);
      if (target) return target;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = Object.entries(value);
  if (entries.some(([key]) => key.startsWith('.'))) return exportTarget((value as Record<string, unknown>)['.']);
  for (const [condition, target] of entries) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const found = exportTarget(target);
    if (found) return found;
  }
  return null;
}

/** `node_modules/NAME` in the folder or the nearest of its parents that has it. */
function findPackageDir(name: string, fromDir: string): string | null {
  for (let dir = resolvePath(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Imports the integration a module file (relative to `configDir`) or an installed package
 * exports. `builtinIds` lists the built-in ids for the message when no such package is installed.
 */
export async function importIntegration(reference: string, configDir: string, builtinIds = ''): Promise<FoundIntegration> {
  if (isModuleFile(reference)) {
    const file = resolvePath(configDir, reference);
    if (!existsSync(file)) return failed(`no integration module at ${file}`);
    return importFile(file, reference);
  }
  const packageDir = findPackageDir(reference, configDir);
  if (!packageDir) {
    return failed(
      `no integration with id "${reference}": none is built in (${builtinIds}), and no package "${reference}" is in node_modules from ${configDir} upwards (npm install it next to the configuration); or give a path to a .yaml or .js file`,
    );
  }
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as typeof manifest;
  } catch (error) {
    return failed(`cannot read ${join(packageDir, 'package.json')}: ${(error as Error).message}`);
  }
  return importFile(resolvePath(packageDir, packageEntry(manifest)), `package ${reference}`);
}
