/** Shared by the mapping tests: YAML as a user writes it → schema → compiled collections. */
import { parse as parseYaml } from 'yaml';
import type { DataType, Direction } from '../../src/domain/types.js';
import {
  collectionFor,
  compileMappings,
  mappingsSchema,
  type CompiledCollection,
  type CompiledMappings,
  type MappingVars,
} from '../../src/mapping/index.js';

/** `path: message` for each issue, the way the config loader prints them. */
export function issuesOf(yaml: string): string[] {
  const result = mappingsSchema.safeParse(parseYaml(yaml));
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

export function compileYaml(yaml: string): CompiledMappings {
  const spec = mappingsSchema.parse(parseYaml(yaml));
  const compiled = compileMappings(spec);
  if (!compiled.mappings) throw new Error(`compile problems: ${JSON.stringify(compiled.problems)}`);
  return compiled.mappings;
}

export function collectionOf(yaml: string, type: DataType = 'product', direction: Direction = 'to_hub'): CompiledCollection {
  const collection = collectionFor(compileYaml(yaml), type, direction);
  if (!collection) throw new Error(`no ${type}.${direction} collection`);
  return collection;
}

export const VARS: MappingVars = { connection: 'shop', presets: { prefix: 'SH-' }, hub: null };
