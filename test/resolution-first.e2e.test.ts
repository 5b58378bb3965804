/**
 * Resolution first, through the engine: while hooks wait to be resolved, the transfer worker does
 * not start a due request (it waits for them, so that they fold into it), but never longer than
 * `engine.resolveFirst` after the request became due — and a change made at the source while a
 * read runs still reaches the hub. Real SQLite, a real HTTP source that counts its reads; the hub's
 * workers are driven by hand on a fake clock, except where the background worker itself is the point.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/defaults.js';
import { parseConfig, type HubConfig } from '../src/config/load.js';
import { startTestHub, tempDir, type TestHub } from './helpers/hub.js';
import { startListeningHub } from './helpers/listening.js';
import { closeAfterEach, reply, startSimulator, type Simulator } from './helpers/simulator.js';
import { until } from './helpers/wait.js';

const SOURCE = `
id: source
title: Source
scopes: [{ scope: product/updated, description: "source product → product" }]
api:
  baseUrl: "{settings.baseUrl}"
  types:
    product:
      get: { path: "/products/{externalId}", record: product }
`;

const keep = closeAfterEach();

interface Source {
  simulator: Simulator;
  /** The source's records: title by id; a GET answers with the title as it is when the GET arrives. */
  titles: Map<string, string>;
  /** Ids of the records read, in order. */
  reads: string[];
  /** While set, GETs are answered only when released (each read sees the title as it was when it arrived). */
  holding: boolean;
  release(): void;
}

async function startSource(): Promise<Source> {
  const held: Array<() => void> = [];
  const source: Source = {
    simulator: null as unknown as Simulator,
    titles: new Map(),
    reads: [],
    holding: false,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
  };
  source.simulator = await startSimulator((request) => {
    const id = /^\/products\/([^/]+)$/.exec(request.path)?.[1];
    const title = id === undefined ? undefined : source.titles.get(id);
    if (request.method !== 'GET' || title === undefined) return reply(404, { error: 'not found' });
    source.reads.push(id!);
    const answer = reply(200, { product: { id, title } });
    if (!source.holding) return answer;
    return new Promise((resolve) => held.push(() => resolve(answer)));
  });
  keep({ close: async () => {
    source.release();
    await source.simulator.close();
  } });
  return source;
}

function hubConfig(sourceUrl: string, engine: string): HubConfig {
  const dir = tempDir('hookyard-resolution-first-');
  keep({ close: () => dir.remove() });
  writeFileSync(join(dir.path, 'source.yaml'), SOURCE);
  return parseConfig(
    `
${engine}
connections:
  source:
    integration: ./source.yaml
    webhook: { apiKey: hook-key }
    settings: { baseUrl: "${sourceUrl}" }
    scopes: [product/updated]
    mappings:
      product:
        to_hub: { sync: add_and_update, fields: { title: title } }
`,
    { file: join(dir.path, 'hookyard.yaml') },
  );
}

/** A hub on a fake clock, its workers off: the test resolves and runs transfers itself. */
async function testHub(source: Source, engine = ''): Promise<TestHub> {
  return keep(await startTestHub(hubConfig(source.simulator.url, engine)));
}

async function sendHook(hub: TestHub, externalId: string): Promise<number> {
  const response = await hub.app.inject({
    method: 'POST',
    url: '/hooks/source',
    headers: { 'content-type': 'application/json', authorization: 'Bearer hook-key' },
    payload: JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] }),
  });
  expect(response.statusCode).toBe(202);
  return (response.json() as { hook: number }).hook;
}

const reasonOf = async (hub: TestHub, hookId: number) => (await hub.store.notificationsOf(hookId))[0]?.reason ?? null;
const transfersOf = async (hub: TestHub) => (await hub.store.listTransfers({ limit: 100 })).items;
const titleOf = async (hub: TestHub, externalId: string) => (await hub.store.hubRecordByExternalId('source', 'product', externalId))?.data.title;

describe('resolution first: a due request waits while hooks wait to be resolved', () => {
  it('does not start the request while a hook about its record is unresolved: the hook is absorbed, the record read once', async () => {
    const source = await startSource();
    source.titles.set('7', 'v1');
    const hub = await testHub(source);
    await sendHook(hub, '7');
    await hub.resolveAll();
    const [waiting] = await transfersOf(hub);
    expect(waiting).toMatchObject({ status: 'queued', externalId: '7' });

    source.titles.set('7', 'v2');
    const second = await sendHook(hub, '7'); // stored, not resolved yet
    expect(await hub.transfers.runOnce()).toBe(0);
    expect(source.reads).toEqual([]);

    await hub.resolveAll();
    expect(await reasonOf(hub, second)).toBe(`coalesced into transfer ${waiting!.id}, which has not run yet`);
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(source.reads).toEqual(['7']);
    expect(await transfersOf(hub)).toEqual([expect.objectContaining({ id: waiting!.id, status: 'succeeded' })]);
    expect(await titleOf(hub, '7')).toBe('v2');
  });

  it.each([
    { engine: '', reads: 4, what: 'with the default hold, each record is read once' },
    { engine: 'engine: { resolveFirst: 0 }', reads: 20, what: 'with the hold off (resolveFirst: 0), a record is read again for each hook' },
  ])('a burst of 20 hooks over 4 records, the worker looking between hooks: $what', async ({ engine, reads }) => {
    const source = await startSource();
    for (const id of ['1', '2', '3', '4']) source.titles.set(id, `${id} v0`);
    const hub = await testHub(source, engine);
    for (let i = 0; i < 20; i++) {
      const id = String((i % 4) + 1);
      source.titles.set(id, `${id} v${i + 1}`);
      await sendHook(hub, id);
      await hub.transfers.runOnce(); // the worker looks while this hook waits to be resolved
      await hub.resolveAll();
    }
    while ((await hub.transfers.runOnce()) > 0);
    expect(source.reads).toHaveLength(reads);
    for (const id of ['1', '2', '3', '4']) expect(await titleOf(hub, id)).toBe(source.titles.get(id));
  });

  it('starts a request once it has been due for engine.resolveFirst (5 s by default), though hooks still wait', async () => {
    const source = await startSource();
    source.titles.set('7', 'v1').set('8', 'w1');
    const hub = await testHub(source);
    await sendHook(hub, '7');
    await hub.resolveAll();
    hub.clock.advance(3_000);
    await sendHook(hub, '8');
    await hub.resolveAll();
    await sendHook(hub, '9'); // never resolved in this test: the inbox stays behind

    expect(await hub.transfers.runOnce()).toBe(0);
    hub.clock.advance(DEFAULTS.resolveFirstMs - 3_000 - 1);
    expect(await hub.transfers.runOnce()).toBe(0);
    hub.clock.advance(1); // 7's request has been due for resolveFirst; 8's for 3 s less
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(source.reads).toEqual(['7']);
    hub.clock.advance(3_000);
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(source.reads).toEqual(['7', '8']);
    expect(await hub.store.backlog()).toBe(1);
  });

  it('the running worker starts a held request by itself once the hold has run out, with no resolver running', async () => {
    const source = await startSource();
    source.titles.set('7', 'v1');
    const listening = keep(await startListeningHub(hubConfig(source.simulator.url, 'engine: { resolveFirst: 300ms }')));
    const { hub } = listening;
    await hub.resolver.stop();
    const post = async (externalId: string) => {
      const response = await fetch(`${listening.url}/hooks/source`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer hook-key' },
        body: JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] }),
      });
      expect(response.status).toBe(202);
    };
    await post('7');
    await post('8'); // neither is ever resolved: hooks wait the whole test
    const planned = { seq: 0, trackingId: 'manual', connection: 'source', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: '7', requestType: 'standard', status: 'queued', reason: null, reasonCode: null, origin: null } as const;
    await hub.store.queueTransfers([{ ...planned, runAt: Date.now() }], Date.now());
    hub.transfers.wake();
    await until('the held request runs', async () => (await hub.store.listTransfers({ limit: 10 })).items[0]?.status === 'succeeded');
    expect(source.reads).toEqual(['7']);
    expect(await hub.store.backlog()).toBe(2);
    expect((await hub.store.hubRecordByExternalId('source', 'product', '7'))?.data.title).toBe('v1');
  });
});

describe('resolution first loses no change', () => {
  it('transfers a change made at the source after the running read: its follow-up waits for the hooks, then reads the newest record', async () => {
    const source = await startSource();
    source.titles.set('7', 'v1');
    const hub = await testHub(source);
    await sendHook(hub, '7');
    await hub.resolveAll();
    const [first] = await transfersOf(hub);

    source.holding = true;
    const running = hub.transfers.runOnce();
    await until('the first read reaches the source', () => source.reads.length === 1);
    source.titles.set('7', 'v2'); // after the running read
    const second = await sendHook(hub, '7');
    await hub.resolveAll();
    expect(await reasonOf(hub, second)).toBe(`transfer ${first!.id} for this record is running: it runs once more when it finishes`);
    source.titles.set('7', 'v3');
    const third = await sendHook(hub, '7'); // waits to be resolved while the read ends

    source.holding = false;
    source.release();
    expect(await running).toBe(1);
    const [followUp] = await transfersOf(hub);
    expect(followUp).toMatchObject({ status: 'queued', hookId: second });
    expect(await titleOf(hub, '7')).toBe('v1');

    expect(await hub.transfers.runOnce()).toBe(0); // the follow-up waits for the third hook
    await hub.resolveAll();
    expect(await reasonOf(hub, third)).toBe(`coalesced into transfer ${followUp!.id}, which has not run yet`);
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(await hub.transfers.runOnce()).toBe(0);
    expect(source.reads).toEqual(['7', '7']);
    expect(await titleOf(hub, '7')).toBe('v3');
  });
});
