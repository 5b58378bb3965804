/**
 * Slow answers from the demo systems (FailureRule.delayMs): delayed before processing, or after
 * it (applyFirst) so that the change is made and announced while the caller still waits. Long
 * delays are used only where the test must observe the middle of a request; it then closes the
 * system, which ends the delayed request without waiting for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoErp, type DemoErp } from '../../src/demo/erp.js';
import { call, startReceiver, until, type Receiver } from './receiver.js';

const LONG_MS = 30_000;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(): Promise<{ erp: DemoErp; receiver: Receiver }> {
  const receiver = await startReceiver();
  closers.push(() => receiver.close());
  const erp = await startDemoErp({ hubUrl: receiver.url, webhookKey: 'k', apiToken: 't', retryDelaysMs: [1] });
  closers.push(() => erp.close());
  return { erp, receiver };
}

const api = (erp: DemoErp, method: string, path: string, body?: unknown) =>
  call(erp.url, method, path, { headers: { Authorization: 'Bearer t' }, body });

describe('delayMs', () => {
  it('without a status keeps the real answer; with one answers it without processing', async () => {
    const { erp } = await setup();
    const slow = erp.failRequests({ method: 'POST', delayMs: 5, times: 1 });
    expect(await api(erp, 'POST', '/api/items', { name: 'Mug' })).toMatchObject({ status: 201, body: { code: 'Item:1000' } });
    expect(slow.hits).toBe(1);
    expect(await api(erp, 'GET', '/api/items/Item%3A1000')).toMatchObject({ status: 200 });

    erp.failRequests({ method: 'POST', delayMs: 5, status: 503, times: 1 });
    expect(await api(erp, 'POST', '/api/items', { name: 'Cup' })).toMatchObject({ status: 503, body: { error: 'injected failure' } });
    expect(erp.items.size).toBe(1);
    expect((await api(erp, 'POST', '/api/items', { name: 'Cup' })).status).toBe(201);
  });

  it('delays before processing: nothing changes while the request waits, nor after the system closes', async () => {
    const { erp } = await setup();
    const slow = erp.failRequests({ method: 'POST', delayMs: LONG_MS });
    const pending = api(erp, 'POST', '/api/items', { name: 'Mug' }).then(
      () => 'answered',
      () => 'cut off',
    );
    await until(() => slow.hits === 1);
    expect(erp.items.size).toBe(0);
    await erp.close();
    expect(await pending).toBe('cut off');
    expect(erp.items.size).toBe(0);
  });

  it('with applyFirst makes and announces the change before the answer comes', async () => {
    const { erp, receiver } = await setup();
    erp.failRequests({ method: 'POST', delayMs: LONG_MS, applyFirst: true });
    let answered = false;
    const pending = api(erp, 'POST', '/api/items', { name: 'Mug' }).then(
      () => (answered = true),
      () => 'cut off',
    );
    await until(() => erp.items.size === 1);
    await until(() => receiver.hooks.length === 1);
    expect(receiver.hooks[0]!.json).toEqual({ notifications: [{ event: 'item.changed', id: 'Item:1000' }] });
    expect(answered).toBe(false);
    await erp.close();
    expect(await pending).toBe('cut off');
    expect(erp.writes.count('items', 'create')).toBe(1);
  });

  it('with applyFirst and a status answers that status after the change was made', async () => {
    const { erp } = await setup();
    erp.failRequests({ method: 'PUT', delayMs: 1, applyFirst: true, status: 502, times: 1 });
    erp.createItem({ name: 'Mug' });
    expect((await api(erp, 'PUT', '/api/items/Item%3A1000', { price: 9 })).status).toBe(502);
    expect(erp.items.get('Item:1000')!.price).toBe(9);
    // Without a status, a refused request keeps its real error, only later.
    erp.failRequests({ method: 'PUT', delayMs: 1, applyFirst: true, times: 2 });
    expect((await api(erp, 'PUT', '/api/items/Item%3A1000', { price: -1 })).status).toBe(422);
    expect((await api(erp, 'PUT', '/api/items/Nope%3A1', { price: 1 })).status).toBe(404);
  });
});
