/**
 * Coalescing while running, end to end over real HTTP: the source's GET for a record is held
 * (answering with the record as it was when the request arrived) while more hooks about the
 * record arrive and the record changes again; once released, the hub reads the record exactly
 * once more and ends with the newer version — however many hooks arrived meanwhile.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { tempDir } from './helpers/hub.js';
import { startListeningHub, type ListeningHub } from './helpers/listening.js';
import { until } from './helpers/wait.js';

const SOURCE = `
id: source
title: Source
scopes: [{ scope: product/updated, description: "source product → product" }]
api:
  baseUrl: "{settings.baseUrl}"
  auth: { kind: bearer, token: "{settings.token}" }
  types:
    product:
      get: { path: "/products/{externalId}", record: product }
`;

let dir: ReturnType<typeof tempDir>;
let server: Server;
let hub: ListeningHub;
/** The source's records by id, and every GET it answered (or holds). */
let records: Map<string, { id: string; title: string }>;
let gets: string[];
let holding: boolean;
let held: Array<() => void>;

beforeEach(async () => {
  dir = tempDir('hookyard-coalescing-');
  records = new Map([['7', { id: '7', title: 'v1' }]]);
  gets = [];
  holding = false;
  held = [];
  server = createServer((request, response) => {
    const match = /^\/products\/([^/?]+)$/.exec(request.url ?? '');
    const record = match ? records.get(match[1]!) : undefined;
    if (request.headers.authorization !== 'Bearer source-token') return json(response, 401, { error: 'unauthorized' });
    if (request.method !== 'GET' || !record) return json(response, 404, { error: 'not found' });
    gets.push(record.id);
    const snapshot = { ...record }; // read now: a change made after this is not in the answer
    if (holding) held.push(() => json(response, 200, { product: snapshot }));
    else json(response, 200, { product: snapshot });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sourceUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  writeFileSync(join(dir.path, 'source.yaml'), SOURCE);
  const config = parseConfig(
    `
connections:
  source:
    integration: ./source.yaml
    webhook: { apiKey: hook-key }
    settings: { baseUrl: "${sourceUrl}", token: source-token }
    scopes: [product/updated]
    mappings:
      product:
        to_hub: { sync: add_and_update, fields: { title: title } }
`,
    { file: join(dir.path, 'hookyard.yaml') },
  );
  hub = await startListeningHub(config);
});

afterEach(async () => {
  for (const release of held.splice(0)) release();
  await hub.dispose();
  await new Promise((resolve) => server.close(resolve));
  dir.remove();
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function sendHook(externalId: string): Promise<number> {
  const response = await fetch(`${hub.url}/hooks/source`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer hook-key' },
    body: JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { hook: number }).hook;
}

async function api<T = any>(path: string): Promise<T> {
  const response = await fetch(`${hub.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const notificationReason = async (hookId: number): Promise<string | null> => ((await api(`/api/hooks/${hookId}`)).notifications[0]?.reason ?? null);
const transfers = async (): Promise<any[]> => (await api('/api/transfers?connection=source&limit=500')).items;
const settled = async () => (await transfers()).every((t) => t.status === 'succeeded' || t.status === 'skipped' || t.status === 'dead');

it('transfers a change made after the running read: one more read, and the hub ends with the newer record', async () => {
  holding = true;
  await sendHook('7');
  await until('the first read reaches the source', () => gets.length === 1);
  const [first] = await transfers();
  expect(first).toMatchObject({ status: 'running' });

  records.set('7', { id: '7', title: 'v2' }); // changed after the running read
  const second = await sendHook('7');
  await until('the second hook is resolved', async () => (await notificationReason(second)) !== null);
  expect(await notificationReason(second)).toBe(`transfer ${first.id} for this record is running: it runs once more when it finishes`);
  expect(await transfers()).toHaveLength(1);

  holding = false;
  held.shift()!();
  await until('both runs end', async () => (await transfers()).length === 2 && (await settled()));
  const [followUp, ran] = await transfers();
  expect(ran).toMatchObject({ id: first.id, status: 'succeeded' });
  expect(followUp).toMatchObject({ status: 'succeeded', hookId: second, externalId: '7' });
  expect(gets).toEqual(['7', '7']);
  const record = await api(`/api/records/product/${followUp.hubId}`);
  expect(record.record.data).toEqual({ title: 'v2' });
  const activity = (await api(`/api/transfers/${first.id}`)).activity.map((a: { step: string }) => a.step);
  expect(activity).toContain('follow-up');
});

it('follows a burst of hooks for one record while it runs with exactly one more read', async () => {
  records.set('8', { id: '8', title: 'other v1' });
  holding = true;
  await sendHook('7');
  await until('the first read reaches the source', () => gets.length === 1);
  const burst: number[] = [];
  for (let version = 2; version <= 41; version++) {
    records.set('7', { id: '7', title: `v${version}` });
    burst.push(...(await Promise.all([sendHook('7'), sendHook('7'), sendHook('7')])));
  }
  await until('every hook of the burst is resolved', async () => (await notificationReason(burst.at(-1)!)) !== null && (await api('/readyz')).counts.hooks.received === 0);
  expect(await transfers()).toHaveLength(1);

  holding = false;
  held.shift()!();
  await until('the runs end', async () => (await transfers()).length >= 2 && (await settled()));
  const all = await transfers();
  expect(all).toHaveLength(2);
  expect(gets).toEqual(['7', '7']);
  expect((await api(`/api/records/product/${all[0].hubId}`)).record.data).toEqual({ title: 'v41' });
  // The follow-up carries the newest notification: the last hook of the burst to be resolved.
  expect(burst).toContain(all[0].hookId);
});
