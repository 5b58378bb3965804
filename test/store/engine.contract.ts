/**
 * The Store contract, engine side: claims in per-record order with leases, outcomes guarded by
 * the lease, hub changes with their fan-out, cross-references, echoes, coalescing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedTransfer } from '../../src/domain/types.js';
import { makeScope } from '../../src/domain/scope.js';
import { HubConflictError, LinkConflictError, type HubChange, type NewTransfer, type Store, type TransferOutcome } from '../../src/store/store.js';
import { appendIds, type StoreFactory } from './store.contract.js';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;
const ok: TransferOutcome = { status: 'succeeded', reason: null, reasonCode: null, errorCode: null, error: null, runAt: null, hubId: null, resolvedBy: null };

/** Queues to_hub requests for (connection, external id) pairs through a resolved hook. */
async function queue(store: Store, requests: Array<[string, string]>, now = T0, runAt = now): Promise<number[]> {
  const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
  await store.claimHooks('r', 10, now, LEASE);
  const scope = makeScope('product/updated', 'p');
  const transfers: PlannedTransfer[] = requests.map(([connection, externalId], seq) => ({
    seq,
    trackingId: `t${seq}`,
    connection,
    type: 'product',
    direction: 'to_hub',
    scope: 'product/updated',
    externalId,
    requestType: 'standard',
    status: 'queued',
    reason: null,
    reasonCode: null,
    runAt,
    origin: null,
  }));
  await store.saveResolutions(
    'r',
    [{ hookId: hookId!, status: 'resolved', errorCode: null, errorMessage: null, notifications: requests.map(([, id], seq) => ({ seq, hookName: 'x', scope, externalId: id, status: 'planned' as const, reason: null })), transfers }],
    now,
  );
  return (await store.transfersOf(hookId!)).map((t) => t.id);
}

function fanOutTo(connection: string, parentId: number): Omit<NewTransfer, 'hubId'> {
  return { trackingId: 'f', parentId, hookId: null, connection, type: 'product', direction: 'from_hub', scope: 'product/updated', externalId: null, requestType: 'standard', sourceConnection: 'shop', origin: null };
}

export function engineContract(adapter: string, factory: () => StoreFactory): void {
  describe(`Store contract, engine: ${adapter}`, () => {
    let made: StoreFactory;
    let store: Store;
    beforeEach(async () => {
      made = factory();
      store = await made.open();
    });
    afterEach(async () => {
      await store.close();
      await made.dispose();
    });

    it('claims only the first request of each record, and the next one after it ends', async () => {
      const [a1, b1] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const [a2] = await queue(store, [['shop', 'A']], T0 + 1);
      // a2 was coalesced into a1 (still queued); make a real second one by claiming a1 first.
      expect(a2).toBeUndefined();
      const first = await store.claimTransfers('w1', 10, T0, LEASE);
      expect(first.map((t) => t.id).sort()).toEqual([a1, b1].sort());
      const [a3] = await queue(store, [['shop', 'A']], T0 + 2);
      expect(a3).toBeDefined();
      expect(await store.claimTransfers('w2', 10, T0 + 3, LEASE)).toEqual([]); // a1 still running
      expect(await store.finishTransfer('w1', a1!, ok, [{ at: T0 + 4, step: 'done', detail: null }], {}, T0 + 4)).toBe(true);
      expect((await store.claimTransfers('w2', 10, T0 + 5, LEASE)).map((t) => t.id)).toEqual([a3]);
      expect(await store.activityOf(a1!)).toEqual([{ at: T0 + 4, step: 'done', detail: null }]);
    });

    it('hands a request to another worker after its lease expires, and ignores the old worker then', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('dead-worker', 10, T0, LEASE);
      expect(claimed!.attempts).toBe(1);
      expect(await store.claimTransfers('w2', 10, T0 + LEASE - 1, LEASE)).toEqual([]);
      const [again] = await store.claimTransfers('w2', 10, T0 + LEASE + 1, LEASE);
      expect(again).toMatchObject({ id, status: 'running', attempts: 2 });
      expect(await store.finishTransfer('dead-worker', id!, ok, [], {}, T0 + LEASE + 2)).toBe(false);
      expect(await store.finishTransfer('w2', id!, ok, [], {}, T0 + LEASE + 3)).toBe(true);
      expect(await store.getTransfer(id!)).toMatchObject({ status: 'succeeded', finishedAt: T0 + LEASE + 3 });
    });

    it('hands back what a stopping worker still runs, without counting the attempt', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      await store.claimTransfers('stopping', 10, T0, LEASE);
      expect(await store.finishTransfer('stopping', b!, ok, [], {}, T0 + 1)).toBe(true);
      expect(await store.releaseTransfers('stopping', T0 + 2)).toBe(1);
      expect(await store.getTransfer(a!)).toMatchObject({ status: 'queued', attempts: 0, runAt: T0 + 2 });
      expect(await store.finishTransfer('stopping', a!, ok, [], {}, T0 + 3)).toBe(false);
      expect((await store.claimTransfers('next', 10, T0 + 3, LEASE)).map((t) => t.id)).toEqual([a]);
    });

    it('retries a dead request: queued again with attempts renewed, its history kept, the replay recorded', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer('w', id!, { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_REJECTED', error: '422' }, [{ at: T0, step: 'failed', detail: '422' }], {}, T0 + 1);
      const retried = await store.retryTransfer(id!, 'api', T0 + 10);
      expect(retried).toMatchObject({ id, status: 'queued', attempts: 0, runAt: T0 + 10, lastErrorCode: 'HY_ERR_DESTINATION_REJECTED', finishedAt: null });
      expect((await store.activityOf(id!)).map((a) => a.step)).toEqual(['failed', 'replayed']);
      expect(await store.retryTransfer(id!, 'api', T0 + 11)).toBeNull(); // queued already
      const replays = await store.listReplays(10);
      expect(replays).toEqual([{ id: expect.any(Number), kind: 'transfer', target: String(id), count: 1, actor: 'api', createdAt: T0 + 10 }]);
    });

    it('replays by filter page by page, leaving running and queued requests alone', async () => {
      const ids = await queue(store, [['shop', 'A'], ['shop', 'B'], ['erp', 'C'], ['shop', 'D']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const dead = { ...ok, status: 'dead' as const, errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' };
      for (const id of ids.slice(0, 3)) await store.finishTransfer('w', id, dead, [], {}, T0 + 1);
      // ids[3] stays running.
      const filter = { status: 'dead' as const, connection: 'shop' };
      expect(await store.countReplayable(filter)).toBe(2);
      const replay = await store.startReplay(filter, 'cli', T0 + 5);
      const first = await store.replayPage(replay, filter, 0, 1, T0 + 5);
      expect(first).toEqual({ requeued: 1, lastId: ids[0] });
      const second = await store.replayPage(replay, filter, first.lastId!, 1, T0 + 5);
      expect(second).toEqual({ requeued: 1, lastId: ids[1] });
      expect(await store.replayPage(replay, filter, second.lastId!, 1, T0 + 5)).toEqual({ requeued: 0, lastId: null });
      expect((await store.getTransfer(ids[2]!))!.status).toBe('dead'); // another connection
      expect((await store.getTransfer(ids[3]!))!.status).toBe('running');
      expect((await store.listReplays(10))[0]).toMatchObject({ id: replay, kind: 'transfers', count: 2, target: JSON.stringify(filter) });
      expect(await store.countReplayable({ status: 'dead', since: T0 + 100 })).toBe(0);
    });

    it('reads a hook again: received once more, its earlier notifications kept', async () => {
      const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('x') }], T0);
      await store.claimHooks('r', 10, T0, LEASE);
      await store.saveResolutions('r', [{ hookId: hookId!, status: 'failed', errorCode: 'HY_ERR_HOOK_BODY_NOT_JSON', errorMessage: 'x', notifications: [], transfers: [] }], T0);
      expect(await store.replayHook(hookId!, 'api', T0 + 1)).toEqual(expect.any(Number));
      expect(await store.getHook(hookId!)).toMatchObject({ status: 'received', errorCode: null });
      expect(await store.replayHook(hookId!, 'api', T0 + 2)).toBeNull();
      expect((await store.claimHooks('r2', 10, T0 + 3, LEASE)).map((h) => h.id)).toEqual([hookId]);
    });

    it('waits for run_at and keeps a retry on its row', async () => {
      const [id] = await queue(store, [['shop', 'A']], T0, T0 + 1000);
      expect(await store.claimTransfers('w', 10, T0 + 999, LEASE)).toEqual([]);
      await store.claimTransfers('w', 10, T0 + 1000, LEASE);
      const retry: TransferOutcome = { ...ok, status: 'retrying', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503', runAt: T0 + 5000 };
      await store.finishTransfer('w', id!, retry, [], {}, T0 + 1001);
      expect(await store.getTransfer(id!)).toMatchObject({ status: 'retrying', runAt: T0 + 5000, lastErrorCode: 'HY_ERR_DESTINATION_FAILED', finishedAt: null });
      expect(await store.claimTransfers('w', 10, T0 + 4999, LEASE)).toEqual([]);
      expect((await store.claimTransfers('w', 10, T0 + 5000, LEASE))[0]).toMatchObject({ id, attempts: 2 });
    });

    it('applies a hub change with its link and fan-out in one go, and refuses a stale version', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const create: HubChange = { type: 'product', hubId: null, expectedVersion: null, data: { sku: 'S1', name: 'x' }, deleted: false, link: { connection: 'shop', externalId: 'A', replaceExisting: false }, fanOut: [fanOutTo('erp', id!), fanOutTo('till', id!)] };
      const applied = await store.applyHubChange('w', id!, create, T0);
      expect(applied!.fanOut).toHaveLength(2);
      const hub = await store.getHubRecord(applied!.hubId);
      expect(hub).toMatchObject({ type: 'product', data: { sku: 'S1', name: 'x' }, version: 1, deleted: false });
      expect(await store.hubRecordByExternalId('shop', 'product', 'A')).toMatchObject({ id: applied!.hubId });
      expect(await store.hubRecordByField('product', 'sku', 'S1')).toMatchObject({ id: applied!.hubId });
      expect(await store.hubRecordByField('product', 'sku', 'S2')).toBeNull();
      const out = await store.getTransfer(applied!.fanOut[0]!);
      expect(out).toMatchObject({ direction: 'from_hub', connection: 'erp', hubId: applied!.hubId, status: 'queued' });

      // The same fan-out again is absorbed by the queued requests.
      const update = { ...create, hubId: applied!.hubId, expectedVersion: 1, link: null, data: { sku: 'S1', name: 'y' } };
      expect((await store.applyHubChange('w', id!, update, T0 + 1))!.fanOut).toEqual(applied!.fanOut);
      await expect(store.applyHubChange('w', id!, { ...update, expectedVersion: 1 }, T0 + 2)).rejects.toBeInstanceOf(HubConflictError);
      expect(await store.applyHubChange('someone-else', id!, { ...update, expectedVersion: 2 }, T0 + 3)).toBeNull();
    });

    it('records links and echoes with the outcome; an echo is consumed once, and not after it expires', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const applied = await store.applyHubChange('w', id!, { type: 'product', hubId: null, expectedVersion: null, data: {}, deleted: false, link: null, fanOut: [] }, T0);
      await store.finishTransfer('w', id!, ok, [], {
        link: { connection: 'erp', type: 'product', externalId: 'Item:1', hubId: applied!.hubId, writtenHash: 'h1' },
        echo: { connection: 'erp', type: 'product', externalId: 'Item:1', expiresAt: T0 + 100 },
      }, T0);
      expect(await store.externalIdOf('erp', 'product', applied!.hubId)).toEqual({ externalId: 'Item:1', writtenHash: 'h1', deletedAt: null });
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 50)).toBe(true);
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 51)).toBe(false);
      await store.registerEcho('erp', 'product', 'Item:1', T0 + 100, T0 + 52);
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 101)).toBe(false); // expired
      // Two writes before the first echo: two echoes expected.
      await store.registerEcho('erp', 'product', 'Item:1', T0 + 1000, T0 + 200);
      await store.registerEcho('erp', 'product', 'Item:1', T0 + 1001, T0 + 201);
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 300)).toBe(true);
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 301)).toBe(true);
      expect(await store.consumeEcho('erp', 'product', 'Item:1', T0 + 302)).toBe(false);
      expect(await store.externalIdsOfHubRecord(applied!.hubId)).toEqual([{ connection: 'erp', type: 'product', externalId: 'Item:1', deletedAt: null }]);
    });

    it('marks a link deleted with the outcome or the hub change; a new link takes a deleted one\'s place', async () => {
      const [a, b, c] = await queue(store, [['shop', 'A'], ['shop', 'B'], ['shop', 'C']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const applied = await store.applyHubChange('w', a!, { type: 'product', hubId: null, expectedVersion: null, data: {}, deleted: false, link: { connection: 'shop', externalId: 'A', replaceExisting: false }, fanOut: [] }, T0);
      const hubId = applied!.hubId;
      await store.finishTransfer('w', a!, ok, [], { link: { connection: 'erp', type: 'product', externalId: 'Item:1', hubId, writtenHash: null } }, T0);
      // A from_hub delete marks the destination's link; a delete from a source marks the source's.
      await store.finishTransfer('w', b!, ok, [], { linkDeleted: { connection: 'erp', type: 'product', hubId } }, T0 + 1);
      await store.applyHubChange('w', c!, { type: 'product', hubId, expectedVersion: 1, data: {}, deleted: true, link: null, fanOut: [], linkDeleted: { connection: 'shop' } }, T0 + 2);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ externalId: 'Item:1', deletedAt: T0 + 1 });
      expect(await store.externalIdOf('shop', 'product', hubId)).toMatchObject({ externalId: 'A', deletedAt: T0 + 2 });
      // Recreated there: the new link replaces the deleted one instead of conflicting with it.
      await store.finishTransfer('w', c!, ok, [], { link: { connection: 'erp', type: 'product', externalId: 'Item:2', hubId, writtenHash: 'h' } }, T0 + 3);
      expect(await store.externalIdOf('erp', 'product', hubId)).toEqual({ externalId: 'Item:2', writtenHash: 'h', deletedAt: null });
    });

    it('retires a parent\'s dead children with its outcome, leaving its fan-out requests alone', async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const newChild = { trackingId: 't', parentId: id!, hookId: null, connection: 'erp', type: 'product' as const, direction: 'to_hub' as const, scope: 'product/updated' as const, externalId: 'Item:1', hubId: null, requestType: 'child' as const, sourceConnection: null, origin: null };
      const child = await store.startChild('w', newChild, T0, LEASE);
      const dead: TransferOutcome = { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' };
      await store.finishTransfer('w', child.id, dead, [], {}, T0);
      const fanned = await store.startChild('w', { ...newChild, direction: 'from_hub', requestType: 'standard', externalId: null, hubId: 1 }, T0, LEASE);
      await store.finishTransfer('w', fanned.id, dead, [], {}, T0);
      await store.finishTransfer('w', id!, { ...ok, status: 'retrying', runAt: T0 + 10 }, [], { retireFailedChildren: true }, T0 + 1);
      expect(await store.getTransfer(child.id)).toMatchObject({ status: 'skipped', reasonCode: 'retried_with_parent', lastErrorCode: 'HY_ERR_DESTINATION_FAILED', lastError: '503' });
      expect(await store.getTransfer(fanned.id)).toMatchObject({ status: 'dead' });
    });

    it('refuses a second link of a hub record on one connection, writing nothing', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const applied = await store.applyHubChange('w', a!, { type: 'product', hubId: null, expectedVersion: null, data: {}, deleted: false, link: null, fanOut: [] }, T0);
      const hubId = applied!.hubId;
      const link = (externalId: string) => ({ link: { connection: 'erp', type: 'product' as const, externalId, hubId, writtenHash: null } });
      expect(await store.finishTransfer('w', a!, ok, [], link('Item:1'), T0)).toBe(true);
      await expect(store.finishTransfer('w', b!, ok, [{ at: T0, step: 'x', detail: null }], link('Item:2'), T0)).rejects.toBeInstanceOf(LinkConflictError);
      expect(await store.getTransfer(b!)).toMatchObject({ status: 'running' }); // nothing written
      expect(await store.activityOf(b!)).toEqual([]);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ externalId: 'Item:1' });
    });

    it('runs a child under the parent worker\'s lease and lists it under the parent', async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      await store.claimTransfers('w', 10, T0, LEASE);
      const child = await store.startChild('w', { trackingId: 't', parentId: id!, hookId: null, connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: 'Item:1', hubId: null, requestType: 'child', sourceConnection: null, origin: 'message/created Item:1' }, T0, LEASE);
      expect(child).toMatchObject({ status: 'running', parentId: id, attempts: 1 });
      expect(await store.claimTransfers('other', 10, T0 + 1, LEASE)).toEqual([]);
      expect(await store.finishTransfer('w', child.id, ok, [], {}, T0 + 2)).toBe(true);
      expect((await store.childrenOf(id!)).map((t) => t.id)).toEqual([child.id]);
    });

    it('closes a child orphaned by a dead worker instead of running it on its own', async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      await store.claimTransfers('dead', 10, T0, LEASE);
      const child = await store.startChild('dead', { trackingId: 't', parentId: id!, hookId: null, connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: 'Item:1', hubId: null, requestType: 'child', sourceConnection: null, origin: null }, T0, LEASE);
      const claimed = await store.claimTransfers('next', 10, T0 + LEASE + 1, LEASE);
      expect(claimed.map((t) => t.id)).toEqual([id]); // the parent, which will run a fresh child
      expect(await store.getTransfer(child.id)).toMatchObject({ status: 'skipped', reasonCode: 'orphaned' });
    });
  });
}
