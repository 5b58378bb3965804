/**
 * The Store contract, hub records: a hub change with its link and fan-out in one go, versions and
 * match-and-link enforced by the store, cross-references, echoes — and the same under peers
 * committing at once.
 */
import { describe, expect, it } from 'vitest';
import { HubConflictError, LinkConflictError, type HubChange } from '../../src/store/store.js';
import { byId, fanOutTo, freshStore, LEASE, ok, queue, T0, type ContractSuite } from './contract.js';

const create = (sku: string, link: HubChange['link'], match: HubChange['match'] = null): HubChange => ({
  type: 'product',
  hubId: null,
  expectedVersion: null,
  data: { sku, name: sku },
  deleted: false,
  link,
  match,
  fanOut: [],
});

export const hubRecordsContract: ContractSuite = (adapter, factory) => {
  describe(`Store contract, hub records: ${adapter}`, () => {
    const store = freshStore(factory);

    it('applies a hub change with its link and fan-out in one go, and refuses a stale version', async () => {
      const [id] = await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const change: HubChange = { ...create('S1', { connection: 'shop', externalId: 'A', replaceExisting: false }), data: { sku: 'S1', name: 'x' }, fanOut: [fanOutTo('erp', id!), fanOutTo('till', id!)] };
      const applied = await store.applyHubChange(claimed!.claim, change, T0);
      expect(applied!.fanOut).toHaveLength(2);
      const hub = await store.getHubRecord(applied!.hubId);
      expect(hub).toMatchObject({ type: 'product', data: { sku: 'S1', name: 'x' }, version: 1, deleted: false });
      expect(await store.hubRecordByExternalId('shop', 'product', 'A')).toMatchObject({ id: applied!.hubId });
      expect(await store.hubRecordByField('product', 'sku', 'S1')).toMatchObject({ id: applied!.hubId });
      expect(await store.hubRecordByField('product', 'sku', 'S2')).toBeNull();
      const out = await store.getTransfer(applied!.fanOut[0]!);
      expect(out).toMatchObject({ direction: 'from_hub', connection: 'erp', hubId: applied!.hubId, status: 'queued' });

      // The same fan-out again is absorbed by the queued requests.
      const update = { ...change, hubId: applied!.hubId, expectedVersion: 1, link: null, data: { sku: 'S1', name: 'y' } };
      expect((await store.applyHubChange(claimed!.claim, update, T0 + 1))!.fanOut).toEqual(applied!.fanOut);
      await expect(store.applyHubChange(claimed!.claim, { ...update, expectedVersion: 1 }, T0 + 2)).rejects.toBeInstanceOf(HubConflictError);
      expect(await store.applyHubChange({ id: id!, token: claimed!.claim.token + 1 }, { ...update, expectedVersion: 2 }, T0 + 3)).toBeNull();
    });

    it('creates no second record with a match value a live record has: the change is refused to be decided again', async () => {
      await queue(store, [['shop', 'A'], ['erp', 'B']]);
      const claims = await store.claimTransfers('w', 10, T0, LEASE);
      const first = await store.applyHubChange(claims[0]!.claim, create('S1', null, { field: 'sku', value: 'S1' }), T0);
      await expect(store.applyHubChange(claims[1]!.claim, create('S1', null, { field: 'sku', value: 'S1' }), T0 + 1)).rejects.toBeInstanceOf(HubConflictError);
      expect(await store.applyHubChange(claims[1]!.claim, create('S2', null, { field: 'sku', value: 'S2' }), T0 + 2)).not.toBeNull();
      expect(await store.hubRecordByField('product', 'sku', 'S1')).toMatchObject({ id: first!.hubId });
    });

    it("keeps the version of the source record a change was taken from on the source's link", async () => {
      await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const link = { connection: 'shop', externalId: 'A', replaceExisting: false };
      const applied = await store.applyHubChange(claimed!.claim, { ...create('S', link), sourceVersion: { connection: 'shop', externalId: 'A', version: '2026-03-05T10:00:00Z' } }, T0);
      expect(await store.externalIdOf('shop', 'product', applied!.hubId)).toMatchObject({ externalId: 'A', sourceVersion: '2026-03-05T10:00:00Z' });
      const update = { ...create('S', null), hubId: applied!.hubId, expectedVersion: 1, data: { sku: 'S', name: 'z' }, sourceVersion: { connection: 'shop', externalId: 'A', version: '2026-03-05T11:00:00Z' } };
      await store.applyHubChange(claimed!.claim, update, T0 + 1);
      expect(await store.externalIdOf('shop', 'product', applied!.hubId)).toMatchObject({ sourceVersion: '2026-03-05T11:00:00Z' });
    });

    it('keeps per link what hookyard last knew the record to hold: what it wrote there, or what it took in from there', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const claims = byId(await store.claimTransfers('w', 10, T0, LEASE));
      const applied = await store.applyHubChange(claims.get(a!)!.claim, { ...create('S', null), data: { sku: 'S', price: 1 } }, T0);
      const hubId = applied!.hubId;
      await store.finishTransfer(claims.get(a!)!.claim, ok, [], { link: { connection: 'erp', type: 'product', externalId: 'Item:1', hubId, writtenHash: 'h1', knownHub: '{"sku":"S","price":1}' } }, T0);
      await store.finishTransfer(claims.get(b!)!.claim, ok, [], { writtenHash: { connection: 'erp', type: 'product', hubId, hash: 'h2', known: '{"sku":"S","price":2}' } }, T0 + 1);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ writtenHash: 'h2', knownHub: '{"sku":"S","price":2}' });

      // Taken in from the ERP: its values are known, the hash of hookyard's write is not true any more.
      await queue(store, [['erp', 'Item:1'], ['till', 'T1']], T0 + 2);
      const [first, second] = await store.claimTransfers('w', 10, T0 + 2, LEASE);
      const takenIn: HubChange = { type: 'product', hubId, expectedVersion: 1, data: { sku: 'S', price: 3 }, deleted: false, link: null, fanOut: [], takenFrom: { connection: 'erp', externalId: 'Item:1', known: '{"sku":"S","price":3}' } };
      await store.applyHubChange(first!.claim, takenIn, T0 + 2);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ externalId: 'Item:1', writtenHash: null, knownHub: '{"sku":"S","price":3}' });

      // A new link made by the change that takes a record in knows its values at once.
      const link = { connection: 'till', externalId: 'T1', replaceExisting: false };
      const linked = await store.applyHubChange(second!.claim, { ...create('S2', link), takenFrom: { connection: 'till', externalId: 'T1', known: '{"sku":"S2"}' } }, T0 + 3);
      expect(await store.externalIdOf('till', 'product', linked!.hubId)).toMatchObject({ externalId: 'T1', writtenHash: null, knownHub: '{"sku":"S2"}' });
    });

    it('records links and echoes with the outcome; an echo is consumed once, and not after it expires', async () => {
      await queue(store, [['shop', 'A']]);
      const [claimed] = await store.claimTransfers('w', 10, T0, LEASE);
      const applied = await store.applyHubChange(claimed!.claim, { ...create('S', null), data: {} }, T0);
      await store.finishTransfer(claimed!.claim, ok, [], {
        link: { connection: 'erp', type: 'product', externalId: 'Item:1', hubId: applied!.hubId, writtenHash: 'h1', knownHub: '{"sku":"S"}' },
        echo: { connection: 'erp', type: 'product', externalId: 'Item:1', expiresAt: T0 + 100 },
      }, T0);
      expect(await store.externalIdOf('erp', 'product', applied!.hubId)).toEqual({ externalId: 'Item:1', writtenHash: 'h1', knownHub: '{"sku":"S"}', deletedAt: null, sourceVersion: null });
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

    it("marks a link deleted with the outcome or the hub change; a new link takes a deleted one's place", async () => {
      const [a, b, c] = await queue(store, [['shop', 'A'], ['shop', 'B'], ['shop', 'C']]);
      const claims = byId(await store.claimTransfers('w', 10, T0, LEASE));
      const applied = await store.applyHubChange(claims.get(a!)!.claim, { ...create('S', { connection: 'shop', externalId: 'A', replaceExisting: false }), data: {} }, T0);
      const hubId = applied!.hubId;
      await store.finishTransfer(claims.get(a!)!.claim, ok, [], { link: { connection: 'erp', type: 'product', externalId: 'Item:1', hubId, writtenHash: null } }, T0);
      // A from_hub delete marks the destination's link; a delete from a source marks the source's.
      await store.finishTransfer(claims.get(b!)!.claim, ok, [], { linkDeleted: { connection: 'erp', type: 'product', hubId } }, T0 + 1);
      await store.applyHubChange(claims.get(c!)!.claim, { type: 'product', hubId, expectedVersion: 1, data: {}, deleted: true, link: null, fanOut: [], linkDeleted: { connection: 'shop' } }, T0 + 2);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ externalId: 'Item:1', deletedAt: T0 + 1 });
      expect(await store.externalIdOf('shop', 'product', hubId)).toMatchObject({ externalId: 'A', deletedAt: T0 + 2 });
      // Recreated there: the new link replaces the deleted one instead of conflicting with it.
      await store.finishTransfer(claims.get(c!)!.claim, ok, [], { link: { connection: 'erp', type: 'product', externalId: 'Item:2', hubId, writtenHash: 'h' } }, T0 + 3);
      expect(await store.externalIdOf('erp', 'product', hubId)).toEqual({ externalId: 'Item:2', writtenHash: 'h', knownHub: null, deletedAt: null, sourceVersion: null });
    });

    it('refuses a second link of a hub record on one connection, writing nothing', async () => {
      const [a, b] = await queue(store, [['shop', 'A'], ['shop', 'B']]);
      const claims = byId(await store.claimTransfers('w', 10, T0, LEASE));
      const applied = await store.applyHubChange(claims.get(a!)!.claim, { ...create('S', null), data: {} }, T0);
      const hubId = applied!.hubId;
      const link = (externalId: string) => ({ link: { connection: 'erp', type: 'product' as const, externalId, hubId, writtenHash: null } });
      expect(await store.finishTransfer(claims.get(a!)!.claim, ok, [], link('Item:1'), T0)).toBe(true);
      await expect(store.finishTransfer(claims.get(b!)!.claim, ok, [{ at: T0, step: 'x', detail: null }], link('Item:2'), T0)).rejects.toBeInstanceOf(LinkConflictError);
      expect(await store.getTransfer(b!)).toMatchObject({ status: 'running' }); // nothing written
      expect(await store.activityOf(b!)).toEqual([]);
      expect(await store.externalIdOf('erp', 'product', hubId)).toMatchObject({ externalId: 'Item:1' });
    });

    describe('with peers committing at once', () => {
      it('two match-and-link creates with one match value end with one hub record', async () => {
        const [p1, p2] = await Promise.all([store.peer(), store.peer()]);
        const ROUNDS = 10;
        await queue(store, Array.from({ length: ROUNDS }, (_, i) => ['shop', `A${i}`] as [string, string]));
        await queue(store, Array.from({ length: ROUNDS }, (_, i) => ['erp', `B${i}`] as [string, string]));
        const one = await p1.claimTransfers('p1', ROUNDS, T0, LEASE);
        const two = await p2.claimTransfers('p2', ROUNDS, T0, LEASE);
        expect([one.length, two.length]).toEqual([ROUNDS, ROUNDS]);
        const byConnection = (claimed: typeof one, connection: string) => claimed.filter((t) => t.connection === connection);
        const shop = [...byConnection(one, 'shop'), ...byConnection(two, 'shop')];
        const erp = [...byConnection(one, 'erp'), ...byConnection(two, 'erp')];
        const peerOf = (id: number) => (one.some((t) => t.id === id) ? p1 : p2);
        for (let i = 0; i < ROUNDS; i++) {
          const sku = `SKU-${i}`;
          const match = { field: 'sku', value: sku };
          const results = await Promise.allSettled([
            peerOf(shop[i]!.id).applyHubChange(shop[i]!.claim, create(sku, { connection: 'shop', externalId: shop[i]!.externalId!, replaceExisting: false }, match), T0 + i),
            peerOf(erp[i]!.id).applyHubChange(erp[i]!.claim, create(sku, { connection: 'erp', externalId: erp[i]!.externalId!, replaceExisting: false }, match), T0 + i),
          ]);
          const created = results.filter((r) => r.status === 'fulfilled');
          expect(created, sku).toHaveLength(1);
          const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          expect(refused.reason).toBeInstanceOf(HubConflictError);
          expect(await store.hubRecordByField('product', 'sku', sku)).toMatchObject({ id: (created[0] as PromiseFulfilledResult<{ hubId: number }>).value.hubId });
        }
      });
    });
  });
};
