/**
 * The Store contract, coalescing while running: a request for a record whose request is running
 * (and none waiting) marks the running one instead of queueing; when it ends, one follow-up runs
 * with the newest change — whatever the outcome, under fenced claims, beside deletes, children,
 * replays and a stopping worker.
 */
import { describe, expect, it } from 'vitest';
import { makeScope } from '../../src/domain/scope.js';
import type { PlannedTransfer } from '../../src/domain/types.js';
import type { Store, TransferOutcome } from '../../src/store/store.js';
import { appendIds, childOf, fanOutTo, freshStore, LEASE, ok, plannedRequest, queue, T0, type ContractSuite } from './contract.js';

interface Change {
  externalId: string;
  connection?: string;
  action?: 'updated' | 'deleted';
  status?: PlannedTransfer['status'];
  payload?: boolean;
  /** With `payload`: the version of the record the hook carries. */
  version?: string;
}

/** One hook resolved into one request per change; its id. */
async function hookWith(store: Store, changes: Change[], now: number): Promise<number> {
  const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
  await store.claimHooks('r', 10, now, LEASE);
  const notifications = changes.map((c, seq) => ({
    seq,
    hookName: 'x',
    scope: makeScope(`product/${c.action ?? 'updated'}`, 'p'),
    externalId: c.externalId,
    status: 'planned' as const,
    reason: null,
  }));
  const transfers = changes.map((c, seq): PlannedTransfer => {
    const action = c.action ?? 'updated';
    const skipped = c.status === 'skipped';
    return {
      ...plannedRequest(seq, c.connection ?? 'shop', c.externalId, now),
      trackingId: `track-${hookId}-${seq}`,
      scope: `product/${action}`,
      requestType: action === 'deleted' ? 'delete' : 'standard',
      status: c.status ?? 'queued',
      reason: skipped ? 'delete scopes are off' : null,
      reasonCode: skipped ? 'delete_off' : null,
      payload: c.payload ?? false,
      ...(c.version !== undefined ? { payloadVersion: c.version } : {}),
    };
  });
  await store.saveResolutions('r', [{ hookId: hookId!, status: 'resolved', errorCode: null, errorMessage: null, notifications, transfers }], now);
  return hookId!;
}

const running = (id: number) => `transfer ${id} for this record is running: it runs once more when it finishes`;
const outcome = (status: TransferOutcome['status']): TransferOutcome =>
  status === 'retrying' ? { ...ok, status, errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503', runAt: T0 + 100 } : status === 'dead' ? { ...ok, status, errorCode: 'HY_ERR_DESTINATION_REJECTED', error: '422' } : { ...ok, status };

export const followUpContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, coalescing while running: ${adapter}`, () => {
    const store = freshStore(factory);

    it('marks a running request instead of queueing another, and queues one follow-up with the newest change when it ends', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const hooks = [await hookWith(store, [{ externalId: 'A' }], T0 + 1), await hookWith(store, [{ externalId: 'A' }, { externalId: 'B' }], T0 + 2), await hookWith(store, [{ externalId: 'A' }], T0 + 3)];
      for (const hookId of hooks) {
        expect((await store.transfersOf(hookId)).map((t) => t.externalId)).toEqual(hookId === hooks[1] ? ['B'] : []);
        expect((await store.notificationsOf(hookId))[0]!.reason).toBe(running(id!));
      }
      expect(await store.getTransfer(id!)).toMatchObject({ status: 'running' }); // untouched by the marks
      expect(await store.finishTransfer(claimed!.claim, ok, [{ at: T0 + 4, step: 'done', detail: null }], {}, T0 + 4)).toBe(true);
      const [followUp] = await store.transfersOf(hooks[2]!);
      expect(followUp).toMatchObject({ externalId: 'A', status: 'queued', trackingId: `track-${hooks[2]}-0`, scope: 'product/updated', requestType: 'standard' });
      expect(await store.transfersOf(hooks[0]!)).toEqual([]);
      expect((await store.activityOf(id!)).map((a) => a.step)).toEqual(['done', 'follow-up']);
      expect((await store.activityOf(id!))[1]!.detail).toContain(`transfer ${followUp!.id}`);
      expect((await store.activityOf(followUp!.id))[0]).toMatchObject({ step: 'queued', detail: expect.stringContaining(`follow-up of transfer ${id}`) });
      // The follow-up runs after the B request ahead of it, and ends with no follow-up of its own.
      const next = await store.claimTransfers('w', 10, T0 + 5, LEASE);
      expect(next.map((t) => t.externalId).sort()).toEqual(['A', 'B']);
      for (const t of next) expect(await store.finishTransfer(t.claim, ok, [], {}, T0 + 6)).toBe(true);
      expect(await store.claimTransfers('w', 10, T0 + 7, LEASE)).toEqual([]);
      expect((await store.counts()).transfers).toMatchObject({ succeeded: 3, queued: 0, running: 0 });
    });

    it('queues no follow-up when nothing arrived while it ran', async () => {
      await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(claimed!.claim, ok, [], {}, T0 + 1);
      expect(await store.claimTransfers('w', 10, T0 + 2, LEASE)).toEqual([]);
      expect((await store.activityOf(claimed!.id)).map((a) => a.step)).toEqual([]);
    });

    for (const status of ['skipped', 'dead'] as const) {
      it(`queues the follow-up when the attempt ends ${status}`, async () => {
        await queue(store, [['shop', 'A']]);
        const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
        const hookId = await hookWith(store, [{ externalId: 'A' }], T0 + 1);
        await store.finishTransfer(claimed!.claim, outcome(status), [], {}, T0 + 2);
        expect(await store.getTransfer(claimed!.id)).toMatchObject({ status });
        const [followUp] = await store.claimTransfers('w', 10, T0 + 3, LEASE);
        expect(followUp).toMatchObject({ externalId: 'A', hookId, attempts: 1 });
      });
    }

    it('lets an attempt that ends retrying take the mark in itself: its retry reads anew, with the newest payload, and no follow-up is queued', async () => {
      const first = await hookWith(store, [{ externalId: 'A', payload: true }], T0);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const newer = await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 1);
      expect(claimed!.payload).toEqual({ hookId: first, seq: 0 });
      await store.finishTransfer(claimed!.claim, outcome('retrying'), [], {}, T0 + 2);
      expect(await store.getTransfer(claimed!.id)).toMatchObject({ status: 'retrying', payload: { hookId: newer, seq: 0 } });
      expect(await store.transfersOf(newer)).toEqual([]);
      // Waiting again, it absorbs what comes next as any waiting request does.
      const newest = await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 3);
      expect((await store.notificationsOf(newest))[0]!.reason).toBe(`coalesced into transfer ${claimed!.id}, which has not run yet`);
      const [retry] = await store.claimTransfers('w', 10, T0 + 100, LEASE);
      expect(retry).toMatchObject({ id: claimed!.id, attempts: 2, payload: { hookId: newest, seq: 0 } });
      await store.finishTransfer(retry!.claim, ok, [], {}, T0 + 101);
      expect(await store.claimTransfers('w', 10, T0 + 102, LEASE)).toEqual([]);
    });

    it("gives the follow-up the newest hook's payload, or none after a change without one", async () => {
      await hookWith(store, [{ externalId: 'A', payload: true }], T0);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const withPayload = await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 1);
      await store.finishTransfer(claimed!.claim, ok, [], {}, T0 + 2);
      const [followUp] = await store.claimTransfers('w', 10, T0 + 3, LEASE);
      expect(followUp).toMatchObject({ hookId: withPayload, payload: { hookId: withPayload, seq: 0 } });
      await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 4);
      await store.queueTransfers([plannedRequest(0, 'shop', 'A', T0 + 5)], T0 + 5); // a manual sync, newest: no payload
      await store.finishTransfer(followUp!.claim, ok, [], {}, T0 + 6);
      const [second] = await store.claimTransfers('w', 10, T0 + 7, LEASE);
      expect(second).toMatchObject({ externalId: 'A', payload: null, hookId: null });
    });

    it('keeps the newest payload by version when hooks arrive out of order: a waiting request, a mark, a retry taking its mark in', async () => {
      // Waiting: version 40 arrives first, 35 after it; the request keeps 40's record, and 41 replaces it.
      const v40 = await hookWith(store, [{ externalId: 'A', payload: true, version: '40' }], T0);
      await hookWith(store, [{ externalId: 'A', payload: true, version: '35' }], T0 + 1);
      const [waiting] = await store.claimTransfers('w', 10, T0 + 2, LEASE);
      expect(waiting).toMatchObject({ hookId: v40, payload: { hookId: v40, seq: 0 } });
      // Marks: while it runs, 45 then 42 arrive; the follow-up takes 45's record.
      const v45 = await hookWith(store, [{ externalId: 'A', payload: true, version: '45' }], T0 + 3);
      await hookWith(store, [{ externalId: 'A', payload: true, version: '42' }], T0 + 4);
      await store.finishTransfer(waiting!.claim, ok, [], {}, T0 + 5);
      const [followUp] = await store.claimTransfers('w', 10, T0 + 6, LEASE);
      expect(followUp).toMatchObject({ payload: { hookId: v45, seq: 0 } });
      // A retry takes its mark in only when the mark's record is newer than its own.
      await hookWith(store, [{ externalId: 'A', payload: true, version: '44' }], T0 + 7);
      await store.finishTransfer(followUp!.claim, outcome('retrying'), [], {}, T0 + 8);
      expect(await store.getTransfer(followUp!.id)).toMatchObject({ status: 'retrying', payload: { hookId: v45, seq: 0 } });
      // Newer by version, waiting again: taken. Without comparable versions, the last to arrive wins.
      const v46 = await hookWith(store, [{ externalId: 'A', payload: true, version: '46' }], T0 + 9);
      expect(await store.getTransfer(followUp!.id)).toMatchObject({ payload: { hookId: v46, seq: 0 } });
      const unversioned = await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 10);
      expect(await store.getTransfer(followUp!.id)).toMatchObject({ payload: { hookId: unversioned, seq: 0 } });
    });

    it("hands a stopping worker's request back with its mark taken in only where the mark's record is newer", async () => {
      const v40 = await hookWith(store, [{ externalId: 'A', payload: true, version: '40' }], T0);
      await hookWith(store, [{ externalId: 'B', payload: true, version: '10' }], T0);
      const claimed = await store.claimTransfers('w', 10, T0 + 1, LEASE);
      await hookWith(store, [{ externalId: 'A', payload: true, version: '35' }], T0 + 2);
      const v12 = await hookWith(store, [{ externalId: 'B', payload: true, version: '12' }], T0 + 2);
      expect(await store.releaseTransfers('w', T0 + 3)).toBe(2);
      const [a, b] = ['A', 'B'].map((id) => claimed.find((t) => t.externalId === id)!);
      expect(await store.getTransfer(a!.id)).toMatchObject({ status: 'queued', payload: { hookId: v40, seq: 0 } });
      expect(await store.getTransfer(b!.id)).toMatchObject({ status: 'queued', payload: { hookId: v12, seq: 0 } });
    });

    it('follows an update that ran with a delete that arrived meanwhile — never folds the delete into the update — and marks nothing for a skipped delete', async () => {
      await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const claims = new Map((await store.claimTransfers('w', 10, T0, LEASE)).map((t) => [t.externalId, t]));
      const deleted = await hookWith(store, [{ externalId: 'A', action: 'deleted' }], T0 + 1);
      const deleteOff = await hookWith(store, [{ externalId: 'B', action: 'deleted', status: 'skipped' }], T0 + 1);
      expect(await store.transfersOf(deleteOff)).toMatchObject([{ externalId: 'B', status: 'skipped', requestType: 'delete' }]);
      for (const t of claims.values()) await store.finishTransfer(t.claim, ok, [], {}, T0 + 2);
      const followUps = await store.claimTransfers('w', 10, T0 + 3, LEASE);
      expect(followUps).toEqual([expect.objectContaining({ externalId: 'A', hookId: deleted, scope: 'product/deleted', requestType: 'delete' })]);
      // An update after the delete, while it runs: the follow-up is the update (the newest change).
      const updated = await hookWith(store, [{ externalId: 'A' }], T0 + 4);
      await store.finishTransfer(followUps[0]!.claim, ok, [], {}, T0 + 5);
      expect(await store.claimTransfers('w', 10, T0 + 6, LEASE)).toEqual([expect.objectContaining({ hookId: updated, scope: 'product/updated', requestType: 'standard' })]);
    });

    it('never folds a delete away: queued behind a waiting or running update, it runs after it, and a later change is absorbed by it', async () => {
      // Running update, then a delete and another update arrive: the delete is its own request.
      await queue(store, [['shop', 'A']]);
      const [runningUpdate] = await store.claimTransfers('w', 10, T0, LEASE);
      const deleted = await hookWith(store, [{ externalId: 'A', action: 'deleted' }], T0 + 1);
      const [deleteRequest] = await store.transfersOf(deleted);
      expect(deleteRequest).toMatchObject({ status: 'queued', requestType: 'delete' });
      const later = await hookWith(store, [{ externalId: 'A' }], T0 + 2);
      expect(await store.transfersOf(later)).toEqual([]);
      expect((await store.notificationsOf(later))[0]!.reason).toContain(`transfer ${deleteRequest!.id}`);
      expect(await store.claimTransfers('w', 10, T0 + 3, LEASE)).toEqual([]); // one at a time for the record
      await store.finishTransfer(runningUpdate!.claim, ok, [], {}, T0 + 3);
      const [next] = await store.claimTransfers('w', 10, T0 + 4, LEASE);
      expect(next).toMatchObject({ id: deleteRequest!.id, requestType: 'delete', scope: 'product/deleted' });
      await store.finishTransfer(next!.claim, ok, [], {}, T0 + 5);
      expect(await store.claimTransfers('w', 10, T0 + 6, LEASE)).toEqual([]);

      // A waiting update and a delete, and one hook with an update and a delete: each delete after its update.
      const waiting = await hookWith(store, [{ externalId: 'B' }], T0 + 7);
      const both = await hookWith(store, [{ externalId: 'B', action: 'deleted' }, { externalId: 'C' }, { externalId: 'C', action: 'deleted' }], T0 + 8);
      const order: string[] = [];
      for (let now = T0 + 9; now < T0 + 20; now++) {
        const claimed = await store.claimTransfers('w', 10, now, LEASE);
        if (claimed.length === 0) break;
        for (const t of claimed) {
          order.push(`${t.externalId} ${t.requestType}`);
          await store.finishTransfer(t.claim, ok, [], {}, now);
        }
      }
      expect(order).toEqual(['B standard', 'C standard', 'B delete', 'C delete']);
      expect((await store.transfersOf(waiting)).map((t) => t.requestType)).toEqual(['standard']);
      expect((await store.transfersOf(both)).map((t) => `${t.externalId} ${t.requestType}`)).toEqual(['B delete', 'C standard', 'C delete']);
    });

    it('neither loses nor doubles the mark when the claim is taken over: the stale run finishes nothing, the run that took over queues the one follow-up', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [stale] = await store.claimTransfers('crashed', 10, T0, LEASE);
      const during = await hookWith(store, [{ externalId: 'A' }], T0 + 1);
      const [fresh] = await store.claimTransfers('w', 10, T0 + LEASE + 1, LEASE);
      expect(fresh!.id).toBe(id);
      const after = await hookWith(store, [{ externalId: 'A' }], T0 + LEASE + 2); // marks it again: newest wins
      expect((await store.notificationsOf(after))[0]!.reason).toBe(running(id!));
      expect(await store.finishTransfer(stale!.claim, ok, [], {}, T0 + LEASE + 3)).toBe(false);
      expect(await store.claimTransfers('w', 10, T0 + LEASE + 3, LEASE)).toEqual([]); // no follow-up from the stale run
      expect(await store.finishTransfer(fresh!.claim, ok, [], {}, T0 + LEASE + 4)).toBe(true);
      const followUps = await store.claimTransfers('w', 10, T0 + LEASE + 5, LEASE);
      expect(followUps).toEqual([expect.objectContaining({ externalId: 'A', hookId: after })]);
      expect(await store.transfersOf(during)).toEqual([]);
      expect(await store.finishTransfer(stale!.claim, ok, [], {}, T0 + LEASE + 6)).toBe(false);
      await store.finishTransfer(followUps[0]!.claim, ok, [], {}, T0 + LEASE + 6);
      expect(await store.claimTransfers('w', 10, T0 + LEASE + 7, LEASE)).toEqual([]);
    });

    it('hands a stopping worker’s marked request back with the mark taken in: it runs once, with no follow-up after', async () => {
      await hookWith(store, [{ externalId: 'A', payload: true }], T0);
      const [claimed] = await store.claimTransfers('stopping', 10, T0, LEASE);
      const newer = await hookWith(store, [{ externalId: 'A', payload: true }], T0 + 1);
      expect(await store.releaseTransfers('stopping', T0 + 2)).toBe(1);
      const [again] = await store.claimTransfers('w', 10, T0 + 3, LEASE);
      expect(again).toMatchObject({ id: claimed!.id, payload: { hookId: newer, seq: 0 } });
      await store.finishTransfer(again!.claim, ok, [], {}, T0 + 4);
      expect(await store.claimTransfers('w', 10, T0 + 5, LEASE)).toEqual([]);
    });

    it('hands the mark to a request replayed for the record while it ran, instead of queueing a second one', async () => {
      const [old] = await queue(store, [['shop', 'A']]);
      const [first] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(first!.claim, outcome('dead'), [], {}, T0 + 1);
      await queue(store, [['shop', 'A']], T0 + 2);
      const [current] = await store.claimTransfers('w', 10, T0 + 2, LEASE);
      await hookWith(store, [{ externalId: 'A' }], T0 + 3); // marks current
      expect(await store.retryTransfer(old!, 'ops', T0 + 4)).toMatchObject({ status: 'queued' });
      await store.finishTransfer(current!.claim, ok, [], {}, T0 + 5);
      expect((await store.activityOf(current!.id)).at(-1)).toMatchObject({ step: 'follow-up', detail: expect.stringContaining(`transfer ${old}, waiting`) });
      expect((await store.claimTransfers('w', 10, T0 + 6, LEASE)).map((t) => t.id)).toEqual([old]);
      expect((await store.counts()).transfers.queued).toBe(0);
    });

    it('never marks a running child: a change for its record is queued behind it', async () => {
      const [parentId] = await queue(store, [['shop', 'P']]);
      const [parent] = await store.claimTransfers('w', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, childOf(parentId!, 'Item:1'), T0 + 1, LEASE);
      const [queued] = await queue(store, [['erp', 'Item:1']], T0 + 2);
      expect(queued).toBeDefined();
      expect(await store.finishTransfer(child!.claim, ok, [], {}, T0 + 3)).toBe(true);
      await store.finishTransfer(parent!.claim, ok, [], {}, T0 + 4);
      expect((await store.claimTransfers('w', 10, T0 + 5, LEASE)).map((t) => t.id)).toEqual([queued]);
    });

    it('marks a running transfer out of the hub when the hub record changes again, and follows it up once', async () => {
      const [a] = await queue(store, [['shop', 'A']]);
      const [source] = await store.claimTransfers('w', 10, T0, LEASE);
      const change = { type: 'product' as const, hubId: null, expectedVersion: null, data: { sku: 'S' }, deleted: false, link: null, fanOut: [fanOutTo('erp', a!)] };
      const applied = await store.applyHubChange(source!.claim, change, T0 + 1);
      await store.finishTransfer(source!.claim, ok, [], {}, T0 + 2);
      const [out] = await store.claimTransfers('w', 10, T0 + 3, LEASE);
      expect(out).toMatchObject({ id: applied!.fanOut[0], direction: 'from_hub' });
      // The hub record changes twice while the transfer out runs.
      for (const at of [T0 + 4, T0 + 6]) {
        await queue(store, [['shop', 'A']], at);
        const [again] = await store.claimTransfers('w', 10, at, LEASE);
        const hub = (await store.getHubRecord(applied!.hubId))!;
        const update = { ...change, hubId: hub.id, expectedVersion: hub.version, data: { sku: `S${at}` }, fanOut: [fanOutTo('erp', again!.id)] };
        expect((await store.applyHubChange(again!.claim, update, at + 1))!.fanOut).toEqual([out!.id]);
        await store.finishTransfer(again!.claim, ok, [], {}, at + 1);
      }
      await store.finishTransfer(out!.claim, ok, [], {}, T0 + 8);
      const followUps = await store.claimTransfers('w', 10, T0 + 9, LEASE);
      expect(followUps).toEqual([expect.objectContaining({ direction: 'from_hub', connection: 'erp', hubId: applied!.hubId })]);
      expect(followUps[0]!.id).not.toBe(out!.id);
    });
  });
};
