/** The Store contract, admin queries: what operators read, newest first, filtered and paged. */
import { describe, expect, it } from 'vitest';
import type { HookResolution } from '../../src/store/store.js';
import { appendIds, byId, fanOutTo, freshStore, hook, LEASE, ok, queue, resolution as planned, T0, type ContractSuite } from './contract.js';

export const adminContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, admin queries: ${adapter}`, () => {
    const store = freshStore(factory);

    it('answers null for an unknown hook or transfer', async () => {
      expect(await store.getHook(999_999)).toBeNull();
      expect(await store.getTransfer(999_999)).toBeNull();
    });

    it('lists hooks newest first with filters and paging', async () => {
      const ids = await appendIds(store, 
        [hook('shop', '1'), hook('erp', '22'), hook('shop', '333'), hook('shop', '4444'), hook('erp', '5')],
        T0,
      );
      const first = await store.listHooks({ limit: 2 });
      expect(first.items.map((h) => h.id)).toEqual([ids[4], ids[3]]);
      expect(first.next).toBe(ids[3]);
      const second = await store.listHooks({ limit: 2, before: first.next! });
      expect(second.items.map((h) => h.id)).toEqual([ids[2], ids[1]]);
      const last = await store.listHooks({ limit: 2, before: second.next! });
      expect(last.items.map((h) => h.id)).toEqual([ids[0]]);
      expect(last.next).toBeNull();

      const shop = await store.listHooks({ limit: 50, connection: 'shop' });
      expect(shop.items.map((h) => h.id)).toEqual([ids[3], ids[2], ids[0]]);
      expect(shop.items[0]!.bodyBytes).toBe(4);
      expect(await store.listHooks({ limit: 50, status: 'resolved' })).toEqual({ items: [], next: null });
      expect((await store.listHooks({ limit: 50, status: 'received', connection: 'erp' })).items).toHaveLength(2);
    });

    it('lists transfer requests with status, scope and connection filters', async () => {
      const ids = await appendIds(store, [hook('shop', '{}'), hook('shop', '{}')], T0);
      await store.claimHooks('w', 10, T0, LEASE);
      const skipped: HookResolution = planned(ids[1]!, ['z']);
      skipped.transfers = skipped.transfers.map((t) => ({ ...t, connection: 'erp', scope: 'product/deleted', requestType: 'delete', status: 'skipped', reason: 'delete scopes are off' }));
      await store.saveResolutions('w', [planned(ids[0]!, ['a', 'b']), skipped], T0);

      const all = await store.listTransfers({ limit: 50 });
      expect(all.items.map((t) => t.externalId)).toEqual(['z', 'b', 'a']);
      expect((await store.listTransfers({ limit: 50, status: 'skipped' })).items.map((t) => [t.externalId, t.reason])).toEqual([
        ['z', 'delete scopes are off'],
      ]);
      expect((await store.listTransfers({ limit: 50, scope: 'product/updated' })).items).toHaveLength(2);
      expect((await store.listTransfers({ limit: 50, connection: 'erp' })).items).toHaveLength(1);
      const page = await store.listTransfers({ limit: 2 });
      expect(page.next).toBe(page.items[1]!.id);
      expect((await store.listTransfers({ limit: 2, before: page.next! })).items.map((t) => t.externalId)).toEqual(['a']);
      const counts = await store.counts();
      expect(counts.transfers).toMatchObject({ queued: 2, skipped: 1, succeeded: 0 });
    });

    it('lists hooks received in a time range (since inclusive, until exclusive) and hooks that name an external id', async () => {
      const [early] = await appendIds(store, [hook('shop', '{}')], T0);
      const [middle] = await appendIds(store, [hook('shop', '{}')], T0 + 1_000);
      const [late] = await appendIds(store, [hook('erp', '{}')], T0 + 2_000);
      await store.claimHooks('w', 10, T0 + 2_000, LEASE);
      await store.saveResolutions('w', [planned(early!, ['A', 'B']), planned(middle!, ['B']), planned(late!, ['C'])], T0 + 2_000);
      const ids = async (filter: Omit<Parameters<typeof store.listHooks>[0], 'limit'>) => (await store.listHooks({ limit: 50, ...filter })).items.map((h) => h.id);

      expect(await ids({ since: T0 + 1_000 })).toEqual([late, middle]);
      expect(await ids({ until: T0 + 1_000 })).toEqual([early]);
      expect(await ids({ since: T0 + 1, until: T0 + 2_000 })).toEqual([middle]);
      expect(await ids({ externalId: 'B' })).toEqual([middle, early]);
      expect(await ids({ externalId: 'A' })).toEqual([early]);
      expect(await ids({ externalId: 'B', since: T0 + 1 })).toEqual([middle]);
      expect(await ids({ externalId: 'C', connection: 'shop' })).toEqual([]);
      expect(await ids({ externalId: 'nobody' })).toEqual([]);
      const first = await store.listHooks({ limit: 1, externalId: 'B' });
      expect([first.items.map((h) => h.id), first.next]).toEqual([[middle], middle]);
      expect(await store.listHooks({ limit: 1, externalId: 'B', before: first.next! })).toMatchObject({ items: [{ id: early }], next: early });
      expect(await store.listHooks({ limit: 1, externalId: 'B', before: early! })).toEqual({ items: [], next: null });
    });

    it('lists transfer requests created in a time range and those for one external id', async () => {
      const [a1] = await queue(store, [['shop', 'A']], T0);
      const [b] = await queue(store, [['erp', 'B']], T0 + 1_000);
      const [a2] = await queue(store, [['erp', 'A']], T0 + 2_000);
      const ids = async (filter: Omit<Parameters<typeof store.listTransfers>[0], 'limit'>) => (await store.listTransfers({ limit: 50, ...filter })).items.map((t) => t.id);

      expect(await ids({ since: T0 + 1_000 })).toEqual([a2, b]);
      expect(await ids({ until: T0 + 1_000 })).toEqual([a1]);
      expect(await ids({ since: T0 + 1, until: T0 + 2_000 })).toEqual([b]);
      expect(await ids({ externalId: 'A' })).toEqual([a2, a1]);
      expect(await ids({ externalId: 'A', connection: 'shop' })).toEqual([a1]);
      expect(await ids({ externalId: 'A', until: T0 + 2_000 })).toEqual([a1]);
      expect(await ids({ externalId: 'A', status: 'succeeded' })).toEqual([]);
      const first = await store.listTransfers({ limit: 1, externalId: 'A' });
      expect([first.items.map((t) => t.id), first.next]).toEqual([[a2], a2]);
      expect((await store.listTransfers({ limit: 1, externalId: 'A', before: first.next! })).items.map((t) => t.id)).toEqual([a1]);
    });

    it("lists a hub record's lineage oldest first, each request with its own activity, paged forwards", async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const claims = byId(await store.claimTransfers('w', 10, T0, LEASE));
      const change = (sku: string, externalId: string, fanOut: ReturnType<typeof fanOutTo>[]) => ({
        type: 'product' as const, hubId: null, expectedVersion: null, data: { sku }, deleted: false,
        link: { connection: 'shop', externalId, replaceExisting: false }, match: null, fanOut,
      });
      const applied = await store.applyHubChange(claims.get(a!)!.claim, change('S1', 'A', [fanOutTo('erp', a!), fanOutTo('till', a!)]), T0);
      const other = await store.applyHubChange(claims.get(b!)!.claim, change('S2', 'B', []), T0);
      const hubId = applied!.hubId;
      await store.finishTransfer(claims.get(a!)!.claim, { ...ok, hubId }, [{ at: T0, step: 'read', detail: 'shop A' }, { at: T0 + 1, step: 'hub', detail: 'created' }], {}, T0 + 1);
      await store.finishTransfer(claims.get(b!)!.claim, { ...ok, hubId: other!.hubId }, [{ at: T0, step: 'read', detail: 'shop B' }], {}, T0 + 1);

      const all = await store.lineageOf(hubId, { limit: 50 });
      expect(all.next).toBeNull();
      expect(all.items.map((s) => [s.transfer.id, s.transfer.direction, s.transfer.connection, s.transfer.status])).toEqual([
        [a, 'to_hub', 'shop', 'succeeded'],
        [applied!.fanOut[0], 'from_hub', 'erp', 'queued'],
        [applied!.fanOut[1], 'from_hub', 'till', 'queued'],
      ]);
      expect(all.items[0]!.activity).toEqual([{ at: T0, step: 'read', detail: 'shop A' }, { at: T0 + 1, step: 'hub', detail: 'created' }]);
      expect(all.items[1]!.activity).toEqual([]);

      const first = await store.lineageOf(hubId, { limit: 2 });
      expect(first.items.map((s) => s.transfer.id)).toEqual([a, applied!.fanOut[0]]);
      expect(first.next).toBe(applied!.fanOut[0]);
      const rest = await store.lineageOf(hubId, { limit: 2, after: first.next! });
      expect(rest).toEqual({ items: [all.items[2]], next: null, pruned: null });

      expect((await store.lineageOf(other!.hubId, { limit: 50 })).items.map((s) => [s.transfer.id, s.activity.map((e) => e.detail)])).toEqual([[b, ['shop B']]]);
      expect(await store.lineageOf(999_999, { limit: 50 })).toEqual({ items: [], next: null, pruned: null });
    });
  });
};
