/** What integration code is told about a request, built the same way wherever prerequisites run. */
import { parseScopeName } from '../domain/scope.js';
import type { DataType, Direction, RequestType, ScopeName } from '../domain/types.js';
import type { Integration, TransferInfo } from './types.js';

/** The request's facts an integration may read (never the external hook name). */
export function transferInfoOf(t: {
  id: number;
  trackingId: string;
  connection: string;
  type: DataType;
  scope: ScopeName;
  direction: Direction;
  externalId: string | null;
  requestType: RequestType;
  parentId: number | null;
}): TransferInfo {
  return {
    id: t.id,
    trackingId: t.trackingId,
    connection: t.connection,
    type: t.type,
    action: parseScopeName(t.scope)?.action ?? 'other',
    scope: t.scope,
    direction: t.direction,
    externalId: t.externalId,
    requestType: t.requestType,
    parentId: t.parentId,
  };
}

/** findMatchingType: the data type of the preset whose value this connection set to `value`. */
export function matchingType(integration: Pick<Integration, 'presets'>, presets: Readonly<Record<string, string>>, value: string): DataType | null {
  return integration.presets.find((p) => p.type && presets[p.name] === value)?.type ?? null;
}
