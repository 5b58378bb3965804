/**
 * Load-time checks of an `api` section beyond its schema: every template names values it can
 * have, every JSONata expression compiles, a find sends the value it looks for. Each problem
 * carries its path in the integration file, like every other config problem.
 */
import { compileExpression, ExpressionError } from '../../expressions/jsonata.js';
import type { ApiSpec, OperationName, RequestSpec } from './schema.js';
import { parseTemplate, templateVariables, unknownVariable } from './template.js';

export interface ApiProblem {
  path: (string | number)[];
  message: string;
}

/** The request values each operation's templates may use, beyond settings and presets. */
export const OPERATION_VARIABLES: Record<OperationName, readonly string[]> = {
  get: ['externalId'],
  list: [],
  find: ['field', 'value'],
  create: [],
  update: ['externalId'],
  delete: ['externalId'],
  poll: ['cursor', 'cursor.<key>'],
};

/** Where an operation's answer keeps things: JSONata, checked to compile. */
const SELECTORS = ['record', 'records', 'id', 'total', 'cursor', 'more', 'body'] as const;

export function checkApi(api: ApiSpec): ApiProblem[] {
  const problems: ApiProblem[] = [];
  const template = (source: string, allowed: readonly string[], path: (string | number)[]) => {
    const problem = unknownVariable(parseTemplate(source), allowed);
    if (problem) problems.push({ path, message: problem });
  };
  const expression = (source: string, path: (string | number)[]) => {
    try {
      compileExpression(source);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push({ path, message: `not a valid JSONata expression: ${error.message}` });
    }
  };

  template(api.baseUrl, [], ['api', 'baseUrl']);
  for (const [name, value] of Object.entries(api.headers ?? {})) template(value, [], ['api', 'headers', name]);
  if (api.auth) {
    for (const [key, value] of Object.entries(api.auth)) {
      if (key !== 'kind' && key !== 'in' && key !== 'name' && key !== 'clientAuth' && typeof value === 'string') template(value, [], ['api', 'auth', key]);
    }
  }

  for (const [type, operations] of Object.entries(api.types)) {
    for (const [name, spec] of Object.entries(operations ?? {}) as Array<[OperationName, RequestSpec & Record<string, unknown>]>) {
      if (!spec) continue;
      const at = (...rest: (string | number)[]) => ['api', 'types', type, name, ...rest];
      const allowed = OPERATION_VARIABLES[name];
      template(spec.path, allowed, at('path'));
      const sent: string[] = templateVariables(parseTemplate(spec.path));
      for (const [key, value] of Object.entries(spec.query ?? {})) {
        template(key, allowed, at('query', key));
        template(value, allowed, at('query', key));
        sent.push(...templateVariables(parseTemplate(key)), ...templateVariables(parseTemplate(value)));
      }
      for (const [key, value] of Object.entries(spec.headers ?? {})) template(value, allowed, at('headers', key));
      for (const key of SELECTORS) {
        if (typeof spec[key] === 'string') expression(spec[key] as string, at(key));
      }
      const paging = (spec as { paging?: { kind: string; next?: string } }).paging;
      if (paging?.kind === 'cursor' && paging.next) expression(paging.next, at('paging', 'next'));
      if (name === 'find' && !sent.includes('value')) {
        problems.push({ path: at(), message: 'a find must send the value it looks for: put {value} in its path or query (e.g. query: { sku: "{value}" })' });
      }
    }
  }
  return problems;
}
