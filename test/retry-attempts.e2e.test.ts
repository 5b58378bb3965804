/**
 * The retry policy as the engine applies it, on a fake clock: a request against a system that keeps
 * failing is tried exactly `maxAttempts` times, the first retry waits the first configured delay,
 * the second the second, and nothing runs before its time or after the last attempt.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FakeClock } from '../src/clock.js';
import { buildConfig } from '../src/config/load.js';
import { DEFAULTS } from '../src/config/schema.js';
import { startDemoErp, type DemoErp } from '../src/demo/index.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { tempDir } from './helpers/hub.js';
import { KEYS, type DemoConfig } from './helpers/world.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIRST_DELAY_MS = 10_000; // 10 s
const SECOND_DELAY_MS = 3_600_000; // 1 h
const JITTER = DEFAULTS.retryJitter;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hubOnFakeClock(): Promise<{ hub: Hub; erp: DemoErp; clock: FakeClock }> {
  const dir = tempDir('hookyard-retry-');
  const erp = await startDemoErp({ hubUrl: 'http://127.0.0.1:9', webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20] });
  erp.pauseHooks(); // this test feeds the hub itself
  const data = parseYaml(readFileSync(resolve(ROOT, 'examples/demo.yaml'), 'utf8')) as DemoConfig;
  data.connections.erp.retry = { maxAttempts: 3, delays: ['10s', '1h'] };
  const config = buildConfig(data, { file: resolve(ROOT, 'examples/demo.yaml'), env: { SHOP_URL: 'http://127.0.0.1:9', ERP_URL: erp.url } });
  const clock = new FakeClock();
  const store = await openStore({ dataDir: dir.path });
  const hub = await createHub({ config, store, clock, workers: false });
  cleanups.push(() => dir.remove(), () => erp.close(), () => hub.close());
  return { hub, erp, clock };
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
