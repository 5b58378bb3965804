import { DATA_TYPES, SCOPE_ACTIONS, type DataType, type Scope, type ScopeAction, type ScopeName } from './types.js';

const dataTypes: ReadonlySet<string> = new Set(DATA_TYPES);
const scopeActions: ReadonlySet<string> = new Set(SCOPE_ACTIONS);

export function isDataType(value: string): value is DataType {
  return dataTypes.has(value);
}

export function isScopeAction(value: string): value is ScopeAction {
  return scopeActions.has(value);
}

/** The scope name for a type and an action: `scopeFor('product', 'updated')` → `product/updated`. */
export function scopeFor(type: DataType, action: ScopeAction): ScopeName {
  return `${type}/${action}`;
}

/** Splits `type/action`; null when either half is not one of ours. */
export function parseScopeName(name: string): { type: DataType; action: ScopeAction } | null {
  const slash = name.indexOf('/');
  if (slash < 0) return null;
  const type = name.slice(0, slash);
  const action = name.slice(slash + 1);
  if (!isDataType(type) || !isScopeAction(action)) return null;
  return { type, action };
}

export function makeScope(name: ScopeName, description: string): Scope {
  const parts = parseScopeName(name);
  if (!parts) throw new Error(`not a scope name: ${name}`);
  return { name, ...parts, description };
}
