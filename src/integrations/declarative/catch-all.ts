/**
 * The catch-all, declared: a system that announces every change as one control type (`message`)
 * with a prefixed id (`Item:1234`) names the real type by the prefix, through the connection's
 * presets (productPrefix=Item). The request is resolved by one child request for the real type's
 * `updated` scope (`deleted` for a deleted message), with the same id. A prefix no preset names,
 * or a real type without that scope, is refused permanently, not guessed: routing a record to the
 * wrong type would write wrong data.
 */
import type { DataType, ScopeName } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { PrerequisiteContext, PrerequisiteResult, TransferInfo } from '../types.js';

export interface CatchAllSpec {
  /** The control type whose requests are routed; default `message`. */
  type?: DataType;
  /** What ends the prefix: ":" in `Item:1234`. */
  separator: string;
}

/** `handlePrerequisites` for an integration whose file declares a catch-all. */
export function catchAllPrerequisites(
  spec: CatchAllSpec,
  integrationId: string,
  declaredScopes: ReadonlySet<ScopeName>,
  prefixPresets: readonly string[],
): (request: TransferInfo, ctx: PrerequisiteContext) => Promise<PrerequisiteResult> {
  const control = spec.type ?? 'message';
  return async (request, ctx) => {
    if (request.type !== control) return undefined;
    const externalId = request.externalId ?? '';
    const end = externalId.indexOf(spec.separator);
    if (end <= 0) {
      throw permanentError('HY_ERR_PREREQUISITE', `id "${externalId}" has no prefix ending in "${spec.separator}" (e.g. "Item${spec.separator}1234"), so its type is unknown`);
    }
    const prefix = externalId.slice(0, end);
    const type = ctx.findMatchingType(prefix);
    if (type === null) {
      const set = prefixPresets.length > 0 ? `set ${prefixPresets.join('/')} to route it` : `integration ${integrationId} declares no preset with a type`;
      throw permanentError('HY_ERR_PREREQUISITE', `no preset of connection ${ctx.connection} has the value "${prefix}" (id "${externalId}"); ${set}`);
    }
    const scope = ctx.scopeFor(type, request.action === 'deleted' ? 'deleted' : 'updated');
    if (!declaredScopes.has(scope)) {
      throw permanentError('HY_ERR_PREREQUISITE', `id "${externalId}" is a ${type}, but integration ${integrationId} has no scope ${scope} to route it to`);
    }
    const preset = Object.entries(ctx.presets).find(([, value]) => value === prefix)?.[0] ?? type;
    ctx.log('prerequisites', `"${externalId}": prefix "${prefix}" is ${preset} → ${scope}`);
    return ctx.resolveWith({ scope, externalId });
  };
}
