/**
 * Recovery after an outage, over real HTTP: the ERP is down (nothing listens on its port) for a
 * minute, then comes back. The hub runs on a fake clock, one step per second of it, so the test
 * counts steps and calls — never wall time.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FakeClock } from '../src/clock.js';
import { buildConfig } from '../src/config/load.js';
import { startDemoErp, startDemoShop, type DemoErp, type DemoShop } from '../src/demo/index.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { tempDir } from './helpers/hub.js';
import { freePort } from './helpers/wait.js';
import { KEYS } from './helpers/world.js';

const ROOT = resolve(import.meta.dirname, '..');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('a destination that is down for a minute, then answers again', () => {
  it('is probed every probe interval while down, and receives the record within two intervals of coming back', async () => {
    const dir = tempDir('hookyard-recovery-');
    cleanup.push(() => dir.remove());
    const hubPort = await freePort();
    const erpPort = await freePort(); // nothing listens here until the ERP comes back
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const shop: DemoShop = await startDemoShop({ hubUrl, signingSecret: KEYS.shopSecret, accessToken: KEYS.shopToken, retryDelaysMs: [20, 50, 100] });
    cleanup.push(() => shop.close());

    const data = parseYaml(readFileSync(resolve(ROOT, 'examples/demo.yaml'), 'utf8'));
    for (const connection of Object.values<any>(data.connections)) connection.retry = { maxAttempts: 100, delays: ['1s'] };
    data.connections.erp.circuit = { failures: 2 }; // the default cooldown and probe interval (5 s each)
    const config = buildConfig(data, { file: resolve(ROOT, 'examples/demo.yaml'), env: { SHOP_URL: shop.url, ERP_URL: `http://127.0.0.1:${erpPort}` } });
    const clock = new FakeClock();
    const store = await openStore({ dataDir: dir.path });
    const hub: Hub = await createHub({ config, store, clock, workers: false });
    cleanup.push(() => hub.close());
    await hub.listen(hubPort, '127.0.0.1');

    /** One second of the hub's time: read every hook, run every transfer that is due. */
    const step = async () => {
      clock.advance(1_000);
      while ((await hub.resolver.runOnce()) > 0);
      await hub.transfers.runOnce();
    };
    const toErp = async () => (await store.listTransfers({ connection: 'erp', limit: 50 })).items.filter((t) => t.direction === 'from_hub');
    /** Attempts that called the ERP (an attempt held back by the open circuit logs no `start`). */
    const calls = async (id: number) => (await store.activityOf(id)).filter((a) => a.step === 'start').length;

    shop.createProduct({ title: 'Outage lamp', status: 'active', variants: [{ sku: 'OUT-1', price: '9.00' }] });
    await shop.settle();
    const outageSteps = 60;
    for (let i = 0; i < outageSteps; i++) await step();
    const [waiting] = await toErp();
    expect(waiting).toMatchObject({ status: 'retrying' });
    expect(hub.guards.states().erp).toBe('open');
    // Two failures opened the circuit; then a 5 s cooldown and one probe every 5 s: about 12
    // calls in the minute, where a call per retry (1 s) would have made 60.
    const outageCalls = await calls(waiting!.id);
    expect(outageCalls).toBeGreaterThanOrEqual(2 + Math.floor((outageSteps - 10) / 5));
    expect(outageCalls).toBeLessThanOrEqual(2 + Math.ceil(outageSteps / 5) + 1);

    const erp: DemoErp = await startDemoErp({ hubUrl, port: erpPort, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20, 50, 100] });
    cleanup.push(() => erp.close());
    let stepsAfterRecovery = 0;
    while ((await toErp())[0]!.status !== 'succeeded' && stepsAfterRecovery < 60) {
      await step();
      stepsAfterRecovery += 1;
    }
    expect(stepsAfterRecovery, 'seconds (of the hub clock) from the ERP answering to the record arriving').toBeLessThanOrEqual(2 * 5);
    expect([...erp.items.values()].filter((item) => item.sku === 'OUT-1')).toHaveLength(1);
    expect(hub.guards.states().erp).toBe('closed');
    expect(await calls(waiting!.id)).toBe(outageCalls + 1); // one probe, and it succeeded
  });
});
