import { SCOPE_ACTIONS, type DataType, type Scope, type ScopeAction, type ScopeName } from './types.js';

const scopeActions: ReadonlySet<string> = new Set(SCOPE_ACTIONS);

/** Lower snake case, like the built-in types: `issue`, `issue_comment`, `gift_card`. */
export const DATA_TYPE_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** True when the value is spelt like a data type; whether one is declared is the configuration's question. */
export function isDataTypeName(value: string): value is DataType {
  return DATA_TYPE_NAME.test(value);
}

export function isScopeAction(value: string): value is ScopeAction {
  return scopeActions.has(value);
}

/** The scope name for a type and an action: `scopeFor('product', 'updated')` → `product/updated`. */
export function scopeFor(type: DataType, action: ScopeAction): ScopeName {
  return `${type}/${action}`;
}

/** Splits `type/action`; null when the type is not spelt like a data type or the action is not one of ours. */
export function parseScopeName(name: string): { type: DataType; action: ScopeAction } | null {
  const slash = name.indexOf('/');
  if (slash < 0) return null;
  const type = name.slice(0, slash);
  const action = name.slice(slash + 1);
  if (!isDataTypeName(type) || !isScopeAction(action)) return null;
  return { type, action };
}

export function makeScope(name: ScopeName, description: string): Scope {
  const parts = parseScopeName(name);
  if (!parts) throw new Error(`not a scope name: ${name}`);
  return { name, ...parts, description };
}

/** Whether a request is a delete: a delete request, or one whose scope's action is `deleted`. */
export function isDeleteRequest(request: { readonly requestType?: unknown; readonly scope?: unknown } | Record<string, unknown>): boolean {
  return request.requestType === 'delete' || (typeof request.scope === 'string' && request.scope.endsWith('/deleted'));
}
