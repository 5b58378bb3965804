/**
 * `defineIntegration`: how a code integration is written, inside hookyard or in its own file or
 * package. It fills what an integration may leave out, so that a module exporting a plain object
 * and one calling this helper load the same way (the loader completes both).
 */
import { parseScopeName } from '../domain/scope.js';
import { STANDARD_RECEIVER, type FieldSource, type Integration, type ReceiverDefinition, type ScopeDeclaration } from './types.js';

/** An integration as written: title, presets, scope hook names and the receiver have defaults. */
export type IntegrationDefinition = Omit<Integration, 'title' | 'presets' | 'receiver' | 'scopes'> & {
  /** Defaults to the id. */
  title?: string;
  presets?: Integration['presets'];
  /** Without it, the standard receiver; with it, only `auth` defaults (to the bearer header). */
  receiver?: Omit<ReceiverDefinition, 'auth'> & { auth?: FieldSource };
  /** `hooks` defaults to the scope name itself. */
  scopes: Array<Omit<ScopeDeclaration, 'hooks'> & { hooks?: string[] }>;
};

/** The integration with its defaults filled in; the identity for type checking otherwise. */
export function defineIntegration(definition: IntegrationDefinition): Integration {
  if (isComplete(definition)) return definition; // so the registry holds the very object a module exports
  const receiver = definition.receiver
    ? { ...definition.receiver, auth: definition.receiver.auth ?? STANDARD_RECEIVER.auth }
    : STANDARD_RECEIVER;
  return {
    ...definition,
    title: definition.title ?? definition.id,
    presets: definition.presets ?? [],
    receiver,
    scopes: definition.scopes.map((s) => ({ ...s, hooks: s.hooks ?? [s.scope] })),
  };
}

function isComplete(definition: IntegrationDefinition): definition is Integration {
  return (
    definition.title !== undefined &&
    definition.presets !== undefined &&
    definition.receiver?.auth !== undefined &&
    definition.scopes.every((s) => s.hooks !== undefined)
  );
}

/** The methods an integration may have; anything else by these names is a mistake. */
const METHODS = ['get', 'create', 'update', 'find', 'delete', 'poll', 'list', 'handlePrerequisites', 'handlePostActions'] as const;

/**
 * What is wrong with a value a module exports as its integration, one message per mistake;
 * empty when it is one. Structural only: the configuration loader checks the rest (scope
 * names unique, presets, receiver expressions) as for every integration.
 */
export function integrationShapeProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [`is ${value === null ? 'null' : typeof value}, not an integration object`];
  const candidate = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof candidate.id !== 'string' || candidate.id === '') problems.push('has no id (a non-empty string)');
  if (!Array.isArray(candidate.scopes) || candidate.scopes.length === 0) problems.push('has no scopes (a non-empty array of { scope, description, hooks? })');
  else {
    candidate.scopes.forEach((declaration: unknown, i) => {
      const scope = (declaration as { scope?: unknown } | null)?.scope;
      if (typeof scope !== 'string' || !parseScopeName(scope)) problems.push(`scopes[${i}].scope must be "type/action" with a known data type and action (e.g. product/updated)`);
    });
  }
  for (const method of METHODS) {
    if (candidate[method] !== undefined && typeof candidate[method] !== 'function') problems.push(`${method} must be a function`);
  }
  return problems;
}
