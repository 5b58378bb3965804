/**
 * The receiver definition, compiled: reads hook names, external ids and the auth token out of
 * a hook. Pure apart from JSONata's evaluation being asynchronous.
 */
import { compileExpression, evaluateExpression, ExpressionError, type Expression } from '../expressions/jsonata.js';
import type { FieldSource, ReceiverDefinition } from '../integrations/types.js';

export interface CompiledField {
  source: FieldSource;
  path?: Expression;
  /** `id` or `data.id`: read by walking objects, without JSONata (same result, a tenth of the time). */
  simplePath?: string[];
  expression?: Expression;
}

const SIMPLE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Words JSONata reads as operators or literals, not as field names. */
const JSONATA_WORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

function simplePathOf(path: string): string[] | undefined {
  if (!SIMPLE_PATH.test(path)) return undefined;
  const parts = path.split('.');
  return parts.some((part) => JSONATA_WORDS.has(part)) ? undefined : parts;
}

const FALL_BACK = Symbol('fall back to JSONata');

/** Walks plain objects only; anything JSONata would treat specially (arrays) falls back to it. */
function walk(value: unknown, parts: readonly string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (current === undefined || current === null) return undefined;
    if (typeof current !== 'object' || Array.isArray(current)) return typeof current === 'object' ? FALL_BACK : undefined;
    current = Object.hasOwn(current, part) ? (current as Record<string, unknown>)[part] : undefined;
  }
  return Array.isArray(current) ? FALL_BACK : current;
}

export interface CompiledReceiver {
  definition: ReceiverDefinition;
  preprocess?: Expression;
  multiple?: Expression;
  hook: CompiledField;
  externalId: CompiledField;
  auth: CompiledField;
  /** Where the element carries the whole record, and its version (payload records). */
  record?: { path: CompiledField; version?: Expression };
  /** Whether checking the credential needs the parsed body (slower ingest path). */
  authReadsBody: boolean;
}

export interface CompileProblem {
  /** Dotted path inside the receiver definition, e.g. `hook.expression`. */
  path: string;
  message: string;
}

export function compileField(
  source: FieldSource,
  name: string,
  problems: CompileProblem[],
): CompiledField {
  const field: CompiledField = { source };
  if (source.from === 'body') {
    field.simplePath = simplePathOf(source.path);
    try {
      field.path = compileExpression(source.path);
    } catch (error) {
      problems.push({ path: `${name}.path`, message: (error as Error).message });
    }
  }
  if (source.expression !== undefined) {
    try {
      field.expression = compileExpression(source.expression);
    } catch (error) {
      problems.push({ path: `${name}.expression`, message: (error as Error).message });
    }
  }
  return field;
}

function compileOptional(source: string | undefined, name: string, problems: CompileProblem[]): Expression | undefined {
  if (source === undefined) return undefined;
  try {
    return compileExpression(source);
  } catch (error) {
    problems.push({ path: name, message: (error as Error).message });
    return undefined;
  }
}

/** Compiles every expression of the definition; reports every problem, not just the first. */
export function compileReceiver(
  definition: ReceiverDefinition,
): { receiver: CompiledReceiver; problems: [] } | { receiver: null; problems: CompileProblem[] } {
  const problems: CompileProblem[] = [];
  const receiver: CompiledReceiver = {
    definition,
    preprocess: compileOptional(definition.preprocess, 'preprocess', problems),
    multiple: compileOptional(definition.multiple, 'multiple', problems),
    hook: compileField(definition.hook, 'hook', problems),
    externalId: compileField(definition.externalId, 'externalId', problems),
    auth: compileField(definition.auth, 'auth', problems),
    authReadsBody: definition.auth.from === 'body' || definition.auth.expression !== undefined,
  };
  if (definition.record) {
    const path = compileField({ from: 'body', path: definition.record.path }, 'record', problems);
    receiver.record = { path, version: compileOptional(definition.record.version, 'record.version', problems) };
  }
  if (definition.auth.from === 'static') {
    problems.push({ path: 'auth.from', message: 'the credential cannot be static; read it from a header, the body or the URL' });
  }
  return problems.length > 0 ? { receiver: null, problems } : { receiver, problems: [] };
}

/** What a field reads from. `body` is the body after preprocessing. */
export interface FieldContext {
  body: unknown;
  element: unknown;
  headers: Record<string, string>;
  segments: string[];
  hook?: string | null;
}

function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // JSONata returns a sequence for a path that matched several values; take none of them.
  return null;
}

/** Reads one field; null when it is absent. Throws ExpressionError when an expression fails. */
export async function readField(field: CompiledField, ctx: FieldContext): Promise<string | null> {
  return asText(await readRaw(field, ctx));
}

/** Reads one field as it is (an object stays an object). */
export async function readRaw(field: CompiledField, ctx: FieldContext): Promise<unknown> {
  const { source } = field;
  let raw: unknown;
  switch (source.from) {
    case 'header':
      raw = ctx.headers[source.name.toLowerCase()];
      break;
    case 'url':
      raw = ctx.segments[source.segment];
      break;
    case 'static':
      raw = source.value;
      break;
    case 'body': {
      const walked = field.simplePath ? walk(ctx.element, field.simplePath) : FALL_BACK;
      raw = walked === FALL_BACK ? await evaluateExpression(field.path!, ctx.element, bindingsOf(ctx), source.path) : walked;
      break;
    }
  }
  if (source.prefix !== undefined && typeof raw === 'string' && raw.startsWith(source.prefix)) {
    raw = raw.slice(source.prefix.length);
  }
  if (field.expression) {
    raw = await evaluateExpression(field.expression, raw, bindingsOf(ctx), source.expression!);
  }
  return raw;
}

function bindingsOf(ctx: FieldContext): Record<string, unknown> {
  return { body: ctx.body, element: ctx.element, url: ctx.segments, headers: ctx.headers, hook: ctx.hook ?? undefined };
}

export { ExpressionError };
