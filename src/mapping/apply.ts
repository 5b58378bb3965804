/**
 * Runs a compiled collection over one source record. Pure apart from JSONata's evaluation being
 * asynchronous: no I/O, inputs are never modified, and results are plain JSON (see toJson).
 */
import { evaluateExpression, ExpressionError } from '../expressions/jsonata.js';
import type { CompiledCollection, CompiledExpression, CompiledField } from './compile.js';
import { NotJsonError, preview, setOwn, toJson, type JsonValue } from './json.js';

export interface MappingVars {
  connection: string;
  presets: Readonly<Record<string, string>>;
  /** The current hub record's data; null when there is none (yet). Bound as `$hub`. */
  hub: Readonly<Record<string, unknown>> | null;
}

export type MappingErrorCode = 'HY_ERR_MAPPING_EXPRESSION' | 'HY_ERR_MAPPING_LOOKUP';

export interface MappingError {
  kind: 'error';
  code: MappingErrorCode;
  message: string;
}

export type MappingResult =
  | { kind: 'mapped'; record: Record<string, unknown> }
  | { kind: 'filtered'; reason: string }
  | MappingError;

export type DeleteMappingResult =
  | { kind: 'mapped'; record: Record<string, unknown> }
  | { kind: 'delete' }
  | { kind: 'none' }
  | MappingError;

/** Thrown inside this module only; turned into a MappingError at the edge of each call. */
class FieldFailure extends Error {
  constructor(readonly code: MappingErrorCode, message: string) {
    super(message);
  }
}

/** Maps `source` (the external record for to_hub, the hub record for from_hub). */
export async function applyMapping(collection: CompiledCollection, source: unknown, vars: MappingVars): Promise<MappingResult> {
  const bindings = bindingsFor(source, vars);
  try {
    if (collection.filter) {
      const verdict = await evaluate(collection.filter, source, bindings, 'filter');
      if (!truthy(verdict)) {
        return { kind: 'filtered', reason: `filter ${JSON.stringify(collection.filter.source)} gave ${preview(verdict)}` };
      }
    }
    return { kind: 'mapped', record: await buildRecord(collection.fields, source, bindings) };
  } catch (error) {
    return failure(error);
  }
}

/**
 * What a delete request of the collection's type becomes: for delete_triggered_update, the
 * delete fields evaluated over an empty source (`$hub` is the record being deleted).
 */
export async function applyDeleteMapping(collection: CompiledCollection, vars: MappingVars): Promise<DeleteMappingResult> {
  const spec = collection.delete;
  if (!spec) return { kind: 'none' };
  if (spec.sync === 'delete') return { kind: 'delete' };
  const source = {};
  try {
    return { kind: 'mapped', record: await buildRecord(spec.fields, source, bindingsFor(source, vars)) };
  } catch (error) {
    return failure(error);
  }
}

function bindingsFor(source: unknown, vars: MappingVars): Record<string, unknown> {
  return { record: source, hub: vars.hub, connection: vars.connection, presets: vars.presets };
}

function failure(error: unknown): MappingError {
  // Anything else is a bug in this module, not a mapping problem: let it surface as one.
  if (!(error instanceof FieldFailure)) throw error;
  return { kind: 'error', code: error.code, message: error.message };
}

/** Fields in the order written; the first failure ends the record (one error per record). */
async function buildRecord(
  fields: readonly CompiledField[],
  source: unknown,
  bindings: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const record: Record<string, unknown> = {};
  for (const field of fields) {
    const value = await fieldValue(field, source, bindings);
    if (value !== undefined) place(record, field.segments, value);
  }
  return record;
}

async function fieldValue(
  field: CompiledField,
  source: unknown,
  bindings: Record<string, unknown>,
): Promise<JsonValue | undefined> {
  const name = `field "${field.target}"`;
  switch (field.kind) {
    case 'static':
      return toJson(field.value); // a copy: a caller editing the record must not edit the config
    case 'path':
    case 'formula': {
      const raw = await evaluate(field.expr, source, bindings, `${name}: ${field.kind}`);
      try {
        return toJson(raw);
      } catch (error) {
        if (!(error instanceof NotJsonError)) throw error;
        throw new FieldFailure(
          'HY_ERR_MAPPING_EXPRESSION',
          `${name}: ${field.kind} ${JSON.stringify(field.expr.source)} gave ${error.found}, which is not a JSON value`,
        );
      }
    }
    case 'lookup':
      return lookup(field, await evaluate(field.expr, source, bindings, `${name}: lookup`));
  }
}

function lookup(field: Extract<CompiledField, { kind: 'lookup' }>, raw: unknown): JsonValue {
  const where = `field "${field.target}": lookup ${JSON.stringify(field.expr.source)}`;
  if (raw !== null && typeof raw === 'object') {
    const what = Array.isArray(raw) ? 'a list' : 'an object';
    throw new FieldFailure('HY_ERR_MAPPING_LOOKUP', `${where} found ${what} (${preview(raw)}); a lookup needs one string, number or boolean`);
  }
  // Table keys are strings (YAML turns `true:` and `12:` into "true" and "12"), so the value is
  // compared as one; null as "null" so that a `null:` entry can translate it.
  const key = raw === undefined ? undefined : String(raw);
  if (key !== undefined && field.table.has(key)) return toJson(field.table.get(key)) ?? null;
  // A missing value is no match either: the default applies, or it is an error like any other.
  if (field.fallback) return toJson(field.fallback.value) ?? null;
  const keys = [...field.table.keys()];
  const listed = keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, … (${keys.length} in all)` : keys.join(', ');
  throw new FieldFailure(
    'HY_ERR_MAPPING_LOOKUP',
    `${where} found ${key === undefined ? 'no value' : preview(key)}, which is not in the table (${listed || 'empty'}) and there is no default`,
  );
}

async function evaluate(
  compiled: CompiledExpression,
  source: unknown,
  bindings: Record<string, unknown>,
  what: string,
): Promise<unknown> {
  try {
    return await evaluateExpression(compiled.expression, source, bindings, compiled.source);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw new FieldFailure('HY_ERR_MAPPING_EXPRESSION', `${what} ${JSON.stringify(compiled.source)} failed: ${error.message}`);
  }
}

/** Writes `value` at the dotted target, creating the objects on the way. */
function place(record: Record<string, unknown>, segments: readonly string[], value: JsonValue): void {
  let node = record;
  for (const segment of segments.slice(0, -1)) {
    let next = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (next === undefined) {
      next = {};
      setOwn(node, segment, next);
    }
    node = next as Record<string, unknown>; // the schema refuses a target inside another, so this is an object we made
  }
  setOwn(node, segments[segments.length - 1]!, value);
}

/** JSONata's own boolean cast ($boolean), so a filter means what it would inside an expression. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(truthy);
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'boolean':
      return value;
    case 'object':
      return !('_jsonata_function' in value || '_jsonata_lambda' in value) && Object.keys(value).length > 0;
    default:
      return false;
  }
}
