/**
 * The retry policy as the engine applies it, on a fake clock: a request against a system that keeps
 * failing is tried exactly `maxAttempts` times, the first retry waits the first configured delay,
 * the second the second, and nothing runs before its time or after the last attempt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/schema.js';
import { erpHubOnFakeClock, type ErpHub } from './helpers/erp-hub.js';

const FIRST_DELAY_MS = 10_000; // 10 s
const SECOND_DELAY_MS = 3_600_000; // 1 h
const JITTER = DEFAULTS.retryJitter;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hubOnFakeClock(): Promise<ErpHub> {
  const erpHub = await erpHubOnFakeClock('hookyard-retry-', (data) => {
    data.connections.erp.retry = { maxAttempts: 3, delays: ['10s', '1h'] };
  });
  cleanups.push(() => erpHub.dispose());
  return erpHub;
}

/** Where the planned wait lands, with the policy's jitter around it. */
function expectWait(runAt: number, now: number, delay: number): void {
  expect(runAt - now).toBeGreaterThanOrEqual(Math.floor(delay * (1 - JITTER)));
  expect(runAt - now).toBeLessThanOrEqual(Math.ceil(delay * (1 + JITTER)));
}

describe('the retry policy, through the engine', () => {
  it('tries exactly maxAttempts times, waiting the first configured delay first, then the second', async () => {
    const { hub, erp, clock } = await hubOnFakeClock();
    const item = erp.createItem({ name: 'Crate', sku: 'CRATE-1', price: 3, status: 'ACTIVE' });
    const reads = erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(item.code), status: 503 });
    await hub.store.queueTransfers(
      [{ seq: 0, trackingId: 'retry-test', connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: item.code, requestType: 'standard', status: 'queued', reason: null, reasonCode: null, runAt: clock.now(), origin: null }],
      clock.now(),
    );
    const [queued] = (await hub.store.listTransfers({ limit: 10 })).items;
    const row = () => hub.store.getTransfer(queued!.id);

    expect(await hub.transfers.runOnce()).toBe(1);
    let t = (await row())!;
    expect(t).toMatchObject({ status: 'retrying', attempts: 1, lastErrorCode: 'HY_ERR_DESTINATION_FAILED' });
    expectWait(t.runAt, clock.now(), FIRST_DELAY_MS);
    expect(await hub.transfers.runOnce()).toBe(0); // not before its time

    clock.set(t.runAt);
    expect(await hub.transfers.runOnce()).toBe(1);
    t = (await row())!;
    expect(t).toMatchObject({ status: 'retrying', attempts: 2 });
    expectWait(t.runAt, clock.now(), SECOND_DELAY_MS);

    clock.set(t.runAt);
    expect(await hub.transfers.runOnce()).toBe(1);
    t = (await row())!;
    expect(t).toMatchObject({ status: 'dead', attempts: 3, reason: 'gave up after 3 attempts', lastErrorCode: 'HY_ERR_DESTINATION_FAILED' });

    clock.advance(10 * SECOND_DELAY_MS);
    expect(await hub.transfers.runOnce()).toBe(0);
    expect(reads.hits).toBe(3);
  });
});
