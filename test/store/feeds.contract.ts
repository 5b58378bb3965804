/**
 * The Store contract, feeds: one poller per connection × type, the cursor moving only with the
 * requests its page spawned, initializations that resume after a crash.
 */
import { describe, expect, it } from 'vitest';
import type { PlannedTransfer } from '../../src/domain/types.js';
import { freshStore, LEASE, T0, type ContractSuite } from './contract.js';

function planned(ids: string[], requestType: PlannedTransfer['requestType'] = 'polling'): PlannedTransfer[] {
  return ids.map((externalId, seq) => ({
    seq,
    trackingId: `t-${externalId}`,
    connection: 'erp',
    type: 'product_category',
    direction: 'to_hub',
    scope: 'product_category/updated',
    externalId,
    requestType,
    status: 'queued',
    reason: null,
    reasonCode: null,
    runAt: T0,
    origin: null,
  }));
}

export const feedsContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, feeds: ${adapter}`, () => {
    const store = freshStore(factory);

    it('lets one worker poll a connection × type at a time, and the next one after its lease', async () => {
      const first = await store.claimFeed('a', 'erp', 'product_category', 'poll', T0, LEASE);
      expect(first).toMatchObject({ cursor: null, leaseOwner: 'a', kind: 'poll' });
      expect(await store.claimFeed('b', 'erp', 'product_category', 'poll', T0 + 1, LEASE)).toBeNull();
      expect(await store.claimFeed('b', 'erp', 'product', 'poll', T0 + 1, LEASE)).not.toBeNull(); // another type
      expect(await store.claimFeed('b', 'erp', 'product_category', 'poll', T0 + LEASE + 1, LEASE)).toMatchObject({ leaseOwner: 'b' });
    });

    it('moves the cursor only together with the requests of its page', async () => {
      const first = await store.claimFeed('a', 'erp', 'product_category', 'poll', T0, LEASE);
      const page = { transfers: planned(['Cat:1', 'Cat:2']), cursor: 'c1', done: true, nextRunAt: T0 + 60_000 };
      expect(await store.commitFeedPage(first!.claim, page, T0 + 1)).toEqual({ queued: 2, absorbed: 0 });
      const [feed] = await store.listFeeds();
      expect(feed).toMatchObject({ cursor: 'c1', pages: 1, records: 2, nextRunAt: T0 + 60_000, leaseOwner: null });
      expect((await store.listTransfers({ limit: 10 })).items.map((t) => [t.externalId, t.requestType])).toEqual([
        ['Cat:2', 'polling'],
        ['Cat:1', 'polling'],
      ]);
      // Not due yet; then due; a worker that lost its lease commits nothing.
      expect(await store.claimFeed('a', 'erp', 'product_category', 'poll', T0 + 2, LEASE)).toBeNull();
      const due = await store.claimFeed('a', 'erp', 'product_category', 'poll', T0 + 60_000, LEASE);
      expect(due).toMatchObject({ cursor: 'c1' });
      await store.claimFeed('b', 'erp', 'product_category', 'poll', T0 + 60_000 + LEASE + 1, LEASE);
      expect(await store.commitFeedPage(due!.claim, { ...page, transfers: planned(['Cat:9']), cursor: 'stale' }, T0 + 60_000 + LEASE + 2)).toBeNull();
      expect((await store.listFeeds())[0]!.cursor).toBe('c1');
      expect((await store.listTransfers({ limit: 10 })).items.map((t) => t.externalId)).not.toContain('Cat:9');
    });

    it('keeps the cursor when a poll fails, and polls now when asked', async () => {
      const first = await store.claimFeed('a', 'erp', 'product_category', 'poll', T0, LEASE);
      await store.commitFeedPage(first!.claim, { transfers: [], cursor: 'c1', done: true, nextRunAt: T0 + 60_000 }, T0);
      const second = await store.claimFeed('a', 'erp', 'product_category', 'poll', T0 + 60_000, LEASE);
      await store.failFeed(second!.claim, 'HY_ERR_DESTINATION_FAILED: 503', T0 + 120_000, T0 + 60_001);
      expect((await store.listFeeds())[0]).toMatchObject({ cursor: 'c1', lastError: 'HY_ERR_DESTINATION_FAILED: 503', leaseOwner: null });
      expect(await store.claimFeed('a', 'erp', 'product_category', 'poll', T0 + 60_002, LEASE)).toBeNull();
      await store.pollNow('erp', 'product_category', T0 + 60_003);
      expect(await store.claimFeed('a', 'erp', 'product_category', 'poll', T0 + 60_003, LEASE)).toMatchObject({ cursor: 'c1' });
    });

    it('resumes a crashed initialization from its last page, and restarts a finished one', async () => {
      const crashed = await store.claimFeed('cli-1', 'erp', 'product', 'init', T0, LEASE, { restart: true });
      await store.commitFeedPage(crashed!.claim, { transfers: planned(['I1', 'I2'], 'initialization'), cursor: 'p2', total: 4, done: false, nextRunAt: 0 }, T0);
      // cli-1 dies; after its lease another run resumes at p2.
      const resumed = await store.claimFeed('cli-2', 'erp', 'product', 'init', T0 + LEASE + 1, LEASE, { restart: true });
      expect(resumed).toMatchObject({ cursor: 'p2', status: 'running', records: 2, total: 4 });
      await store.commitFeedPage(resumed!.claim, { transfers: planned(['I3', 'I4'], 'initialization'), cursor: null, done: true, nextRunAt: 0 }, T0 + LEASE + 2);
      expect((await store.listFeeds())[0]).toMatchObject({ status: 'done', records: 4, finishedAt: T0 + LEASE + 2 });
      const again = await store.claimFeed('cli-3', 'erp', 'product', 'init', T0 + LEASE + 3, LEASE, { restart: true });
      expect(again).toMatchObject({ cursor: null, status: 'running', records: 0, pages: 0 });
    });

    it('gives a feed lease up early: the cursor stays and the next run claims it at once', async () => {
      const a = await store.claimFeed('a', 'erp', 'product', 'init', T0, LEASE, { restart: true });
      await store.commitFeedPage(a!.claim, { transfers: planned(['I:1'], 'initialization'), cursor: 'c1', total: 3, done: false, nextRunAt: 0 }, T0 + 1);
      expect(await store.claimFeed('b', 'erp', 'product', 'init', T0 + 2, LEASE)).toBeNull();
      await store.releaseFeed({ ...a!.claim, token: a!.claim.token + 1 }, T0 + 3); // not a claim that holds: nothing happens
      expect(await store.claimFeed('b', 'erp', 'product', 'init', T0 + 4, LEASE)).toBeNull();
      await store.releaseFeed(a!.claim, T0 + 5);
      expect(await store.claimFeed('b', 'erp', 'product', 'init', T0 + 6, LEASE, { restart: true })).toMatchObject({ leaseOwner: 'b', cursor: 'c1', status: 'running', records: 1 });
    });

    it('queues a manual sync, absorbing requests a waiting one already covers', async () => {
      expect(await store.queueTransfers(planned(['A', 'B'], 'bulk'), T0)).toEqual({ queued: 2, absorbed: 0 });
      expect(await store.queueTransfers(planned(['B', 'C'], 'bulk'), T0)).toEqual({ queued: 1, absorbed: 1 });
      expect((await store.listTransfers({ limit: 10 })).items.map((t) => t.externalId).sort()).toEqual(['A', 'B', 'C']);
    });

    it('renews a reader\'s lease while its claim holds, and fences it once another reader took over', async () => {
      const reader = await store.claimFeed('a', 'erp', 'product', 'init', T0, LEASE, { restart: true });
      expect(await store.claimFeed('a', 'erp', 'product', 'init', T0 + 1, LEASE)).toBeNull(); // not even its own worker twice
      expect(await store.renewFeed(reader!.claim, T0 + LEASE - 1, LEASE)).toBe(true);
      expect(await store.claimFeed('b', 'erp', 'product', 'init', T0 + LEASE + 1, LEASE)).toBeNull(); // renewed
      const taker = await store.claimFeed('b', 'erp', 'product', 'init', T0 + 2 * LEASE, LEASE);
      expect(taker).not.toBeNull();
      expect(await store.renewFeed(reader!.claim, T0 + 2 * LEASE + 1, LEASE)).toBe(false);
      expect(await store.commitFeedPage(reader!.claim, { transfers: planned(['X'], 'initialization'), cursor: 'stale', done: false, nextRunAt: 0 }, T0 + 2 * LEASE + 2)).toBeNull();
      await store.failFeed(reader!.claim, 'stale', 0, T0 + 2 * LEASE + 3); // changes nothing
      expect((await store.listFeeds())[0]).toMatchObject({ leaseOwner: 'b', cursor: null, lastError: null });
      expect(await store.commitFeedPage(taker!.claim, { transfers: planned(['Y'], 'initialization'), cursor: 'p2', done: false, nextRunAt: 0 }, T0 + 2 * LEASE + 4)).toEqual({ queued: 1, absorbed: 0 });
    });
  });
};
