/**
 * Cancelling waiting work: queued and retrying requests end as skipped (reason code `cancelled`),
 * by id or by filter, over the API and the CLI; running ones are never touched; every cancel is
 * recorded; nothing is deleted, and a cancelled request can be replayed.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelCommand } from '../src/cli/cancel.js';
import { syncCommand } from '../src/cli/sync.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, startTestHub, tempDir, type TestHub } from './helpers/hub.js';

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: super-secret-key }
    scopes: [product/updated, customer/updated]
`;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const idsFrom = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

async function hubWithWork(): Promise<TestHub> {
  const hub = await startTestHub(fixtureConfig(CONFIG));
  cleanup.push(() => hub.dispose());
  const sync = async (type: string, ids: string[]) => {
    const response = await hub.app.inject({ method: 'POST', url: '/api/connections/std/sync', payload: { type, ids } });
    expect(response.statusCode).toBe(202);
  };
  await sync('product', idsFrom(1_200, 'P')); // more than two pages of 500
  await sync('customer', idsFrom(3, 'C'));
  return hub;
}

async function allTransfers(hub: TestHub) {
  const items = [];
  for (let before: number | undefined; ; ) {
    const page = await hub.store.listTransfers({ limit: 500, before });
    items.push(...page.items);
    if (page.next === null) return items;
    before = page.next;
  }
}

describe('cancel over the API', () => {
  it('ends every waiting request a filter matches as skipped/cancelled, leaves running ones, and records the cancel', async () => {
    const hub = await hubWithWork();
    const now = hub.clock.now();
    // One product request is running, one is retrying (it failed once).
    const [running] = await hub.store.claimTransfers('worker-a', 1, now, 60_000);
    const [retrying] = await hub.store.claimTransfers('worker-a', 1, now, 60_000);
    await hub.store.finishTransfer(
      retrying!.claim,
      { status: 'retrying', reason: null, reasonCode: null, errorCode: 'HY_ERR_DESTINATION_UNREACHABLE', error: 'down', runAt: now + 60_000, hubId: null, resolvedBy: null },
      [],
      {},
      now,
    );

    const response = await hub.app.inject({ method: 'POST', url: '/api/transfers/cancel', payload: { connection: 'std', scope: 'product/updated' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ count: 1_199 }); // all but the running one
    const cancelId = response.json().cancel;

    const after = await allTransfers(hub);
    expect(after).toHaveLength(1_203); // nothing deleted
    const products = after.filter((t) => t.scope === 'product/updated');
    expect(products.filter((t) => t.status === 'running').map((t) => t.id)).toEqual([running!.id]);
    const cancelled = products.filter((t) => t.status === 'skipped');
    expect(cancelled).toHaveLength(1_199);
    expect(cancelled.every((t) => t.reasonCode === 'cancelled' && t.reason === `cancelled by api (cancel ${cancelId})` && t.finishedAt === now)).toBe(true);
    expect(after.filter((t) => t.scope === 'customer/updated').every((t) => t.status === 'queued')).toBe(true);
    expect((await hub.store.activityOf(retrying!.id)).map((a) => a.step)).toContain('cancelled');

    const cancels = (await hub.app.inject({ method: 'GET', url: '/api/cancels' })).json().items;
    expect(cancels).toEqual([{ id: cancelId, kind: 'cancels', target: JSON.stringify({ connection: 'std', scope: 'product/updated' }), count: 1_199, actor: 'api', createdAt: now }]);
    expect((await hub.app.inject({ method: 'GET', url: '/api/replays' })).json().items).toEqual([]); // cancels are not replays

    // A running request cannot be cancelled by id either; a queued one can.
    const refused = await hub.app.inject({ method: 'POST', url: `/api/transfers/${running!.id}/cancel` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'HY_ERR_TRANSFER_NOT_CANCELLABLE', message: expect.stringContaining('is running') });
    const customer = after.find((t) => t.scope === 'customer/updated')!;
    const one = await hub.app.inject({ method: 'POST', url: `/api/transfers/${customer.id}/cancel` });
    expect(one.statusCode).toBe(200);
    expect(one.json().transfer).toMatchObject({ id: customer.id, status: 'skipped', reasonCode: 'cancelled' });
    expect((await hub.app.inject({ method: 'POST', url: '/api/transfers/999999/cancel' })).json()).toMatchObject({ error: 'HY_ERR_TRANSFER_NOT_FOUND' });
  });

  it('lets cancelled requests be replayed afterwards', async () => {
    const hub = await hubWithWork();
    const cancelled = await hub.app.inject({ method: 'POST', url: '/api/transfers/cancel', payload: { status: 'queued', scope: 'customer/updated' } });
    expect(cancelled.json()).toMatchObject({ count: 3 });
    const replayed = await hub.app.inject({ method: 'POST', url: '/api/transfers/replay', payload: { status: 'skipped', scope: 'customer/updated' } });
    expect(replayed.json()).toMatchObject({ count: 3 });
    const customers = (await allTransfers(hub)).filter((t) => t.scope === 'customer/updated');
    expect(customers.map((t) => [t.status, t.reasonCode])).toEqual(Array(3).fill(['queued', null]));
  });

  it('refuses an empty filter, and statuses other than queued or retrying, with HY_ERR_QUERY_INVALID', async () => {
    const hub = await hubWithWork();
    for (const payload of [{}, { status: 'dead' }, { status: 'running', connection: 'std' }, { connection: 'std', nonsense: 1 }]) {
      const response = await hub.app.inject({ method: 'POST', url: '/api/transfers/cancel', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ error: 'HY_ERR_QUERY_INVALID' });
    }
    expect((await hub.store.counts()).transfers.queued).toBe(1_203);
  });
});

describe('hookyard cancel', () => {
  it('counts first, then cancels page by page with progress', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    await (await openStore({ dataDir: data })).close(); // sync works on the store a hub made: make it
    const lines: string[] = [];
    const output = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    expect(await syncCommand({ config: 'examples/demo.yaml', data, connection: 'erp', type: 'product', ids: idsFrom(1_100, 'Item') }, output, false)).toBe(0);
    lines.length = 0;

    expect(await cancelCommand({ config: 'examples/demo.yaml', data, connection: 'erp', dryRun: true }, output, false)).toBe(0);
    expect(lines.at(-1)).toBe('1100 transfer request(s) match; nothing was cancelled (--dry-run)');
    lines.length = 0;

    expect(await cancelCommand({ config: 'examples/demo.yaml', data, connection: 'erp' }, output, false)).toBe(0);
    expect(lines[0]).toBe('1100 queued or retrying transfer request(s) match');
    expect(lines).toContain('[##############################] 1100/1100 100%');
    expect(lines.at(-1)).toMatch(/^cancel \d+: 1100 transfer request\(s\) cancelled \(running ones are left to finish\)$/);

    expect(await cancelCommand({ config: 'examples/demo.yaml', data }, output, false)).toBe(1);
    expect(lines.at(-1)).toMatch(/^HY_ERR_QUERY_INVALID: give at least one of/);

    const store = await openStore({ dataDir: data });
    cleanup.push(() => store.close());
    const counts = await store.counts();
    expect(counts.transfers.skipped).toBe(1_100);
    expect(counts.reasons.cancelled).toBe(1_100);
    expect(await store.listCancels(10)).toMatchObject([{ kind: 'cancels', count: 1_100, actor: 'cli' }]);
  });
});
