/**
 * The Store contract, retention: finished requests and hooks pruned a window at a time, what hangs
 * off them with them, everything still needed left alone, and what was pruned summed up in lineage.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HubChange, PrunePolicy, Store } from '../../src/store/store.js';
import { appendIds, byId, fanOutTo, freshStore, hook, LEASE, ok, queue, T0, type ContractSuite } from './contract.js';

const DAY = 86_400_000;

/** Cutoffs at `now`: finished requests and hooks kept `finished`, dead ones `dead` (ms; null: for ever). */
function policy(now: number, keep: { finished?: number | null; dead?: number | null; hooks?: number | null; guard?: number } = {}): PrunePolicy {
  const before = (ms: number | null | undefined) => (ms === null ? null : now - (ms ?? DAY));
  return {
    finishedBefore: before(keep.finished),
    deadBefore: before(keep.dead === undefined ? 30 * DAY : keep.dead),
    hooksBefore: before(keep.hooks),
    deadHooksBefore: before(keep.dead === undefined ? 30 * DAY : keep.dead),
    guardSince: now - (keep.guard ?? 0),
  };
}

/**
 * A request still to run, and its hook, after everything else: the newest of each table, which a
 * prune never removes (so that SQLite never hands an id out again).
 */
async function newest(store: Store): Promise<void> {
  await queue(store, [['shop', 'still-to-run']]);
}

/** One walk through each table, as the pruner's pass makes it: requests, then hooks. */
async function pass(store: Store, rules: PrunePolicy, now: number, limit = 500): Promise<{ transfers: number; hooks: number; busy: boolean }> {
  let busy = false;
  const walk = async (step: typeof store.pruneTransfers) => {
    let pruned = 0;
    for (let after: number | null = 0; after !== null; ) {
      const result = await step(rules, after, limit, now);
      pruned += result.pruned;
      busy ||= result.busy;
      after = result.busy ? null : result.next;
    }
    return pruned;
  };
  const transfers = await walk(store.pruneTransfers.bind(store));
  const hooks = await walk(store.pruneHooks.bind(store));
  return { transfers, hooks, busy };
}

/** Passes until one prunes nothing (a parent goes in the pass after its children). */
async function pruneAll(store: Store, rules: PrunePolicy, now: number, limit = 500): Promise<{ transfers: number; hooks: number }> {
  const total = { transfers: 0, hooks: 0 };
  for (;;) {
    const done = await pass(store, rules, now, limit);
    total.transfers += done.transfers;
    total.hooks += done.hooks;
    if (done.transfers + done.hooks === 0 && !done.busy) return total;
  }
}

/** `n` requests of one hook, each run and finished as succeeded at `now`; the hook's id and theirs. */
async function finishedRequests(store: Store, n: number, now: number): Promise<{ hookId: number; ids: number[] }> {
  const ids = await queue(store, Array.from({ length: n }, (_, i) => ['shop', `P${now}-${i}`] as [string, string]), now);
  const claims = byId(await store.claimTransfers('w', n, now, LEASE));
  for (const id of ids) await store.finishTransfer(claims.get(id)!.claim, ok, [{ at: now, step: 'done', detail: null }], {}, now);
  const hookId = (await store.getTransfer(ids[0]!))!.hookId!;
  return { hookId, ids };
}

export const retentionContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, retention: ${adapter}`, () => {
    const store = freshStore(factory);

    it('prunes finished requests after their retention and dead ones after theirs, a parent after its children, the hook after its requests', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const hookId = (await store.getTransfer(a!))!.hookId!;
      const claims = byId(await store.claimTransfers('w', 10, T0, LEASE));
      const applied = await store.applyHubChange(
        claims.get(a!)!.claim,
        { type: 'product', hubId: null, expectedVersion: null, data: { sku: 'S1' }, deleted: false, link: { connection: 'shop', externalId: 'A', replaceExisting: false }, match: null, fanOut: [fanOutTo('erp', a!)] },
        T0,
      );
      const hubId = applied!.hubId;
      const fanOut = applied!.fanOut[0]!;
      await store.finishTransfer(claims.get(a!)!.claim, { ...ok, hubId }, [{ at: T0, step: 'hub', detail: 'created' }], {}, T0 + 1);
      await store.finishTransfer(claims.get(b!)!.claim, { ...ok, status: 'dead', errorCode: 'HY_ERR_SOURCE_FAILED', error: '500' }, [{ at: T0, step: 'read', detail: 'failed' }], {}, T0 + 1);
      const out = byId(await store.claimTransfers('w', 10, T0 + 2, LEASE)).get(fanOut)!;
      await store.finishTransfer(out.claim, { ...ok, hubId }, [{ at: T0 + 2, step: 'write', detail: 'erp' }], { link: { connection: 'erp', type: 'product', externalId: 'E1', hubId, writtenHash: null } }, T0 + 3);
      await newest(store);

      // Ten days on: one walk takes the fan-out; its parent waits for it, and goes in the next.
      const later = T0 + 10 * DAY;
      expect(await pass(store, policy(later), later)).toEqual({ transfers: 1, hooks: 0, busy: false });
      expect(await store.getTransfer(fanOut)).toBeNull();
      expect(await store.getTransfer(a!)).not.toBeNull();
      expect(await pruneAll(store, policy(later), later)).toEqual({ transfers: 1, hooks: 0 });
      expect(await store.getTransfer(a!)).toBeNull();
      expect(await store.activityOf(a!)).toEqual([]);
      // The dead request is kept for longer, and its hook with it.
      expect((await store.getTransfer(b!))!.status).toBe('dead');
      expect(await store.getHook(hookId)).not.toBeNull();
      expect((await store.counts()).transfers).toMatchObject({ succeeded: 0, dead: 1 });

      // The hub record, its cross-references and its lineage's summary stay.
      const lineage = await store.lineageOf(hubId, { limit: 50 });
      expect(lineage.items).toEqual([]);
      expect(lineage.pruned).toEqual({
        steps: 2,
        from: T0,
        to: T0 + 3,
        byStatus: { succeeded: 2 },
        byDirection: { to_hub: 1, from_hub: 1 },
        byConnection: { shop: 1, erp: 1 },
      });
      expect((await store.getHubRecord(hubId))!.data).toEqual({ sku: 'S1' });
      expect((await store.hubRecordByExternalId('shop', 'product', 'A'))!.id).toBe(hubId);
      expect((await store.externalIdOf('erp', 'product', hubId))!.externalId).toBe('E1');

      // Forty days on the dead one goes too, then the hook, its notifications and its payload.
      const muchLater = T0 + 40 * DAY;
      expect(await pruneAll(store, policy(muchLater), muchLater)).toEqual({ transfers: 1, hooks: 1 });
      expect(await store.getTransfer(b!)).toBeNull();
      expect(await store.getHook(hookId)).toBeNull();
      expect(await store.notificationsOf(hookId)).toEqual([]);
      expect(await store.transfersOf(hookId)).toEqual([]);
      const counts = await store.counts();
      expect(counts.transfers).toMatchObject({ succeeded: 0, dead: 0, queued: 1 });
      expect(counts.hooks.resolved).toBe(1); // the newest, whose request is still to run
      expect((await store.hubRecordByExternalId('shop', 'product', 'A'))!.id).toBe(hubId);
      expect((await store.lineageOf(hubId, { limit: 50 })).pruned!.steps).toBe(2);
    });

    it('adds later pruned steps to the summary a hub record already has', async () => {
      const ids: number[] = [];
      let hubId: number | null = null;
      for (const [i, at] of [T0, T0 + DAY].entries()) {
        const [id] = await queue(store, [['shop', 'A']], at);
        const claim = byId(await store.claimTransfers('w', 10, at, LEASE)).get(id!)!.claim;
        const change: HubChange = { type: 'product' as const, hubId, expectedVersion: hubId === null ? null : 1, data: { sku: `S${i}` }, deleted: false, link: { connection: 'shop', externalId: 'A', replaceExisting: false }, match: null, fanOut: [] };
        hubId = (await store.applyHubChange(claim, change, at))!.hubId;
        await store.finishTransfer(claim, { ...ok, hubId }, [], {}, at);
        ids.push(id!);
      }
      await newest(store);
      await pruneAll(store, policy(T0 + 1.5 * DAY), T0 + 1.5 * DAY);
      const first = await store.lineageOf(hubId!, { limit: 50 });
      expect([first.items.map((s) => s.transfer.id), first.pruned?.steps]).toEqual([[ids[1]], 1]);
      await pruneAll(store, policy(T0 + 3 * DAY), T0 + 3 * DAY);
      const second = await store.lineageOf(hubId!, { limit: 50 });
      expect(second.items).toEqual([]);
      expect(second.pruned).toMatchObject({ steps: 2, from: T0, to: T0 + DAY, byStatus: { succeeded: 2 } });
    });

    it('leaves requests still to run, and their hooks, alone; keeps everything when every cutoff is off', async () => {
      const done = await finishedRequests(store, 2, T0);
      const [queued] = await queue(store, [['shop', 'Q']]);
      const far = T0 + 365 * DAY;
      expect(await pruneAll(store, policy(far, { finished: null, dead: null, hooks: null }), far)).toEqual({ transfers: 0, hooks: 0 });
      expect(await store.getTransfer(done.ids[0]!)).not.toBeNull();
      expect(await pruneAll(store, policy(far), far)).toEqual({ transfers: 2, hooks: 1 });
      expect((await store.getTransfer(queued!))!.status).toBe('queued');
      expect(await store.getHook((await store.getTransfer(queued!))!.hookId!)).not.toBeNull();
      expect(await store.getHook(done.hookId)).toBeNull();
    });

    it('keeps a hook while its delivery id deduplicates: a re-delivery after the prune is still refused', async () => {
      const [id] = await appendIds(store, [hook('shop', '{"n":1}', { deliveryId: 'delivery-1' })], T0);
      await store.claimHooks('r', 10, T0, LEASE);
      await store.saveResolutions('r', [{ hookId: id!, status: 'empty', errorCode: null, errorMessage: null, notifications: [], transfers: [] }], T0);
      await newest(store);

      const twoDays = T0 + 2 * DAY; // within the store's 72 h window
      expect(await pruneAll(store, policy(twoDays), twoDays)).toEqual({ transfers: 0, hooks: 0 });
      expect(await store.appendHooks([hook('shop', '{"n":1}', { deliveryId: 'delivery-1' })], twoDays)).toEqual([{ id, duplicate: true }]);

      const fourDays = T0 + 4 * DAY; // past it: the id deduplicates nothing any more
      expect(await pruneAll(store, policy(fourDays), fourDays)).toEqual({ transfers: 0, hooks: 1 });
      expect(await store.getHook(id!)).toBeNull();
      const [again] = await store.appendHooks([hook('shop', '{"n":1}', { deliveryId: 'delivery-1' })], fourDays);
      expect(again!.duplicate).toBe(false);
      expect(again!.id).not.toBe(id);
    });

    it("keeps a hook while the replay guard may find its body, then prunes it with the guard's row", async () => {
      const body = '{"same":"body"}';
      const guard = { hash: createHash('sha256').update(body).digest(), windowMs: 3 * DAY };
      const [id] = await appendIds(store, [hook('shop', body, { bodyGuard: guard })], T0);
      await store.claimHooks('r', 10, T0, LEASE);
      await store.saveResolutions('r', [{ hookId: id!, status: 'empty', errorCode: null, errorMessage: null, notifications: [], transfers: [] }], T0);
      await newest(store);

      const twoDays = T0 + 2 * DAY;
      expect(await pruneAll(store, policy(twoDays, { guard: guard.windowMs }), twoDays)).toEqual({ transfers: 0, hooks: 0 });
      expect(await store.appendHooks([hook('shop', body, { bodyGuard: guard })], twoDays)).toEqual([{ id, duplicate: true }]);

      const fourDays = T0 + 4 * DAY;
      expect(await pruneAll(store, policy(fourDays, { guard: guard.windowMs }), fourDays)).toEqual({ transfers: 0, hooks: 1 });
      const [again] = await store.appendHooks([hook('shop', body, { bodyGuard: guard })], fourDays);
      expect(again!.duplicate).toBe(false);
    });

    it('keeps unmatched and failed hooks as long as dead requests', async () => {
      const ids = await appendIds(store, [hook('shop', '1'), hook('shop', '2'), hook('shop', '3')], T0);
      await store.claimHooks('r', 10, T0, LEASE);
      const ended = (hookId: number, status: 'resolved' | 'unmatched' | 'failed') => ({ hookId, status, errorCode: null, errorMessage: null, notifications: [], transfers: [] });
      await store.saveResolutions('r', [ended(ids[0]!, 'resolved'), ended(ids[1]!, 'unmatched'), ended(ids[2]!, 'failed')], T0);
      await newest(store);
      const tenDays = T0 + 10 * DAY;
      expect(await pruneAll(store, policy(tenDays), tenDays)).toEqual({ transfers: 0, hooks: 1 });
      expect((await store.listHooks({ limit: 10 })).items.map((h) => h.status)).toEqual(['resolved', 'failed', 'unmatched']);
      const fortyDays = T0 + 40 * DAY;
      expect(await pruneAll(store, policy(fortyDays), fortyDays)).toEqual({ transfers: 0, hooks: 2 });
      expect((await store.counts()).hooks).toMatchObject({ resolved: 1, unmatched: 0, failed: 0 });
    });

    it('walks a window of `limit` rows per call, and hooks appended between the calls are taken', async () => {
      for (let i = 0; i < 3; i++) await finishedRequests(store, 2, T0 + i);
      await newest(store);
      const now = T0 + 10 * DAY;
      const rules = policy(now);
      const first = await store.pruneTransfers(rules, 0, 2, now);
      expect(first.pruned).toBe(2);
      expect(first.next).not.toBeNull();
      // Ingest between two batches of a prune.
      const [fresh] = await appendIds(store, [hook('shop', '{"between":"batches"}')], now);
      let after: number | null = first.next;
      let pruned = first.pruned;
      while (after !== null) {
        const step = await store.pruneTransfers(rules, after, 2, now);
        expect(step.pruned).toBeLessThanOrEqual(2);
        pruned += step.pruned;
        after = step.next;
      }
      expect(pruned).toBe(6);
      expect(await pruneAll(store, rules, now)).toEqual({ transfers: 0, hooks: 3 });
      expect((await store.getHook(fresh!))!.status).toBe('received');
      expect(await store.backlog()).toBe(1);
    });

    it('two stores pruning at once remove each row once', async () => {
      for (let i = 0; i < 4; i++) await finishedRequests(store, 5, T0 + i);
      await newest(store);
      const peer = await store.peer();
      const now = T0 + 10 * DAY;
      const [mine, theirs] = await Promise.all([pruneAll(store, policy(now), now, 3), pruneAll(peer, policy(now), now, 3)]);
      // Whoever found the store busy tried again until nothing was left: every row went exactly once.
      expect(mine.transfers + theirs.transfers).toBe(20);
      expect(mine.hooks + theirs.hooks).toBe(4);
      const counts = await store.counts();
      expect(counts.transfers.succeeded).toBe(0);
      expect(counts.hooks.resolved).toBe(1);
      expect((await store.listTransfers({ limit: 50 })).items.map((t) => t.status)).toEqual(['queued']);
    });
  });
};
