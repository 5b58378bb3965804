/** Fan-out, as a pure function: one from_hub request per other connection that maps the type out of the hub. */
import { scopeFor } from '../../domain/scope.js';
import type { DataType, TransferRequest } from '../../domain/types.js';
import type { NewTransfer } from '../../store/store.js';

export interface Destination {
  name: string;
  /** The connection has a from_hub mapping collection for the type. */
  mapsOut: boolean;
}

export function fanOut(
  source: TransferRequest,
  type: DataType,
  action: 'updated' | 'deleted',
  connections: Iterable<Destination>,
): Array<Omit<NewTransfer, 'hubId'>> {
  const out: Array<Omit<NewTransfer, 'hubId'>> = [];
  for (const destination of connections) {
    if (destination.name === source.connection || !destination.mapsOut) continue;
    out.push({
      trackingId: source.trackingId,
      parentId: source.id,
      hookId: source.hookId,
      connection: destination.name,
      type,
      direction: 'from_hub',
      scope: scopeFor(type, action),
      externalId: null,
      requestType: action === 'deleted' ? 'delete' : 'standard',
      sourceConnection: source.connection,
      origin: `${source.scope} ${source.externalId ?? ''} from ${source.connection}`,
    });
  }
  return out;
}
