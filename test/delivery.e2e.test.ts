/**
 * Delivery guarantees end to end: a destination that fails for a while, then recovers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';
import { until } from './helpers/wait.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});


describe('a destination that fails for a while', () => {
  it('retries with backoff, opens and closes the circuit, delivers every record once', async () => {
    world = await startWorld((config) => {
      config.connections.erp.retry = { maxAttempts: 10, delays: ['50ms'] };
      config.connections.erp.circuit = { failures: 3, cooldown: '3s' }; // far longer than the worker's idle look (250 ms), also under load
    });
    const w = world;
    const failing = w.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', status: 503 });
    const skus = ['R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6'];
    for (const sku of skus) w.shop.createProduct({ title: `Product ${sku}`, status: 'active', variants: [{ sku, price: '5.00' }] });

    await until('the circuit of erp opens', () => w.hub.guards.states().erp === 'open');
    const waiting = await transfers(w, 'connection=erp&status=retrying');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((t) => t.lastErrorCode === 'HY_ERR_DESTINATION_FAILED' || t.reasonCode === 'circuit_open')).toBe(true);
    void failing;
    w.erp.clearFailures();
    await w.settle();

    expect(w.hub.guards.states().erp).toBe('closed');
    for (const sku of skus) expect([...w.erp.items.values()].filter((item) => item.sku === sku), sku).toHaveLength(1);
    expect(w.erp.writes.count('items', 'create')).toBe(skus.length);
    const outbound = (await transfers(w, 'connection=erp')).filter((t) => t.direction === 'from_hub');
    expect(outbound.length).toBeGreaterThanOrEqual(skus.length);
    expect(outbound.filter((t) => t.status !== 'succeeded')).toEqual([]);
    // Backoff happened: some needed more than one attempt, and the log shows the retry and the open circuit.
    expect(outbound.some((t) => t.attempts > 1)).toBe(true);
    const logs = await Promise.all(outbound.map((t) => w.api(`/api/transfers/${t.id}`)));
    const steps = logs.flatMap((shown) => shown.activity.map((a: any) => a.step));
    expect(steps).toContain('retry');
    expect(steps).toContain('circuit open');
    // Waiting on an open circuit spends no attempts: nobody ran out of them.
    expect(Math.max(...outbound.map((t) => t.attempts))).toBeLessThanOrEqual(10);
  });
});
