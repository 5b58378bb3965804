/**
 * Dead letters and replay: a request that died is queued again after the cause is fixed, by id
 * or by filter, over the API or the CLI; a stored hook is read again; nothing is deleted and
 * every replay is recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { replayCommand } from '../src/cli/replay.js';
import { startWorld, transfers, type World } from './helpers/world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function post(w: World, path: string, body?: unknown) {
  const response = await fetch(`${w.url}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Three shop products whose ERP creates are refused (422, permanent): three dead requests. */
async function deadLetters(w: World): Promise<any[]> {
  w.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', status: 422 });
  for (const sku of ['DL-1', 'DL-2', 'DL-3']) w.shop.createProduct({ title: `Dead ${sku}`, status: 'active', variants: [{ sku, price: '3.00' }] });
  await w.settle();
  const dead = await transfers(w, 'status=dead&connection=erp');
  expect(dead).toHaveLength(3);
  expect(dead.every((t) => t.lastErrorCode === 'HY_ERR_DESTINATION_REJECTED')).toBe(true);
  w.erp.clearFailures();
  return dead;
}

describe('replay', () => {
  it('retries one dead request by id, keeping its history', async () => {
    world = await startWorld();
    const w = world;
    const [first] = await deadLetters(w);
    const retried = await post(w, `/api/transfers/${first.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.transfer).toMatchObject({ id: first.id, status: 'queued', attempts: 0 });
    expect((await post(w, `/api/transfers/${first.id}/retry`)).body).toMatchObject({ error: 'HY_ERR_TRANSFER_NOT_REPLAYABLE' });
    await w.settle();
    const shown = await w.api(`/api/transfers/${first.id}`);
    expect(shown.transfer).toMatchObject({ status: 'succeeded', lastErrorCode: 'HY_ERR_DESTINATION_REJECTED' });
    expect(shown.activity.map((a: any) => a.step)).toEqual(expect.arrayContaining(['failed', 'replayed', 'created']));
    expect((await post(w, '/api/transfers/999999/retry')).status).toBe(404);
  });

  it('replays by filter over the API, and records the replay', async () => {
    world = await startWorld();
    const w = world;
    await deadLetters(w);
    // What a replay would queue again, counted before it (the console confirms with this count).
    expect(await w.api('/api/transfers/replayable?status=dead&connection=erp&since=2000-01-01T00:00:00Z')).toEqual({ count: 3 });
    expect(await w.api(`/api/transfers/replayable?status=dead&connection=shop&until=${Date.now() + 60_000}`)).toEqual({ count: 0 });
    const refused = await fetch(`${w.url}/api/transfers/replayable?since=yesterday`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'HY_ERR_QUERY_INVALID' });
    const replayed = await post(w, '/api/transfers/replay', { status: 'dead', connection: 'erp', since: '2000-01-01T00:00:00Z' });
    expect(replayed.status).toBe(202);
    expect(replayed.body.count).toBe(3);
    await w.settle();
    expect(await transfers(w, 'status=dead')).toEqual([]);
    for (const sku of ['DL-1', 'DL-2', 'DL-3']) expect([...w.erp.items.values()].filter((i) => i.sku === sku)).toHaveLength(1);
    const replays = (await w.api('/api/replays')).items;
    expect(replays[0]).toMatchObject({ kind: 'transfers', count: 3, actor: 'api' });
    expect((await post(w, '/api/transfers/replay', { status: 'nonsense' })).body).toMatchObject({ error: 'HY_ERR_QUERY_INVALID' });
  });

  it('replays with the CLI, showing progress', async () => {
    world = await startWorld();
    const w = world;
    await deadLetters(w);
    const lines: string[] = [];
    const output = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const dataDir = w.dataDir;
    const dry = await replayCommand({ config: 'examples/demo.yaml', data: dataDir, connection: 'erp', dryRun: true }, output, false);
    expect(dry).toBe(0);
    expect(lines.pop()).toBe('3 transfer request(s) match; nothing was replayed (--dry-run)');
    expect(await replayCommand({ config: 'examples/demo.yaml', data: dataDir, connection: 'erp' }, output, false)).toBe(0);
    expect(lines).toContain('[##############################] 3/3 100%');
    expect(lines.at(-1)).toMatch(/^replay \d+: 3 transfer request\(s\) queued again$/);
    await w.settle();
    expect(await transfers(w, 'status=dead')).toEqual([]);
  });

  it('reads a stored hook again: its first reading stays, the replay is recorded', async () => {
    world = await startWorld();
    const w = world;
    w.erp.sendNotifications([{ event: 'unknown.event', id: 'Item:1' }]);
    await w.settle();
    const [hook] = (await w.api('/api/hooks?status=unmatched')).items;
    expect(hook).toBeDefined();
    const replayed = await post(w, `/api/hooks/${hook.id}/replay`);
    expect(replayed.status).toBe(202);
    await w.settle();
    const shown = await w.api(`/api/hooks/${hook.id}`);
    expect(shown.hook.status).toBe('unmatched');
    expect(shown.notifications).toHaveLength(2); // the first reading and the replay's
    expect((await w.api('/api/replays')).items[0]).toMatchObject({ kind: 'hook', target: String(hook.id) });
  });
});
