/**
 * Operational events, as the engine and ingest emit them through a real hub: how each hook was
 * answered, every transfer outcome written (the dead one included), and a circuit that opens and
 * closes again — what logs, alerts and metrics listen to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpsEvent } from '../src/ops/events.js';
import { KEYS } from './helpers/world.js';
import { erpHubOnFakeClock, type ErpHub } from './helpers/erp-hub.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hubWithEvents(): Promise<ErpHub & { events: OpsEvent[] }> {
  const erpHub = await erpHubOnFakeClock('hookyard-events-', (data) => {
    data.connections.erp.retry = { maxAttempts: 2, delays: ['10s'] };
    data.connections.erp.circuit = { failures: 2, cooldown: '1m', probeInterval: '5s' };
  });
  cleanups.push(() => erpHub.dispose());
  const events: OpsEvent[] = [];
  erpHub.hub.events.on((event) => events.push(event));
  return { ...erpHub, events };
}

describe('operational events', () => {
  it('tell how each hook was answered, with the refusal code and never the unknown connection name', async () => {
    const { hub, events } = await hubWithEvents();
    const body = JSON.stringify({ event: 'item.updated', code: 'ITEM-1' });
    const ok = await hub.app.inject({ method: 'POST', url: '/hooks/erp', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.erpHook}`, 'x-acme-delivery': 'd-1' }, payload: body });
    const again = await hub.app.inject({ method: 'POST', url: '/hooks/erp', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.erpHook}`, 'x-acme-delivery': 'd-1' }, payload: body });
    const wrongKey = await hub.app.inject({ method: 'POST', url: '/hooks/erp', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, payload: body });
    const unknown = await hub.app.inject({ method: 'POST', url: '/hooks/no-such-thing', headers: { 'content-type': 'application/json' }, payload: body });
    const tooLarge = await hub.app.inject({ method: 'POST', url: '/hooks/erp', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.erpHook}` }, payload: `"${'x'.repeat(1_100_000)}"` });
    expect([ok.statusCode, again.statusCode, wrongKey.statusCode, unknown.statusCode, tooLarge.statusCode]).toEqual([202, 200, 401, 404, 413]);
    const received = events.filter((e) => e.type === 'hook.received');
    expect(received.map((e) => [e.connection, e.answer, e.status, e.code])).toEqual([
      ['erp', 'accepted', 202, null],
      ['erp', 'duplicate', 200, null],
      ['erp', 'rejected', 401, 'HY_ERR_AUTH_INVALID'],
      [null, 'rejected', 404, 'HY_ERR_CONNECTION_UNKNOWN'],
      // Refused by Fastify's body parser: told by the code it is answered with, not Fastify's own.
      ['erp', 'rejected', 413, 'HY_ERR_BODY_TOO_LARGE'],
    ]);
    for (const e of received) expect(e.ms).toBeGreaterThanOrEqual(0);
  });

  it('tell every outcome written — retrying, then dead — and the circuit opening, then closing on a good answer', async () => {
    const { hub, erp, clock, events } = await hubWithEvents();
    const item = erp.createItem({ name: 'Crate', sku: 'CRATE-1', price: 3, status: 'ACTIVE' });
    const failing = erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(item.code), status: 503 });
    const request = { seq: 0, trackingId: 'events', connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: item.code, requestType: 'standard', status: 'queued', reason: null, reasonCode: null, runAt: clock.now(), origin: null } as const;
    await hub.store.queueTransfers([request], clock.now());
    expect(await hub.transfers.runOnce()).toBe(1);
    const [queued] = (await hub.store.listTransfers({ limit: 1 })).items;
    clock.set((await hub.store.getTransfer(queued!.id))!.runAt);
    expect(await hub.transfers.runOnce()).toBe(1);

    const finished = events.filter((e) => e.type === 'transfer.finished');
    expect(finished.map((e) => [e.transfer.id, e.transfer.connection, e.transfer.direction, e.outcome.status, e.outcome.errorCode])).toEqual([
      [queued!.id, 'erp', 'to_hub', 'retrying', 'HY_ERR_DESTINATION_FAILED'],
      [queued!.id, 'erp', 'to_hub', 'dead', 'HY_ERR_DESTINATION_FAILED'],
    ]);
    expect(events.filter((e) => e.type === 'circuit.opened')).toEqual([{ type: 'circuit.opened', connection: 'erp', until: clock.now() + 60_000 }]);

    // The system answers again: after the cooldown one probe goes out, succeeds, and the circuit closes.
    failing.clear();
    await hub.store.queueTransfers([{ ...request, trackingId: 'events-2', runAt: clock.now() }], clock.now());
    clock.advance(60_000);
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(events.filter((e) => e.type === 'circuit.closed')).toEqual([{ type: 'circuit.closed', connection: 'erp' }]);
    expect(events.filter((e) => e.type === 'transfer.finished').at(-1)).toMatchObject({ outcome: { status: 'succeeded' } });
  });
});
