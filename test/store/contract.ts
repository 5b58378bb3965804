/**
 * What every role's contract suite shares: the factory an adapter provides, a fresh store per
 * test, and small builders. Each role of the Store (src/store/roles/) has its own suite in
 * `*.contract.ts`; an adapter's test file runs them all unchanged (sqlite.test.ts).
 */
import { afterEach, beforeEach } from 'vitest';
import { makeScope } from '../../src/domain/scope.js';
import type { IncomingHook, Notification, PlannedTransfer } from '../../src/domain/types.js';
import type { ClaimedTransfer, HookResolution, NewTransfer, Store, TransferOutcome } from '../../src/store/store.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /**
   * Another handle on the same database, as a second process holds it (its own connection, run
   * beside this one for real): the concurrency tests race these against each other.
   */
  openPeer(): Promise<Store>;
  dispose(): Promise<void>;
}

export type ContractSuite = (adapter: string, factory: () => StoreFactory) => void;

export const T0 = Date.UTC(2026, 0, 1);
export const LEASE = 30_000;
export const ok: TransferOutcome = { status: 'succeeded', reason: null, reasonCode: null, errorCode: null, error: null, runAt: null, hubId: null, resolvedBy: null };

/**
 * The store of the running test: a stand-in that forwards to a fresh store opened before each
 * test and closed after it (peers opened with `peer()` are closed too).
 */
export function freshStore(factory: () => StoreFactory): Store & { peer(): Promise<Store> } {
  let made: StoreFactory | null = null;
  let current: Store | null = null;
  const peers: Store[] = [];
  beforeEach(async () => {
    made = factory();
    current = await made.open();
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) await peer.close();
    await current?.close();
    await made?.dispose();
    current = null;
  });
  const peer = async () => {
    const opened = await made!.openPeer();
    peers.push(opened);
    return opened;
  };
  return new Proxy({} as Store & { peer(): Promise<Store> }, {
    get(_, name) {
      if (name === 'peer') return peer;
      const value = (current as unknown as Record<PropertyKey, unknown>)[name];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** The ids of appended hooks (none of these tests sends a delivery id twice). */
export async function appendIds(store: Store, hooks: readonly IncomingHook[], now: number): Promise<number[]> {
  return (await store.appendHooks(hooks, now)).map((appended) => appended.id);
}

export function plannedRequest(seq: number, connection: string, externalId: string, runAt: number, type: PlannedTransfer['type'] = 'product'): PlannedTransfer {
  return {
    seq,
    trackingId: `t${seq}`,
    connection,
    type,
    direction: 'to_hub',
    scope: `${type}/updated`,
    externalId,
    requestType: 'standard',
    status: 'queued',
    reason: null,
    reasonCode: null,
    runAt,
    origin: null,
  };
}

/** Queues to_hub requests for (connection, external id) pairs through a resolved hook; their ids (none for an absorbed one). */
export async function queue(store: Store, requests: Array<[string, string]>, now = T0, runAt = now): Promise<number[]> {
  const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
  await store.claimHooks('r', 10, now, LEASE);
  const scope = makeScope('product/updated', 'p');
  await store.saveResolutions(
    'r',
    [
      {
        hookId: hookId!,
        status: 'resolved',
        errorCode: null,
        errorMessage: null,
        notifications: requests.map(([, id], seq) => ({ seq, hookName: 'x', scope, externalId: id, status: 'planned' as const, reason: null })),
        transfers: requests.map(([connection, externalId], seq) => plannedRequest(seq, connection, externalId, runAt)),
      },
    ],
    now,
  );
  return (await store.transfersOf(hookId!)).map((t) => t.id);
}

export function fanOutTo(connection: string, parentId: number): Omit<NewTransfer, 'hubId'> {
  return { trackingId: 'f', parentId, hookId: null, connection, type: 'product', direction: 'from_hub', scope: 'product/updated', externalId: null, requestType: 'standard', sourceConnection: 'shop', origin: null };
}

export function childOf(parentId: number, externalId = 'Item:1'): NewTransfer {
  return { trackingId: 't', parentId, hookId: null, connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId, hubId: null, requestType: 'child', sourceConnection: null, origin: null };
}

/** Claimed requests by id. */
export function byId(claimed: readonly ClaimedTransfer[]): Map<number, ClaimedTransfer> {
  return new Map(claimed.map((t) => [t.id, t]));
}

/** A JSON hook as ingest would append it. */
export function hook(connection: string, body: string | Buffer, extra: Partial<IncomingHook> = {}): IncomingHook {
  return {
    connection,
    headers: { 'content-type': 'application/json', 'x-topic': 'products/update' },
    segments: [],
    contentType: 'application/json',
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    ...extra,
  };
}

/** A hook resolved into one planned product/updated request per external id. */
export function resolution(hookId: number, ids: string[]): HookResolution {
  const scope = makeScope('product/updated', 'p');
  const notifications: Notification[] = ids.map((externalId, seq) => ({ seq, hookName: 'products/update', scope, externalId, status: 'planned', reason: null }));
  const transfers: PlannedTransfer[] = ids.map((externalId, seq) => ({ ...plannedRequest(seq, 'shop', externalId, T0), trackingId: `track-${hookId}-${seq}` }));
  return { hookId, status: 'resolved', errorCode: null, errorMessage: null, notifications, transfers };
}
