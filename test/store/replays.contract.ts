/**
 * The Store contract, replays: requests queued again with their history kept, by id and by filter
 * page by page, hooks read again; every replay recorded, nothing deleted.
 */
import { describe, expect, it } from 'vitest';
import { appendIds, freshStore, LEASE, ok, plannedRequest, queue, T0, type ContractSuite } from './contract.js';

export const replaysContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, replays: ${adapter}`, () => {
    const store = freshStore(factory);

    it('retries a dead request: queued again with attempts renewed, its history kept, the replay recorded', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(claimed!.claim, { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_REJECTED', error: '422' }, [{ at: T0, step: 'failed', detail: '422' }], {}, T0 + 1);
      const retried = await store.retryTransfer(id!, 'api', T0 + 10);
      expect(retried).toMatchObject({ id, status: 'queued', attempts: 0, runAt: T0 + 10, lastErrorCode: 'HY_ERR_DESTINATION_REJECTED', finishedAt: null });
      expect((await store.activityOf(id!)).map((a) => a.step)).toEqual(['failed', 'replayed']);
      expect(await store.retryTransfer(id!, 'api', T0 + 11)).toBeNull(); // queued already
      const replays = (await store.listReplays({ limit: 10 })).items;
      expect(replays).toEqual([{ id: expect.any(Number), kind: 'transfer', target: String(id), count: 1, actor: 'api', createdAt: T0 + 10 }]);
    });

    it('lets a request waiting for the same record absorb a replayed one (the enqueue rule)', async () => {
      const [dead] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(claimed!.claim, { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' }, [], {}, T0 + 1);
      const [waiting] = await queue(store, [['shop', 'A']], T0 + 2);
      const retried = await store.retryTransfer(dead!, 'api', T0 + 3);
      expect(retried).toMatchObject({ id: dead, status: 'skipped', reasonCode: 'coalesced' });
      expect(retried!.reason).toContain(`transfer ${waiting}`);
      expect((await store.claimTransfers('w', 10, T0 + 4, LEASE)).map((t) => t.id)).toEqual([waiting]);
    });

    it('replays by filter page by page, leaving running and queued requests alone', async () => {
      const ids = await queue(store, [['shop', 'A'], ['shop', 'B'], ['erp', 'C'], ['shop', 'D']]);
      const claimed = await store.claimTransfers('w', 10, T0, LEASE);
      const dead = { ...ok, status: 'dead' as const, errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' };
      for (const t of claimed.filter((c) => ids.slice(0, 3).includes(c.id))) await store.finishTransfer(t.claim, dead, [], {}, T0 + 1);
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
      expect((await store.listReplays({ limit: 10 })).items[0]).toMatchObject({ id: replay, kind: 'transfers', count: 2, target: JSON.stringify(filter) });
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

    it('lists replays and cancels apart, newest first, paged with before', async () => {
      const r1 = await store.startReplay({ status: 'dead' }, 'api', T0);
      const c1 = await store.startCancel({ connection: 'shop' }, 'api', T0 + 1);
      const r2 = await store.startReplay({ connection: 'erp' }, 'cli', T0 + 2);
      const r3 = await store.startReplay({ scope: 'product/updated' }, 'api', T0 + 3);
      const c2 = await store.startCancel({ status: 'queued' }, 'cli', T0 + 4);

      const first = await store.listReplays({ limit: 2 });
      expect(first.items.map((r) => [r.id, r.actor, r.createdAt])).toEqual([[r3, 'api', T0 + 3], [r2, 'cli', T0 + 2]]);
      expect(first.next).toBe(r2);
      expect(await store.listReplays({ limit: 2, before: first.next! })).toMatchObject({ items: [{ id: r1, kind: 'transfers' }], next: null });
      const cancels = await store.listCancels({ limit: 1 });
      expect([cancels.items.map((c) => c.id), cancels.next]).toEqual([[c2], c2]);
      expect(await store.listCancels({ limit: 1, before: c2 })).toMatchObject({ items: [{ id: c1, kind: 'cancels' }], next: c1 });
      expect(await store.listCancels({ limit: 1, before: c1 })).toEqual({ items: [], next: null });
    });

    it('cancels waiting requests page by page, never running ones, and records each cancel', async () => {
      await store.queueTransfers(['C:1', 'C:2', 'C:3', 'C:4', 'C:5'].map((id, seq) => plannedRequest(seq, 'erp', id, T0)), T0);
      const [running] = await store.claimTransfers('w', 1, T0, LEASE);
      const filter = { connection: 'erp' };
      expect(await store.countCancellable(filter)).toBe(4);
      const cancel = await store.startCancel(filter, 'cli', T0 + 1);
      const first = await store.cancelPage(cancel, filter, 0, 3, T0 + 1);
      expect(first.cancelled).toBe(3);
      expect(await store.cancelPage(cancel, filter, first.lastId!, 3, T0 + 1)).toEqual({ cancelled: 1, lastId: null });
      const items = (await store.listTransfers({ limit: 10 })).items;
      const skipped = items.filter((t) => t.status === 'skipped');
      expect(skipped.map((t) => [t.reasonCode, t.reason])).toEqual(skipped.map(() => ['cancelled', `cancelled by cli (cancel ${cancel})`]));
      expect(skipped).toHaveLength(4);
      expect(items.find((t) => t.id === running!.id)).toMatchObject({ status: 'running' });
      expect(await store.cancelTransfer(running!.id, 'cli', T0 + 2)).toBeNull();
      expect(await store.listCancels({ limit: 10 })).toEqual({
        items: [{ id: cancel, kind: 'cancels', target: JSON.stringify(filter), count: 4, actor: 'cli', createdAt: T0 + 1 }],
        next: null,
      });
      expect(await store.listReplays({ limit: 10 })).toEqual({ items: [], next: null });
    });
  });
};
