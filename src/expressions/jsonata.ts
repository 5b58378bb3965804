/**
 * JSONata expressions, compiled once per source text and cached: a config load compiles every
 * expression it names, and the hot paths only evaluate.
 */
import jsonata from 'jsonata';

export type Expression = jsonata.Expression;

const cache = new Map<string, Expression>();

export class ExpressionError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

function describe(error: unknown): { message: string; position?: number } {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { message: string; position?: number };
    return { message: e.message, position: e.position };
  }
  return { message: String(error) };
}

/** Compiles (or returns the cached) expression; throws ExpressionError with the position. */
export function compileExpression(source: string): Expression {
  const hit = cache.get(source);
  if (hit) return hit;
  let compiled: Expression;
  try {
    compiled = jsonata(source);
  } catch (error) {
    const { message, position } = describe(error);
    throw new ExpressionError(source, position === undefined ? message : `${message} (at ${position})`, position);
  }
  cache.set(source, compiled);
  return compiled;
}

/** Names JSONata reads as something other than a field. */
const NOT_FIELDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'and', 'or', 'in']);
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const plainPaths = new Map<string, readonly string[] | null>();

/** The field names of a plain path (`updated_at`, `order.id`), or null for anything else. */
function plainPath(source: string): readonly string[] | null {
  let steps = plainPaths.get(source);
  if (steps === undefined) {
    const trimmed = source.trim();
    steps = PLAIN_PATH.test(trimmed) && !trimmed.split('.').some((step) => NOT_FIELDS.has(step)) ? trimmed.split('.') : null;
    if (plainPaths.size < 10_000) plainPaths.set(source, steps);
  }
  return steps;
}

const NOT_FOUND = Symbol('not a plain lookup');

/**
 * A plain path over plain objects to a plain value: what JSONata would answer, without its
 * evaluator (a receiver reads such a path for every hook). Anything else — an array on the way,
 * an object or array at the end, where JSONata's sequence rules apply — is left to JSONata.
 */
function lookUp(steps: readonly string[], input: unknown): unknown {
  let value = input;
  for (const step of steps) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value === undefined ? undefined : NOT_FOUND;
    value = Object.prototype.hasOwnProperty.call(value, step) ? (value as Record<string, unknown>)[step] : undefined;
  }
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === undefined ? value : NOT_FOUND;
}

/** Evaluates with `$` = input and each binding as `$name`; throws ExpressionError. */
export async function evaluateExpression(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  source: string,
): Promise<unknown> {
  const steps = plainPath(source);
  if (steps !== null) {
    const found = lookUp(steps, input);
    if (found !== NOT_FOUND) return found;
  }
  try {
    return await expression.evaluate(input, bindings);
  } catch (error) {
    throw new ExpressionError(source, describe(error).message);
  }
}
