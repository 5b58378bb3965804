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

/** Evaluates with `$` = input and each binding as `$name`; throws ExpressionError. */
export async function evaluateExpression(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  source: string,
): Promise<unknown> {
  try {
    return await expression.evaluate(input, bindings);
  } catch (error) {
    throw new ExpressionError(source, describe(error).message);
  }
}
