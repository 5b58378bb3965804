/**
 * Compiles a parsed mappings block once, at config load: every JSONata expression goes through
 * the shared compile cache, and every problem is reported with its dotted path inside the block
 * (`product.to_hub.fields.price.formula`), not only the first.
 */
import type { DataType, Direction } from '../domain/types.js';
import { compileExpression, type Expression } from '../expressions/jsonata.js';
import type { JsonValue } from './json.js';
import type {
  CollisionMode,
  DeleteFieldSpec,
  DeleteSyncMode,
  FieldMappingSpec,
  MappingCollectionSpec,
  MappingsSpec,
  OnDeletedMode,
  SyncMode,
} from './schema.js';

export interface CompiledExpression {
  /** The text as written, for messages. */
  source: string;
  expression: Expression;
}

interface Target {
  /** The key as written, e.g. `address.city`. */
  target: string;
  /** `target` split on dots: where the value goes in the built record. */
  segments: readonly string[];
}

export type CompiledField = Target &
  (
    | { kind: 'path' | 'formula'; expr: CompiledExpression }
    | { kind: 'static'; value: JsonValue }
    | {
        kind: 'lookup';
        expr: CompiledExpression;
        /** A Map, not the object: a value such as "constructor" must not find Object's prototype. */
        table: ReadonlyMap<string, JsonValue>;
        /** Boxed so that a default of null is told apart from no default. */
        fallback: { value: JsonValue } | null;
      }
  );

export interface CompiledDelete {
  sync: DeleteSyncMode;
  /** Empty for sync `delete`. */
  fields: readonly CompiledField[];
}

export interface CompiledCollection {
  type: DataType;
  direction: Direction;
  sync: SyncMode;
  /** A key of `fields`, null when not given. to_hub: the hub field collisions match on; from_hub: the destination field looked up before creating. */
  match: string | null;
  /** `error` when not given. */
  collision: CollisionMode;
  filter: CompiledExpression | null;
  /** In the order written. */
  fields: readonly CompiledField[];
  delete: CompiledDelete | null;
  /** from_hub: a change to a record the destination deleted is skipped (default) or creates it anew. */
  onDeleted: OnDeletedMode;
}

export interface CompiledMappings {
  readonly collections: ReadonlyMap<`${DataType}.${Direction}`, CompiledCollection>;
}

export interface MappingProblem {
  /** Dotted path inside the mappings block. */
  path: string;
  message: string;
}

const EMPTY: CompiledMappings = { collections: new Map() };

/** The compiled collection for one type and direction; undefined when none is configured. */
export function collectionFor(
  mappings: CompiledMappings,
  type: DataType,
  direction: Direction,
): CompiledCollection | undefined {
  return mappings.collections.get(`${type}.${direction}`);
}

/** Compiles `spec`, which must be mappingsSchema's output (the schema checks the structure). */
export function compileMappings(
  spec: MappingsSpec | undefined,
): { mappings: CompiledMappings; problems: [] } | { mappings: null; problems: MappingProblem[] } {
  if (spec === undefined) return { mappings: EMPTY, problems: [] };
  const problems: MappingProblem[] = [];
  const collections = new Map<`${DataType}.${Direction}`, CompiledCollection>();
  for (const [type, block] of Object.entries(spec) as [DataType, NonNullable<MappingsSpec[DataType]>][]) {
    for (const direction of ['to_hub', 'from_hub'] as const) {
      const collection = block[direction];
      if (!collection) continue;
      const compiled = compileCollection(collection, type, direction, `${type}.${direction}`, problems);
      collections.set(`${type}.${direction}`, compiled);
    }
  }
  return problems.length > 0 ? { mappings: null, problems } : { mappings: { collections }, problems: [] };
}

function compileCollection(
  spec: MappingCollectionSpec,
  type: DataType,
  direction: Direction,
  at: string,
  problems: MappingProblem[],
): CompiledCollection {
  return {
    type,
    direction,
    sync: spec.sync,
    match: spec.match ?? null,
    collision: spec.collision ?? 'error',
    filter: spec.filter === undefined ? null : compile(spec.filter, `${at}.filter`, problems),
    fields: compileFields(spec.fields ?? {}, `${at}.fields`, problems),
    delete: spec.delete
      ? { sync: spec.delete.sync, fields: compileFields(spec.delete.fields ?? {}, `${at}.delete.fields`, problems) }
      : null,
    onDeleted: spec.on_deleted ?? 'skip',
  };
}

function compileFields(
  fields: Record<string, FieldMappingSpec | DeleteFieldSpec>,
  at: string,
  problems: MappingProblem[],
): CompiledField[] {
  return Object.entries(fields).map(([target, spec]) => {
    const base: Target = { target, segments: target.split('.') };
    const here = `${at}.${target}`;
    if (typeof spec === 'string') return { ...base, kind: 'path', expr: compile(spec, here, problems) };
    if ('formula' in spec) return { ...base, kind: 'formula', expr: compile(spec.formula, `${here}.formula`, problems) };
    if ('static' in spec) return { ...base, kind: 'static', value: spec.static };
    return {
      ...base,
      kind: 'lookup',
      expr: compile(spec.lookup, `${here}.lookup`, problems),
      table: new Map(Object.entries(spec.table)),
      fallback: spec.default === undefined ? null : { value: spec.default },
    };
  });
}

/**
 * Compiles one expression, recording a problem when it fails. The placeholder returned then is
 * never evaluated: a failed compile makes compileMappings return no mappings at all.
 */
function compile(source: string, path: string, problems: MappingProblem[]): CompiledExpression {
  try {
    return { source, expression: compileExpression(source) };
  } catch (error) {
    problems.push({ path, message: (error as Error).message });
    return { source, expression: undefined as unknown as Expression };
  }
}
