/**
 * The Store contract, transfer queue: claims in per-record order, leases renewed while a run
 * works, claims fenced by their token, children inside their parent's claim, one enqueue rule —
 * and the same under peers claiming at once.
 */
import { describe, expect, it } from 'vitest';
import type { Store, TransferOutcome } from '../../src/store/store.js';
import { makeScope } from '../../src/domain/scope.js';
import { appendIds, byId, childOf, freshStore, LEASE, ok, plannedRequest, queue, T0, type ContractSuite } from './contract.js';

export const transferQueueContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, transfer queue: ${adapter}`, () => {
    const store = freshStore(factory);

    it('claims only the first request of each record, and the next one after it ends', async () => {
      const [a1, b1] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const [a2] = await queue(store, [['shop', 'A']], T0 + 1);
      // a2 was coalesced into a1 (still queued); a change while a1 runs marks it for a follow-up.
      expect(a2).toBeUndefined();
      const first = byId(await store.claimTransfers('w1', 10, T0, LEASE));
      expect([...first.keys()].sort()).toEqual([a1, b1].sort());
      const [a3] = await queue(store, [['shop', 'A']], T0 + 2);
      expect(a3).toBeUndefined(); // marked, not queued
      expect(await store.claimTransfers('w2', 10, T0 + 3, LEASE)).toEqual([]); // a1 still running
      expect(await store.finishTransfer(first.get(a1!)!.claim, ok, [{ at: T0 + 4, step: 'done', detail: null }], {}, T0 + 4)).toBe(true);
      const [followUp] = await store.claimTransfers('w2', 10, T0 + 5, LEASE);
      expect(followUp).toMatchObject({ externalId: 'A', status: 'running' });
      expect(followUp!.id).toBeGreaterThan(a1!);
      expect((await store.activityOf(a1!))[0]).toEqual({ at: T0 + 4, step: 'done', detail: null });
    });

    it('claims only requests due by dueBy when it is given, in (due, id) order, and never one due after now', async () => {
      const [a] = await queue(store, [['shop', 'A']], T0);
      const [b] = await queue(store, [['shop', 'B']], T0 + 10);
      const [c] = await queue(store, [['shop', 'C']], T0 + 10, T0 + 50); // due later (a debounce)
      expect(await store.claimTransfers('w', 10, T0 + 20, LEASE, T0 - 1)).toEqual([]);
      expect((await store.claimTransfers('w', 10, T0 + 20, LEASE, T0 + 9)).map((t) => t.id)).toEqual([a]);
      expect((await store.claimTransfers('w', 10, T0 + 20, LEASE, T0 + 99)).map((t) => t.id)).toEqual([b]); // not c: due after now
      expect((await store.claimTransfers('w', 10, T0 + 50, LEASE)).map((t) => t.id)).toEqual([c]);
    });

    it('absorbs a request for a record that has one waiting, within one hook too', async () => {
      const ids = await queue(store, [['shop', 'A'], ['shop', 'A'], ['shop', 'B']]);
      expect(ids).toHaveLength(2);
      const [hook] = (await store.listHooks({ limit: 1 })).items;
      const reasons = (await store.notificationsOf(hook!.id)).map((n) => n.reason);
      expect(reasons).toEqual([null, `coalesced into transfer ${ids[0]}, which has not run yet`, null]);
    });

    it('points a waiting request at the payload of each newer hook absorbed into it, and at none after a request without one', async () => {
      const withPayload = async (payload: boolean, now: number) => {
        const [hookId] = await appendIds(store, [{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], now);
        await store.claimHooks('r', 10, now, LEASE);
        const notifications = [0, 1].map((seq) => ({ seq, hookName: 'x', scope: makeScope('product/updated', 'p'), externalId: seq === 0 ? 'B' : 'A', status: 'planned' as const, reason: null }));
        const transfers = [0, 1].map((seq) => ({ ...plannedRequest(seq, 'shop', seq === 0 ? 'B' : 'A', now), payload }));
        await store.saveResolutions('r', [{ hookId: hookId!, status: 'resolved', errorCode: null, errorMessage: null, notifications, transfers }], now);
        return hookId!;
      };
      const first = await withPayload(true, T0);
      const [, waiting] = (await store.transfersOf(first)).map((t) => t.id);
      expect((await store.getTransfer(waiting!))!.payload).toEqual({ hookId: first, seq: 1 });
      const second = await withPayload(true, T0 + 1);
      expect(await store.transfersOf(second)).toEqual([]); // both absorbed
      expect((await store.getTransfer(waiting!))!.payload).toEqual({ hookId: second, seq: 1 });
      // A manual sync (no payload) absorbed into it: the waiting request reads the record from the source.
      await store.queueTransfers([plannedRequest(0, 'shop', 'A', T0 + 2)], T0 + 2);
      expect((await store.getTransfer(waiting!))!.payload).toBeNull();
      await withPayload(false, T0 + 3);
      expect((await store.getTransfer(waiting!))!.payload).toBeNull();
    });

    it('keeps arrival order: a request whose lease expired is claimed again before the change that arrived while it ran', async () => {
      const [older] = await queue(store, [['shop', 'A']]);
      await store.claimTransfers('crashed', 10, T0, LEASE);
      const [hookId] = (await store.listHooks({ limit: 1 })).items.map((h) => h.id);
      expect(await queue(store, [['shop', 'A']], T0 + 1)).toEqual([]); // the older one runs: marked, not queued
      const claimed = await store.claimTransfers('w2', 10, T0 + LEASE + 1, LEASE);
      expect(claimed.map((t) => t.id)).toEqual([older]);
      expect(await store.claimTransfers('w3', 10, T0 + LEASE + 2, LEASE)).toEqual([]);
      await store.finishTransfer(claimed[0]!.claim, ok, [], {}, T0 + LEASE + 2);
      const [newer] = await store.claimTransfers('w2', 10, T0 + LEASE + 3, LEASE);
      expect(newer!.id).toBeGreaterThan(older!);
      expect(newer!.hookId).toBe(hookId! + 1);
    });

    it('hands a request to another worker after its lease expires, and refuses the old run then', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('dead-worker', 10, T0, LEASE);
      expect(claimed).toMatchObject({ attempts: 1, leaseOwner: 'dead-worker', leaseUntil: T0 + LEASE });
      expect(await store.claimTransfers('w2', 10, T0 + LEASE - 1, LEASE)).toEqual([]);
      const [again] = await store.claimTransfers('w2', 10, T0 + LEASE + 1, LEASE);
      expect(again).toMatchObject({ id, status: 'running', attempts: 2 });
      expect(again!.claim.token).not.toBe(claimed!.claim.token);
      expect(await store.finishTransfer(claimed!.claim, ok, [], {}, T0 + LEASE + 2)).toBe(false);
      expect(await store.finishTransfer(again!.claim, ok, [], {}, T0 + LEASE + 3)).toBe(true);
      expect(await store.getTransfer(id!)).toMatchObject({ status: 'succeeded', finishedAt: T0 + LEASE + 3, leaseOwner: null });
    });

    it('renews a lease while the claim holds, and reports a claim that no longer does', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      expect(await store.renewTransfers([claimed!.claim], T0 + LEASE - 1, LEASE)).toEqual([]);
      expect(await store.getTransfer(id!)).toMatchObject({ leaseUntil: T0 + 2 * LEASE - 1 });
      expect(await store.claimTransfers('other', 10, T0 + LEASE + 1, LEASE)).toEqual([]); // renewed: not taken over
      const [taken] = await store.claimTransfers('other', 10, T0 + 2 * LEASE, LEASE);
      expect(taken!.id).toBe(id);
      expect(await store.renewTransfers([claimed!.claim, taken!.claim], T0 + 2 * LEASE + 1, LEASE)).toEqual([id]);
      await store.finishTransfer(taken!.claim, ok, [], {}, T0 + 2 * LEASE + 2);
      expect(await store.renewTransfers([taken!.claim], T0 + 2 * LEASE + 3, LEASE)).toEqual([id]); // ended
    });

    it('fences a claim taken over by the same worker: the old run can neither finish, change the hub, nor start a child', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [stale] = await store.claimTransfers('w', 10, T0, LEASE);
      const staleChild = await store.startChild(stale!.claim, childOf(id!), T0 + 1, LEASE);
      expect(staleChild).not.toBeNull();
      const [fresh] = await store.claimTransfers('w', 10, T0 + LEASE + 1, LEASE); // one process, claimed again
      expect(fresh!.id).toBe(id);
      const change = { type: 'product' as const, hubId: null, expectedVersion: null, data: { sku: 'S' }, deleted: false, link: null, fanOut: [] };
      expect(await store.applyHubChange(stale!.claim, change, T0 + LEASE + 2)).toBeNull();
      expect(await store.startChild(stale!.claim, childOf(id!), T0 + LEASE + 2, LEASE)).toBeNull();
      expect(await store.finishTransfer(staleChild!.claim, ok, [], {}, T0 + LEASE + 2)).toBe(false); // its parent's claim is gone
      expect(await store.finishTransfer(stale!.claim, ok, [{ at: T0, step: 'stale', detail: null }], {}, T0 + LEASE + 2)).toBe(false);
      expect(await store.activityOf(id!)).toEqual([]);
      expect(await store.hubRecordByField('product', 'sku', 'S')).toBeNull();
      expect(await store.finishTransfer(fresh!.claim, ok, [], {}, T0 + LEASE + 3)).toBe(true);
    });

    it('hands back what a stopping worker still runs, without counting the attempt', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const claims = byId(await store.claimTransfers('stopping', 10, T0, LEASE));
      expect(await store.finishTransfer(claims.get(b!)!.claim, ok, [], {}, T0 + 1)).toBe(true);
      expect(await store.releaseTransfers('stopping', T0 + 2)).toBe(1);
      expect(await store.getTransfer(a!)).toMatchObject({ status: 'queued', attempts: 0, runAt: T0 + 2 });
      expect(await store.finishTransfer(claims.get(a!)!.claim, ok, [], {}, T0 + 3)).toBe(false);
      expect((await store.claimTransfers('next', 10, T0 + 3, LEASE)).map((t) => t.id)).toEqual([a]);
    });

    it("closes a stopping worker's running children instead of handing them back", async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      const [parent] = await store.claimTransfers('stopping', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, childOf(id!), T0, LEASE);
      expect(await store.releaseTransfers('stopping', T0 + 1)).toBe(1); // the parent
      expect(await store.getTransfer(child!.id)).toMatchObject({ status: 'skipped', reasonCode: 'orphaned', leaseOwner: null });
      expect((await store.claimTransfers('next', 10, T0 + 2, LEASE)).map((t) => t.id)).toEqual([id]);
    });

    it('waits for run_at and keeps a retry on its row', async () => {
      const [id] = await queue(store, [['shop', 'A']], T0, T0 + 1000);
      expect(await store.claimTransfers('w', 10, T0 + 999, LEASE)).toEqual([]);
      const [claimed] = await store.claimTransfers('w', 10, T0 + 1000, LEASE);
      await store.finishTransfer(claimed!.claim, { ...ok, status: 'retrying', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503', runAt: T0 + 5000 }, [], {}, T0 + 1001);
      expect(await store.getTransfer(id!)).toMatchObject({ status: 'retrying', runAt: T0 + 5000, lastErrorCode: 'HY_ERR_DESTINATION_FAILED', finishedAt: null });
      expect(await store.claimTransfers('w', 10, T0 + 4999, LEASE)).toEqual([]);
      expect((await store.claimTransfers('w', 10, T0 + 5000, LEASE))[0]).toMatchObject({ id, attempts: 2 });
    });

    it("runs a child under its parent's claim and lists it under the parent", async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      const [parent] = await store.claimTransfers('w', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, { ...childOf(id!), origin: 'message/created Item:1' }, T0, LEASE);
      expect(child).toMatchObject({ status: 'running', parentId: id, attempts: 1, leaseOwner: 'w' });
      expect(await store.claimTransfers('other', 10, T0 + 1, LEASE)).toEqual([]);
      expect(await store.renewTransfers([parent!.claim, child!.claim], T0 + 2, LEASE)).toEqual([]);
      expect(await store.finishTransfer(child!.claim, ok, [], {}, T0 + 2)).toBe(true);
      expect((await store.childrenOf(id!)).map((t) => t.id)).toEqual([child!.id]);
    });

    it("retires a parent's dead children with its outcome, leaving its fan-out requests alone", async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      const [parent] = await store.claimTransfers('w', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, childOf(id!), T0, LEASE);
      const dead: TransferOutcome = { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' };
      await store.finishTransfer(child!.claim, dead, [], {}, T0);
      const fanned = await store.startChild(parent!.claim, { ...childOf(id!), direction: 'from_hub', requestType: 'standard', externalId: null, hubId: 1 }, T0, LEASE);
      await store.finishTransfer(fanned!.claim, dead, [], {}, T0);
      await store.finishTransfer(parent!.claim, { ...ok, status: 'retrying', runAt: T0 + 10 }, [], { retireFailedChildren: true }, T0 + 1);
      expect(await store.getTransfer(child!.id)).toMatchObject({ status: 'skipped', reasonCode: 'retried_with_parent', lastErrorCode: 'HY_ERR_DESTINATION_FAILED', lastError: '503' });
      expect(await store.getTransfer(fanned!.id)).toMatchObject({ status: 'dead' });
    });

    it('closes a child orphaned by a dead worker instead of running it on its own', async () => {
      const [id] = await queue(store, [['erp', 'Item:1']]);
      const [parent] = await store.claimTransfers('dead', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, childOf(id!), T0, LEASE);
      const claimed = await store.claimTransfers('next', 10, T0 + LEASE + 1, LEASE);
      expect(claimed.map((t) => t.id)).toEqual([id]); // the parent, which will run a fresh child
      expect(await store.getTransfer(child!.id)).toMatchObject({ status: 'skipped', reasonCode: 'orphaned' });
    });

    describe('with peers claiming at once', () => {
      it('gives each request to one peer once, never two of one record at once, in arrival order', async () => {
        const peers = await Promise.all([1, 2, 3, 4].map(() => store.peer()));
        const RECORDS = 12;
        const ROUNDS = 8;
        const holder = new Map<string, string>(); // record → the peer running it now
        const claimedIds: number[] = [];
        const order = new Map<string, number[]>();
        const overlaps: string[] = [];
        let producing = true;
        let now = T0;

        const work = async (peer: Store, name: string) => {
          let idle = 0;
          while (producing || idle < 3) {
            const claimed = await peer.claimTransfers(name, 3, ++now, LEASE);
            idle = claimed.length === 0 ? idle + 1 : 0;
            for (const t of claimed) {
              const record = t.externalId!;
              if (holder.has(record)) overlaps.push(`${record}: ${name} claimed ${t.id} while ${holder.get(record)} ran`);
              holder.set(record, name);
              claimedIds.push(t.id);
              order.set(record, [...(order.get(record) ?? []), t.id]);
            }
            await new Promise((r) => setImmediate(r));
            for (const t of claimed) {
              holder.delete(t.externalId!);
              expect(await peer.finishTransfer(t.claim, ok, [], {}, ++now)).toBe(true);
            }
            if (claimed.length === 0) await new Promise((r) => setTimeout(r, 5));
          }
        };
        const produce = async () => {
          for (let round = 0; round < ROUNDS; round++) {
            await queue(store, Array.from({ length: RECORDS }, (_, i) => ['shop', `R${i}`] as [string, string]), ++now);
            await new Promise((r) => setTimeout(r, 10));
          }
          producing = false;
        };
        await Promise.all([produce(), ...peers.map((peer, i) => work(peer, `peer-${i}`))]);

        const all = (await store.listTransfers({ limit: 1000 })).items;
        expect(all.length).toBeGreaterThan(RECORDS); // more than one request per record was queued
        expect(all.every((t) => t.status === 'succeeded')).toBe(true);
        expect([...claimedIds].sort((a, b) => a - b)).toEqual(all.map((t) => t.id).sort((a, b) => a - b)); // each once
        expect(overlaps).toEqual([]);
        for (const [record, ids] of order) expect(ids, record).toEqual([...ids].sort((a, b) => a - b));
      });

      it('refuses a stale claim racing the run that took it over', async () => {
        const [a, b] = await Promise.all([store.peer(), store.peer()]);
        const ids = await queue(store, Array.from({ length: 6 }, (_, i) => ['shop', `S${i}`] as [string, string]));
        const stale = await a.claimTransfers('a', 10, T0, LEASE);
        const fresh = byId(await b.claimTransfers('b', 10, T0 + LEASE + 1, LEASE));
        expect([...fresh.keys()].sort()).toEqual([...ids].sort());
        const results = await Promise.all(
          stale.flatMap((t) => [
            a.finishTransfer(t.claim, { ...ok, reason: 'stale' }, [], {}, T0 + LEASE + 2).then((done) => ['stale', done] as const),
            b.finishTransfer(fresh.get(t.id)!.claim, { ...ok, reason: 'fresh' }, [], {}, T0 + LEASE + 2).then((done) => ['fresh', done] as const),
          ]),
        );
        expect(results.filter(([, done]) => done).map(([who]) => who)).toEqual(ids.map(() => 'fresh'));
        for (const id of ids) expect(await store.getTransfer(id)).toMatchObject({ status: 'succeeded', reason: 'fresh' });
      });
    });
  });
};
