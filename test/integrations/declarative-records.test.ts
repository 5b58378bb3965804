/**
 * Reading and writing records through a declared api against a real local JSON API that keeps
 * its records in memory and answers as such APIs document: get (404 is gone), create with an
 * idempotency key, update, delete (404 is already deleted), find by a field, poll since a cursor;
 * failures classified for the engine's retries, Retry-After honoured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration } from '../../src/integrations/types.js';
import { rejection, writeContext } from './context.js';
import { header, integrationFromYaml, startApi, type ApiServer } from './declarative-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const FILE = `
id: tickets
scopes: [{ scope: customer/updated, description: "Desk requester → customer" }]
api:
  baseUrl: "{settings.baseUrl}/api/v2"
  auth: { kind: bearer, token: "{settings.token}" }
  idempotencyHeader: Idempotency-Key
  types:
    customer:
      get: { path: "/users/{externalId}", record: user }
      create: { path: /users, body: "{ 'user': $ }", id: user.id }
      update: { method: PATCH, path: "/users/{externalId}", body: "{ 'user': $ }" }
      delete: { path: "/users/{externalId}" }
      find: { path: /users/search, query: { "{field}": "{value}" }, fields: [email, external_ref], records: users }
      poll: { path: /users/changes, query: { since: "{cursor}" }, records: users, cursor: "$string(end_time)", more: "count = 2" }
`;

interface User {
  id: number;
  email: string;
  name?: string;
  updated: number;
}

/** A small user API: ids from 101, idempotent POSTs by key, a changes feed by time. */
async function desk(options: { failWith?: { status: number; headers?: Record<string, string> } } = {}) {
  const users = new Map<number, User>();
  const byKey = new Map<string, number>();
  let nextId = 101;
  let clock = 1000;
  const server: ApiServer = await startApi((r) => {
    if (header(r, 'authorization') !== 'Bearer desk-token') return { status: 401, json: { error: 'Couldn\'t authenticate you' } };
    if (options.failWith) return { status: options.failWith.status, headers: options.failWith.headers, json: { error: 'try later' } };
    const one = /^\/api\/v2\/users\/(\d+)$/.exec(r.path);
    if (r.method === 'POST' && r.path === '/api/v2/users') {
      const key = header(r, 'idempotency-key');
      const existing = key ? byKey.get(key) : undefined;
      if (existing !== undefined) return { status: 201, json: { user: users.get(existing) } };
      const user: User = { ...r.json().user, id: nextId++, updated: (clock += 1) };
      users.set(user.id, user);
      if (key) byKey.set(key, user.id);
      return { status: 201, json: { user } };
    }
    if (one && r.method === 'GET') return users.has(Number(one[1])) ? { json: { user: users.get(Number(one[1])) } } : { status: 404, json: { error: 'RecordNotFound' } };
    if (one && r.method === 'PATCH') {
      const user = users.get(Number(one[1]));
      if (!user) return { status: 404, json: { error: 'RecordNotFound' } };
      Object.assign(user, r.json().user, { updated: (clock += 1) });
      return { json: { user } };
    }
    if (one && r.method === 'DELETE') return users.delete(Number(one[1])) ? { status: 204 } : { status: 404, json: { error: 'RecordNotFound' } };
    if (r.path === '/api/v2/users/search') {
      const [[field, value]] = [...r.query.entries()] as [[string, string]];
      return { json: { users: [...users.values()].filter((u) => String((u as unknown as Record<string, unknown>)[field]) === value) } };
    }
    if (r.path === '/api/v2/users/changes') {
      const since = Number(r.query.get('since') ?? 0);
      const changed = [...users.values()].filter((u) => u.updated > since).sort((a, b) => a.updated - b.updated).slice(0, 2);
      return { json: { users: changed, count: changed.length, end_time: changed.length ? changed[changed.length - 1]!.updated : since } };
    }
    return undefined;
  });
  closers.push(() => server.close());
  return { server, users, settings: { baseUrl: server.url, token: 'desk-token' } };
}

const tickets: Integration = integrationFromYaml(FILE);

describe('get', () => {
  it('reads the record where the answer keeps it, and null on 404 (gone)', async () => {
    const { users, settings } = await desk();
    users.set(7, { id: 7, email: 'ada@example.com', updated: 1 });
    expect(await tickets.get!('customer', '7', writeContext(settings))).toEqual({ id: 7, email: 'ada@example.com', updated: 1 });
    expect(await tickets.get!('customer', '8', writeContext(settings))).toBeNull();
  });

  it('puts the external id into the path URL-encoded', async () => {
    const { server, settings } = await desk();
    await tickets.get!('customer', 'a/b c', writeContext(settings));
    expect(server.received[0]!.url).toBe('/api/v2/users/a%2Fb%20c');
  });

  it('refuses "." and ".." as an id, sending nothing (they would name another resource)', async () => {
    const { server, settings } = await desk();
    for (const id of ['.', '..']) {
      const error = await rejection(tickets.get!('customer', id, writeContext(settings)));
      expect(error.code).toBe('HY_ERR_EXTERNAL_ID_INVALID');
      expect(error.retryable).toBe(false);
    }
    expect(server.received).toEqual([]);
  });

  it('fails permanently for a type the file declares no get for', async () => {
    const error = await rejection(tickets.get!('product', '1', writeContext({ baseUrl: 'http://127.0.0.1:1', token: 'x' })));
    expect(error.code).toBe('HY_ERR_INTEGRATION_UNSUPPORTED');
    expect(error.message).toContain('declares get for customer');
  });

  it('gives an integration methods only for the operations some type declares', () => {
    const readOnly = integrationFromYaml(`
id: ro
scopes: [{ scope: customer/updated, description: "x → customer" }]
api: { baseUrl: "{settings.baseUrl}", types: { customer: { get: { path: "/c/{externalId}" } } } }
`);
    expect(typeof readOnly.get).toBe('function');
    expect([readOnly.create, readOnly.update, readOnly.delete, readOnly.find, readOnly.list, readOnly.poll]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('failures', () => {
  it('a 429 is retryable after the Retry-After it names', async () => {
    const { settings } = await desk({ failWith: { status: 429, headers: { 'retry-after': '17' } } });
    const error = await rejection(tickets.get!('customer', '7', writeContext(settings)));
    expect(error.code).toBe('HY_ERR_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(17_000);
  });

  it('a 503 is retryable; a 422 is permanent', async () => {
    const down = await desk({ failWith: { status: 503 } });
    expect((await rejection(tickets.get!('customer', '7', writeContext(down.settings)))).retryable).toBe(true);
    const refused = await desk({ failWith: { status: 422 } });
    const error = await rejection(tickets.create!('customer', { email: 'x' }, writeContext(refused.settings)));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_DESTINATION_REJECTED', false]);
  });
});

describe('writes', () => {
  it('creates with the JSONata body around the record and the idempotency key; a retried create gets the first record', async () => {
    const { server, users, settings } = await desk();
    const ctx = writeContext(settings, { idempotencyKey: 'desk:42' });
    expect(await tickets.create!('customer', { email: 'ada@example.com', name: 'Ada' }, ctx)).toEqual({ externalId: '101' });
    expect(await tickets.create!('customer', { email: 'ada@example.com', name: 'Ada' }, ctx)).toEqual({ externalId: '101' });
    expect(users.size).toBe(1);
    expect(header(server.received[0]!, 'idempotency-key')).toBe('desk:42');
    expect(JSON.parse(server.received[0]!.body)).toEqual({ user: { email: 'ada@example.com', name: 'Ada' } });
    expect(ctx.logs.find((l) => l.step === 'create')?.detail).toContain('Idempotency-Key desk:42');
  });

  it('updates with the declared method and body, and deletes; a delete of a record already gone succeeds', async () => {
    const { server, users, settings } = await desk();
    users.set(7, { id: 7, email: 'old@example.com', updated: 1 });
    await tickets.update!('customer', '7', { email: 'new@example.com' }, writeContext(settings));
    expect(users.get(7)!.email).toBe('new@example.com');
    expect(server.received[0]!.method).toBe('PATCH');
    await tickets.delete!('customer', '7', writeContext(settings));
    expect(users.has(7)).toBe(false);
    const ctx = writeContext(settings);
    await tickets.delete!('customer', '7', ctx);
    expect(ctx.logs).toContainEqual({ step: 'delete', detail: 'customer 7 was already gone' });
  });
});

describe('find', () => {
  it('finds one record by a declared field, null for none, a collision for several', async () => {
    const { server, users, settings } = await desk();
    users.set(7, { id: 7, email: 'ada@example.com', updated: 1 });
    expect(await tickets.find!('customer', 'email', 'ada@example.com', writeContext(settings))).toBe('7');
    expect(server.received[0]!.url).toBe('/api/v2/users/search?email=ada%40example.com');
    expect(await tickets.find!('customer', 'email', 'bob@example.com', writeContext(settings))).toBeNull();
    users.set(8, { id: 8, email: 'ada@example.com', updated: 2 });
    expect((await rejection(tickets.find!('customer', 'email', 'ada@example.com', writeContext(settings)))).code).toBe('HY_ERR_COLLISION');
  });

  it('refuses a field the file does not declare searchable, without a request', async () => {
    const { server, settings } = await desk();
    const error = await rejection(tickets.find!('customer', 'name', 'Ada', writeContext(settings)));
    expect(error.code).toBe('HY_ERR_INTEGRATION_UNSUPPORTED');
    expect(error.message).toContain('finds by email, external_ref');
    expect(server.received).toHaveLength(0);
  });
});

describe('poll', () => {
  it('leaves the cursor out on the first poll, then continues from the cursor the answer gives', async () => {
    const { server, users, settings } = await desk();
    for (const id of [7, 8, 9]) users.set(id, { id, email: `${id}@example.com`, updated: 1000 + id });
    const first = await tickets.poll!('customer', null, writeContext(settings));
    expect(first).toEqual({ ids: ['7', '8'], cursor: '1008', more: true });
    const second = await tickets.poll!('customer', first.cursor, writeContext(settings));
    expect(second).toEqual({ ids: ['9'], cursor: '1009' });
    expect(server.received.map((r) => r.url)).toEqual(['/api/v2/users/changes', '/api/v2/users/changes?since=1008']);
  });
});
