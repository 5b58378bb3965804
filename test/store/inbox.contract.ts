/**
 * The Store contract, inbox: hooks appended in one transaction and acknowledged after it, kept
 * byte for byte, deduplicated by delivery id; claimed under a lease and resolved together with
 * their notifications and requests.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HookResolution } from '../../src/store/store.js';
import { appendIds, freshStore, hook, LEASE, resolution as planned, T0, type ContractSuite } from './contract.js';

export const inboxContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, inbox: ${adapter}`, () => {
    const store = freshStore(factory);

    it('appends hooks in one call and gives increasing ids in order', async () => {
      const ids = await appendIds(store, [hook('shop', '{"id":1}'), hook('shop', '{"id":2}'), hook('erp', '{"id":3}')], T0);
      expect(ids).toHaveLength(3);
      expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
      const more = await appendIds(store, [hook('shop', '{}')], T0);
      expect(more[0]! > ids[2]!).toBe(true);
    });

    it('keeps the raw bytes, headers, URL segments and content type exactly', async () => {
      const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22, 0x80]);
      const [id] = await appendIds(store, 
        [hook('shop', bytes, { segments: ['orders', 'ü x'], headers: { 'x-a': 'b, c' }, contentType: 'application/octet-stream' })],
        T0,
      );
      const stored = await store.getHook(id!);
      expect(stored).not.toBeNull();
      expect(stored!.body.equals(bytes)).toBe(true);
      expect(stored!.segments).toEqual(['orders', 'ü x']);
      expect(stored!.headers).toEqual({ 'x-a': 'b, c' });
      expect(stored!.contentType).toBe('application/octet-stream');
      expect(stored!.status).toBe('received');
      expect(stored!.receivedAt).toBe(T0);
    });

    it('stores a delivery once: a re-delivery gets the first hook\'s id, in a later batch or the same one', async () => {
      const first = await store.appendHooks([hook('shop', '{"a":1}', { deliveryId: 'd-1' })], T0);
      expect(first).toEqual([{ id: expect.any(Number), duplicate: false }]);
      const again = await store.appendHooks([hook('shop', '{"a":1}', { deliveryId: 'd-1' }), hook('shop', '{}', { deliveryId: 'd-2' }), hook('shop', '{}', { deliveryId: 'd-2' })], T0 + 1000);
      expect(again[0]).toEqual({ id: first[0]!.id, duplicate: true });
      expect(again[1]!.duplicate).toBe(false);
      expect(again[2]).toEqual({ id: again[1]!.id, duplicate: true });
      // The same delivery id on another connection is another delivery; no id means no dedup.
      const other = await store.appendHooks([hook('erp', '{}', { deliveryId: 'd-1' }), hook('shop', '{}'), hook('shop', '{}')], T0 + 2000);
      expect(other.map((a) => a.duplicate)).toEqual([false, false, false]);
      expect(new Set(other.map((a) => a.id)).size).toBe(3);
      expect((await store.listHooks({ limit: 50 })).items).toHaveLength(5);
    });

    it('appends under a lease: held for its worker, claimed by others only once it runs out, saved once', async () => {
      const lease = { worker: 'taker', until: T0 + LEASE };
      const appended = await store.appendHooks([hook('shop', '{}', { deliveryId: 'l-1' }), hook('shop', '{}', { deliveryId: 'l-1' }), hook('shop', '{}')], T0, lease);
      expect(appended.map((a) => a.duplicate)).toEqual([false, true, false]);
      const [a, , b] = appended.map((x) => x.id);
      expect((await store.counts()).hooks).toMatchObject({ received: 2 });
      expect(await store.backlog()).toBe(2);
      // Nobody else takes them while the lease holds; the holder saves without claiming.
      expect(await store.claimHooks('other', 10, T0 + 1, LEASE)).toEqual([]);
      expect(await store.saveResolutions('taker', [planned(a!, [])], T0 + 2)).toBe(1);
      // Past the lease the other one is taken over, and then the first taker's save is refused.
      const taken = await store.claimHooks('other', 10, T0 + LEASE + 1, LEASE);
      expect(taken.map((h) => h.id)).toEqual([b]);
      expect(await store.saveResolutions('taker', [planned(b!, [])], T0 + LEASE + 2)).toBe(0);
      expect(await store.saveResolutions('other', [planned(b!, [])], T0 + LEASE + 3)).toBe(1);
      expect((await store.counts()).hooks).toMatchObject({ received: 0, resolved: 2 });
    });

    it('forgets a delivery id after the retention window (72 h)', async () => {
      const [first] = await store.appendHooks([hook('shop', '{}', { deliveryId: 'old' })], T0);
      const [late] = await store.appendHooks([hook('shop', '{}', { deliveryId: 'old' })], T0 + 72 * 3_600_000 + 1);
      expect(late!.duplicate).toBe(false);
      expect(late!.id).not.toBe(first!.id);
      const [again] = await store.appendHooks([hook('shop', '{}', { deliveryId: 'old' })], T0 + 72 * 3_600_000 + 2);
      expect(again).toEqual({ id: late!.id, duplicate: true });
    });

    it('stores a body once within its guard window: a copy gets the first hook\'s id, in a later batch or the same one', async () => {
      const guard = (body: string, windowMs = 3_600_000) => ({ hash: createHash('sha256').update(body).digest(), windowMs });
      const [first, copy, other] = await store.appendHooks(
        [hook('gh', '{"a":1}', { deliveryId: 'x-1', bodyGuard: guard('{"a":1}') }), hook('gh', '{"a":1}', { deliveryId: 'x-2', bodyGuard: guard('{"a":1}') }), hook('gh', '{"a":2}', { bodyGuard: guard('{"a":2}') })],
        T0,
      );
      expect(first!.duplicate).toBe(false);
      expect(copy).toEqual({ id: first!.id, duplicate: true });
      expect(other!.duplicate).toBe(false);
      const [later] = await store.appendHooks([hook('gh', '{"a":1}', { deliveryId: 'x-3', bodyGuard: guard('{"a":1}') })], T0 + 3_600_000);
      expect(later).toEqual({ id: first!.id, duplicate: true });
      // Past the window, on another connection, or without a guard, the body is stored again.
      const [expired, elsewhere, unguarded] = await store.appendHooks(
        [hook('gh', '{"a":1}', { bodyGuard: guard('{"a":1}') }), hook('erp', '{"a":1}', { bodyGuard: guard('{"a":1}') }), hook('gh', '{"a":1}')],
        T0 + 3_600_001,
      );
      expect([expired!.duplicate, elsewhere!.duplicate, unguarded!.duplicate]).toEqual([false, false, false]);
      expect((await store.listHooks({ limit: 50 })).items).toHaveLength(5);
      // The hook stored last is the one a copy is now answered with.
      const [again] = await store.appendHooks([hook('gh', '{"a":1}', { bodyGuard: guard('{"a":1}') })], T0 + 3_600_002);
      expect(again).toEqual({ id: expired!.id, duplicate: true });
    });

    it('claims received hooks oldest first, up to the limit', async () => {
      const ids = await appendIds(store, [hook('shop', '1'), hook('shop', '2'), hook('shop', '3')], T0);
      const claimed = await store.claimHooks('w1', 2, T0, LEASE);
      expect(claimed.map((h) => h.id)).toEqual(ids.slice(0, 2));
      const rest = await store.claimHooks('w2', 10, T0, LEASE);
      expect(rest.map((h) => h.id)).toEqual(ids.slice(2));
    });

    it('does not hand a leased hook to another worker until the lease expires', async () => {
      const [id] = await appendIds(store, [hook('shop', '1')], T0);
      expect((await store.claimHooks('w1', 10, T0, LEASE)).map((h) => h.id)).toEqual([id]);
      expect(await store.claimHooks('w2', 10, T0 + LEASE - 1, LEASE)).toEqual([]);
      expect((await store.claimHooks('w2', 10, T0 + LEASE + 1, LEASE)).map((h) => h.id)).toEqual([id]);
    });

    it('stores a resolution with its notifications and transfer requests together', async () => {
      const [id] = await appendIds(store, [hook('shop', '{}')], T0);
      await store.claimHooks('w1', 10, T0, LEASE);
      expect(await store.saveResolutions('w1', [planned(id!, ['a', 'b', 'c'])], T0 + 5)).toBe(1);

      const stored = await store.getHook(id!);
      expect(stored!.status).toBe('resolved');
      expect(stored!.resolvedAt).toBe(T0 + 5);
      const notifications = await store.notificationsOf(id!);
      expect(notifications.map((n) => [n.seq, n.scope, n.externalId, n.status])).toEqual([
        [0, 'product/updated', 'a', 'planned'],
        [1, 'product/updated', 'b', 'planned'],
        [2, 'product/updated', 'c', 'planned'],
      ]);
      const transfers = await store.transfersOf(id!);
      expect(transfers.map((t) => [t.externalId, t.status, t.direction, t.requestType, t.attempts])).toEqual([
        ['a', 'queued', 'to_hub', 'standard', 0],
        ['b', 'queued', 'to_hub', 'standard', 0],
        ['c', 'queued', 'to_hub', 'standard', 0],
      ]);
      expect(transfers[0]!.hookId).toBe(id);
      expect(transfers[0]!.runAt).toBe(T0); // as planned
      expect(await store.getTransfer(transfers[1]!.id)).toEqual(transfers[1]);
      // Resolved hooks are not claimed again.
      expect(await store.claimHooks('w2', 10, T0 + 10 * LEASE, LEASE)).toEqual([]);
    });

    it('writes nothing for a worker whose lease was taken over', async () => {
      const [id] = await appendIds(store, [hook('shop', '{}')], T0);
      await store.claimHooks('slow', 10, T0, LEASE);
      await store.claimHooks('fast', 10, T0 + LEASE + 1, LEASE);
      expect(await store.saveResolutions('slow', [planned(id!, ['a'])], T0 + LEASE + 2)).toBe(0);
      expect(await store.transfersOf(id!)).toEqual([]);
      expect(await store.saveResolutions('fast', [planned(id!, ['a'])], T0 + LEASE + 3)).toBe(1);
      expect(await store.transfersOf(id!)).toHaveLength(1);
      // Saving twice does not duplicate anything.
      expect(await store.saveResolutions('fast', [planned(id!, ['a'])], T0 + LEASE + 4)).toBe(0);
      expect(await store.transfersOf(id!)).toHaveLength(1);
    });

    it('records failed and unmatched hooks with their error', async () => {
      const [a, b] = await appendIds(store, [hook('shop', 'not json'), hook('shop', '{}')], T0);
      await store.claimHooks('w', 10, T0, LEASE);
      await store.saveResolutions(
        'w',
        [
          { hookId: a!, status: 'failed', errorCode: 'HY_ERR_HOOK_BODY_NOT_JSON', errorMessage: 'Unexpected token', notifications: [], transfers: [] },
          {
            hookId: b!,
            status: 'unmatched',
            errorCode: null,
            errorMessage: null,
            notifications: [{ seq: 0, hookName: 'x/y', scope: null, externalId: '1', status: 'unmatched', reason: 'no scope' }],
            transfers: [],
          },
        ],
        T0,
      );
      const failed = await store.getHook(a!);
      expect([failed!.status, failed!.errorCode, failed!.errorMessage]).toEqual(['failed', 'HY_ERR_HOOK_BODY_NOT_JSON', 'Unexpected token']);
      expect((await store.notificationsOf(b!))[0]).toMatchObject({ hookName: 'x/y', scope: null, status: 'unmatched', reason: 'no scope' });
      const counts = await store.counts();
      expect(counts.hooks).toMatchObject({ failed: 1, unmatched: 1, received: 0, resolved: 0 });
    });

    it('stores and counts the statuses that say what reading a hook came to', async () => {
      const statuses = ['partial', 'invalid', 'empty'] as const;
      const ids = await appendIds(store, statuses.map(() => hook('shop', '{}')), T0);
      await store.claimHooks('w', 10, T0, LEASE);
      await store.saveResolutions('w', statuses.map((status, i) => ({ ...planned(ids[i]!, []), status })), T0);
      for (const [i, status] of statuses.entries()) {
        expect((await store.getHook(ids[i]!))!.status).toBe(status);
        expect((await store.listHooks({ limit: 10, status })).items.map((h) => h.id)).toEqual([ids[i]]);
      }
      expect((await store.counts()).hooks).toMatchObject({ partial: 1, invalid: 1, empty: 1, resolved: 0 });
    });

    it('counts the work waiting: hooks not read yet and transfer requests due, not those debounced or running', async () => {
      expect(await store.waitingWork(T0)).toEqual({ hooks: 0, transfers: 0 });
      const [read] = await appendIds(store, [hook('shop', '{}')], T0);
      await store.claimHooks('w', 10, T0, LEASE);
      const resolution = planned(read!, ['a', 'b', 'c', 'd']);
      // d is debounced: due a minute later.
      const transfers = resolution.transfers.map((t) => (t.externalId === 'd' ? { ...t, runAt: T0 + 60_000 } : t));
      await store.saveResolutions('w', [{ ...resolution, transfers }], T0);
      await appendIds(store, [hook('shop', '1'), hook('shop', '2')], T0);
      expect(await store.waitingWork(T0)).toEqual({ hooks: 2, transfers: 3 });
      // A running request is being worked on: it no longer waits.
      expect(await store.claimTransfers('tw', 1, T0, LEASE)).toHaveLength(1);
      expect(await store.waitingWork(T0)).toEqual({ hooks: 2, transfers: 2 });
      expect(await store.waitingWork(T0 + 60_000)).toEqual({ hooks: 2, transfers: 3 });
    });
  });
};
