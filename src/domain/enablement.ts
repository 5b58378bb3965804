/**
 * Scope enablement, a pure rule: whether a connection transfers a scope's hooks. Delete scopes
 * are off unless listed by name; `all` enables every other declared scope.
 */
import type { Scope, ScopeName } from './types.js';

/** What the rule reads of a connection (a loaded ConnectionConfig is one). */
export interface ScopeSwitches {
  name: string;
  /** `all`: every declared scope but delete scopes; `listed`: named explicitly. */
  scopes: { all: boolean; listed: ReadonlySet<ScopeName> };
  /** Every scope the integration declares, by name. */
  declaredScopes: ReadonlyMap<ScopeName, Scope>;
}

/** Whether a scope is enabled on a connection, and if not, why. */
export function scopeEnablement(
  connection: ScopeSwitches,
  scope: Scope,
): { enabled: true } | { enabled: false; code: 'delete_off' | 'not_enabled'; reason: string } {
  if (connection.scopes.listed.has(scope.name)) return { enabled: true };
  if (scope.action === 'deleted') {
    return {
      enabled: false,
      code: 'delete_off',
      reason: `delete scope ${scope.name} is off on connection ${connection.name}: delete scopes are transferred only when listed by name in its scopes`,
    };
  }
  if (connection.scopes.all && connection.declaredScopes.has(scope.name)) return { enabled: true };
  return { enabled: false, code: 'not_enabled', reason: `scope ${scope.name} is not enabled on connection ${connection.name}` };
}
