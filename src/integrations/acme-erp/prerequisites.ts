/**
 * The catch-all: Acme announces every change as a `message` with a prefixed id (`Item:1234`).
 * The prefix says the real type, through the connection's presets (productPrefix=Item, …); the
 * message is then resolved by one child request of that type. A prefix no preset names is
 * refused, not guessed: routing a record to the wrong type would write wrong data.
 */
import type { ScopeName } from '../../domain/types.js';
import { permanentError } from '../errors.js';
import type { PrerequisiteContext, PrerequisiteResult, TransferInfo } from '../types.js';

/** The scopes a message may resolve to, i.e. the real scopes acme-erp declares. */
export type RoutableScopes = ReadonlySet<ScopeName>;

export async function routeMessage(
  request: TransferInfo,
  ctx: PrerequisiteContext,
  routable: RoutableScopes,
  prefixPresets: readonly string[],
): Promise<PrerequisiteResult> {
  if (request.type !== 'message') return undefined;
  const externalId = request.externalId ?? '';
  const colon = externalId.indexOf(':');
  if (colon <= 0) {
    throw permanentError('HY_ERR_PREREQUISITE', `id "${externalId}" has no prefix; Acme ids look like "Item:1234"`);
  }
  const prefix = externalId.slice(0, colon);
  const type = ctx.findMatchingType(prefix);
  if (type === null) {
    throw permanentError(
      'HY_ERR_PREREQUISITE',
      `no preset of connection ${ctx.connection} has the value "${prefix}" (id "${externalId}"); set ${prefixPresets.join('/')} to route it`,
    );
  }
  const scope = ctx.scopeFor(type, request.action === 'deleted' ? 'deleted' : 'updated');
  if (!routable.has(scope)) {
    throw permanentError('HY_ERR_PREREQUISITE', `id "${externalId}" is a ${type}, but acme-erp has no scope ${scope} to route it to`);
  }
  const preset = Object.entries(ctx.presets).find(([, value]) => value === prefix)?.[0] ?? type;
  ctx.log('prerequisites', `"${externalId}": prefix "${prefix}" is ${preset} → ${scope}`);
  return ctx.resolveWith({ scope, externalId });
}
