/**
 * The Store contract, at a large backlog: claims keep per-record order and one-at-a-time with
 * tens of thousands of requests waiting and peers claiming at once; a request queued again behind
 * a running one of its record waits for it; the counts operators read equal a recount of the rows
 * after any mix of writes.
 */
import { describe, expect, it } from 'vitest';
import type { HookStatus, PlannedTransfer, TransferRequest } from '../../src/domain/types.js';
import type { ClaimedTransfer, Store, TransferOutcome } from '../../src/store/store.js';
import { appendIds, childOf, freshStore, hook, LEASE, ok, plannedRequest, queue, resolution, T0, type ContractSuite } from './contract.js';

/** Every transfer request, paging through the listing. */
async function allTransfers(store: Store): Promise<TransferRequest[]> {
  const all: TransferRequest[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.listTransfers({ limit: 5000, ...(before === undefined ? {} : { before }) });
    all.push(...page.items);
    if (page.next === null) return all;
    before = page.next;
  }
}

/** Every hook's status, paging through the listing. */
async function allHookStatuses(store: Store): Promise<HookStatus[]> {
  const all: HookStatus[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.listHooks({ limit: 5000, ...(before === undefined ? {} : { before }) });
    all.push(...page.items.map((h) => h.status));
    if (page.next === null) return all;
    before = page.next;
  }
}

function tally(keys: ReadonlyArray<string | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) if (key !== null) out[key] = (out[key] ?? 0) + 1;
  return out;
}

/** Zero counts left out, so that "none" and "0" compare equal. */
function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}

/** A small seeded generator (mulberry32): the same mix of operations on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const backlogContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, large backlog: ${adapter}`, () => {
    const store = freshStore(factory);

    it(
      'keeps each record in arrival order and one at a time with 20,000 requests waiting and peers claiming at once',
      async () => {
        const FILLER = 20_000; // one request each: the backlog the claims walk past
        const HOT = 300; // records that get new requests while their earlier ones run
        const ROUNDS = 12;
        // The filler is due a little later than the hot records, so that the walk reaches the hot
        // records first, every time, however much filler waits behind them.
        const filler: PlannedTransfer[] = Array.from({ length: FILLER }, (_, i) => ({ ...plannedRequest(i, 'erp', `F${i}`, T0 + 1), trackingId: `f${i}` }));
        expect(await store.queueTransfers(filler, T0)).toEqual({ queued: FILLER, absorbed: 0 });

        const peers = await Promise.all([1, 2, 3, 4].map(() => store.peer()));
        const holder = new Map<string, string>(); // record → the peer running it now
        const order = new Map<string, number[]>(); // record → ids in the order they were claimed
        const claimedIds: number[] = [];
        const overlaps: string[] = [];
        let producing = true;
        let now = T0 + 1;

        const work = async (peer: Store, name: string) => {
          let idle = 0;
          while (producing || idle < 3) {
            const claimed: ClaimedTransfer[] = await peer.claimTransfers(name, 50, ++now, LEASE);
            idle = claimed.length === 0 ? idle + 1 : 0;
            for (const t of claimed) {
              const record = `${t.connection}/${t.externalId}`;
              if (holder.has(record)) overlaps.push(`${record}: ${name} claimed ${t.id} while ${holder.get(record)} ran`);
              holder.set(record, name);
              claimedIds.push(t.id);
              order.set(record, [...(order.get(record) ?? []), t.id]);
            }
            await new Promise((r) => setImmediate(r));
            for (const t of claimed) holder.delete(`${t.connection}/${t.externalId}`);
            const finished = await Promise.all(claimed.map((t) => peer.finishTransfer(t.claim, ok, [], {}, ++now)));
            expect(finished.every(Boolean)).toBe(true);
            if (claimed.length === 0) await new Promise((r) => setTimeout(r, 5));
          }
        };
        const produce = async () => {
          for (let round = 0; round < ROUNDS; round++) {
            await queue(store, Array.from({ length: HOT }, (_, i) => ['shop', `H${i}`] as [string, string]), ++now, T0);
            await new Promise((r) => setTimeout(r, 15));
          }
          producing = false;
        };
        await Promise.all([produce(), ...peers.map((peer, i) => work(peer, `peer-${i}`))]);

        const all = await allTransfers(store);
        const hot = all.filter((t) => t.connection === 'shop');
        expect(hot.length).toBeGreaterThan(HOT); // records had requests queued behind running ones
        expect(all.filter((t) => t.status !== 'succeeded')).toEqual([]);
        expect(claimedIds.length).toBe(all.length); // each once
        expect(new Set(claimedIds).size).toBe(all.length);
        expect(overlaps).toEqual([]);
        for (const [record, ids] of order) expect(ids, record).toEqual([...ids].sort((a, b) => a - b));
        const counts = await store.counts();
        expect(counts.transfers).toMatchObject({ queued: 0, running: 0, succeeded: all.length });
      },
      120_000,
    );

    it('holds a request queued again behind a running one of its record until that one ends', async () => {
      const [first] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(claimed!.claim, { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' }, [], {}, T0 + 1);
      const [second] = await queue(store, [['shop', 'A']], T0 + 2);
      const [running] = await store.claimTransfers('w', 10, T0 + 3, LEASE);
      expect(running!.id).toBe(second);
      // Replayed while the newer one runs: nothing waits for the record, so it is queued again —
      // first in line by arrival, yet it must not run beside the running one.
      expect(await store.retryTransfer(first!, 'api', T0 + 4)).toMatchObject({ status: 'queued' });
      expect(await store.claimTransfers('other', 10, T0 + 5, LEASE)).toEqual([]);
      // Another record's request is not held up by it.
      const [other] = await queue(store, [['shop', 'B']], T0 + 6);
      expect((await store.claimTransfers('other', 10, T0 + 7, LEASE)).map((t) => t.id)).toEqual([other]);
      expect(await store.finishTransfer(running!.claim, ok, [], {}, T0 + 8)).toBe(true);
      expect((await store.claimTransfers('other', 10, T0 + 9, LEASE)).map((t) => t.id)).toEqual([first]);
    });

    it('moves first place in line on as requests of a record are absorbed, cancelled, queued again or end', async () => {
      const [first] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      await store.finishTransfer(claimed!.claim, { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503' }, [], {}, T0 + 1);
      const [waiting] = await queue(store, [['shop', 'A']], T0 + 2);
      // The dead one replayed: absorbed by the waiting one, which stays first in line.
      expect(await store.retryTransfer(first!, 'api', T0 + 3)).toMatchObject({ status: 'skipped', reasonCode: 'coalesced' });
      expect(await store.cancelTransfer(waiting!, 'api', T0 + 4)).toMatchObject({ status: 'skipped', reasonCode: 'cancelled' });
      expect(await store.claimTransfers('w', 10, T0 + 5, LEASE)).toEqual([]); // nothing of A waits
      // Replayed again, with nothing waiting now: queued, first in line, claimed.
      expect(await store.retryTransfer(first!, 'api', T0 + 6)).toMatchObject({ status: 'queued' });
      expect((await store.claimTransfers('w', 10, T0 + 7, LEASE)).map((t) => t.id)).toEqual([first]);
    });

    it("holds a request for a record whose child request runs under its parent until the child ends", async () => {
      const [parentId] = await queue(store, [['erp', 'Item:1']]);
      const [parent] = await store.claimTransfers('w', 10, T0, LEASE);
      const child = await store.startChild(parent!.claim, childOf(parentId!, 'X1'), T0 + 1, LEASE);
      const [behind] = await queue(store, [['erp', 'X1']], T0 + 2);
      expect(behind).toBeGreaterThan(child!.id);
      expect(await store.claimTransfers('other', 10, T0 + 3, LEASE)).toEqual([]);
      expect(await store.finishTransfer(child!.claim, ok, [], {}, T0 + 4)).toBe(true);
      expect((await store.claimTransfers('other', 10, T0 + 5, LEASE)).map((t) => t.id)).toEqual([behind]);
    });

    it('counts what a recount of the rows finds, after a random mix of writes', async () => {
      const next = random(20260101);
      const pick = <T,>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)];
      const records = Array.from({ length: 12 }, (_, i) => `R${i}`);
      const running = new Map<number, ClaimedTransfer>();
      let now = T0;
      const outcomes: TransferOutcome[] = [
        ok,
        { ...ok, status: 'skipped', reason: 'nothing changed', reasonCode: 'unchanged' },
        { ...ok, status: 'dead', errorCode: 'HY_ERR_DESTINATION_REJECTED', error: '422' },
        { ...ok, status: 'retrying', errorCode: 'HY_ERR_DESTINATION_FAILED', error: '503', runAt: 0 },
      ];
      const recount = async () => {
        const transfers = await allTransfers(store);
        const counts = await store.counts();
        expect(nonZero(counts.transfers)).toEqual(tally(transfers.map((t) => t.status)));
        expect(nonZero(counts.reasons)).toEqual(tally(transfers.map((t) => t.reasonCode)));
        const hooks = tally(await allHookStatuses(store));
        expect(nonZero(counts.hooks)).toEqual(hooks);
        expect(await store.backlog()).toBe(hooks.received ?? 0);
        const due = transfers.filter((t) => (t.status === 'queued' || t.status === 'retrying') && t.runAt <= now).length;
        expect(await store.waitingWork(now)).toEqual({ hooks: hooks.received ?? 0, transfers: due });
      };

      for (let step = 0; step < 400; step++) {
        now += 1 + Math.floor(next() * 3);
        const roll = next();
        if (roll < 0.2) {
          // Enqueue through a resolved hook (a second request for a waiting record is absorbed).
          const ids = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(records)!);
          const [hookId] = await appendIds(store, [hook('shop', '{}')], now);
          await store.claimHooks('resolver', 1000, now, LEASE);
          const resolved = resolution(hookId!, ids);
          if (next() < 0.2) resolved.transfers = resolved.transfers.map((t) => ({ ...t, status: 'skipped', reason: 'off', reasonCode: 'not_enabled' }));
          await store.saveResolutions('resolver', [resolved], now);
        } else if (roll < 0.27) {
          // A hook that fails to resolve, or one left received.
          const [hookId] = await appendIds(store, [hook('erp', 'x')], now);
          if (next() < 0.5) {
            await store.claimHooks('resolver', 1000, now, LEASE);
            await store.saveResolutions('resolver', [{ hookId: hookId!, status: 'failed', errorCode: 'HY_ERR_HOOK_BODY_NOT_JSON', errorMessage: 'x', notifications: [], transfers: [] }], now);
          }
        } else if (roll < 0.35) {
          await store.queueTransfers([plannedRequest(0, 'erp', pick(records)!, now + (next() < 0.3 ? 50 : 0))], now);
        } else if (roll < 0.55) {
          for (const t of await store.claimTransfers(`w${step % 3}`, 1 + Math.floor(next() * 4), now, LEASE)) running.set(t.id, t);
        } else if (roll < 0.75) {
          const t = pick([...running.values()]);
          if (t) {
            const outcome = pick(outcomes)!;
            const finished = await store.finishTransfer(t.claim, outcome.status === 'retrying' ? { ...outcome, runAt: now + 20 } : outcome, [], {}, now);
            running.delete(t.id);
            expect(typeof finished).toBe('boolean');
          }
        } else if (roll < 0.8) {
          const t = pick([...running.values()].filter((r) => r.requestType !== 'child'));
          if (t) {
            const child = await store.startChild(t.claim, childOf(t.id, `C${step}`), now, LEASE);
            if (child) running.set(child.id, child);
          }
        } else if (roll < 0.86) {
          const t = pick((await store.listTransfers({ limit: 50 })).items.filter((r) => r.status !== 'running' && r.status !== 'queued'));
          if (t) await store.retryTransfer(t.id, 'api', now); // queued again, or coalesced into a waiting one
        } else if (roll < 0.89) {
          const filter = { status: 'dead' as const };
          const replay = await store.startReplay(filter, 'cli', now);
          await store.replayPage(replay, filter, 0, 3, now);
        } else if (roll < 0.94) {
          const t = pick((await store.listTransfers({ limit: 50 })).items.filter((r) => r.status === 'queued' || r.status === 'retrying'));
          if (t) await store.cancelTransfer(t.id, 'api', now);
        } else if (roll < 0.96) {
          const h = pick((await store.listHooks({ limit: 20, status: 'failed' })).items);
          if (h) await store.replayHook(h.id, 'api', now);
        } else if (roll < 0.98) {
          // A worker stopping hands back what it runs; an expired lease is taken over later.
          const worker = `w${Math.floor(next() * 3)}`;
          await store.releaseTransfers(worker, now);
          for (const [id, t] of running) if (t.leaseOwner === worker) running.delete(id);
        } else {
          now += LEASE; // every lease expires: the next claims take them over, the old runs are refused
          running.clear();
        }
        if (step % 50 === 49) await recount();
      }
      await recount();
    });
  });
};
