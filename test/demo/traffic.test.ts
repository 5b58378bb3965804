/** Demo traffic: seeded data, and the same seed giving the same changes. */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp } from '../../src/demo/erp.js';
import { startDemoShop } from '../../src/demo/shop.js';
import { seedDemoData, startTraffic } from '../../src/demo/traffic.js';
import { startReceiver } from './receiver.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function world() {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const shop = await startDemoShop({ hubUrl: receiver.url, signingSecret: 's', accessToken: 't' });
  closers.push(() => shop.close());
  const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'k', apiToken: 't' });
  closers.push(() => erp.close());
  return { receiver, shop, erp };
}

describe('demo traffic', () => {
  it('seeds both systems and their hooks reach the hub', async () => {
    const { receiver, shop, erp } = await world();
    const seeded = seedDemoData(shop, erp);
    expect(seeded.products).toHaveLength(5);
    expect(seeded.customers).toHaveLength(3);
    expect(seeded.orders).toHaveLength(1);
    expect(seeded.items).toEqual(['Item:1000', 'Item:1001', 'Item:1002', 'Item:1003']);
    expect(seeded.categories).toEqual(['Cat:1000', 'Cat:1001', 'Cat:1002']);
    expect(shop.customers.get(seeded.customers[0]!)!.addresses).toHaveLength(2);
    await Promise.all([shop.settle(), erp.settle()]);
    // From the shop: 5 products, 3 customers, the order (orders/create, orders/paid) and its
    // customer's new order count (customers/update); from the ERP: 4 items and 2 customers.
    expect(receiver.hooks).toHaveLength(17);
    expect(shop.products.get(seeded.products[0]!)!.handle).toBe('shirt-lin');
  });

  it('makes the same changes for the same seed', async () => {
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const { shop, erp } = await world();
      seedDemoData(shop, erp);
      const lines: string[] = [];
      const traffic = startTraffic({ shop, erp, seed: 42, intervalMs: 60_000, log: (line) => lines.push(line) });
      closers.push(() => traffic.stop());
      for (let i = 0; i < 40; i++) traffic.tick();
      await Promise.all([shop.settle(), erp.settle()]);
      expect(shop.hooksSent.length).toBeGreaterThan(0);
      expect(shop.hooksSent.filter((s) => s.status !== 202)).toEqual([]);
      runs.push(lines);
    }
    expect(runs[0]).toHaveLength(40);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]!.some((line) => line.startsWith('erp:'))).toBe(true);
    expect(runs[0]!.some((line) => line.startsWith('shop:'))).toBe(true);
    expect(runs[0]!.filter((line) => line.startsWith('rejected'))).toEqual([]);
  });
});
