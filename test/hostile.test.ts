/**
 * Hostile and broken senders against a hub listening on a real port: bodies ingest must refuse
 * (each with its code), a form it must take and read, header floods, a slow client, and
 * backpressure (429 with Retry-After while the backlog is full, 202 again once it drains).
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureConfig } from './helpers/hub.js';
import { startListeningHub, type ListeningHub } from './helpers/listening.js';
import { exchange, send, type SendRequest, type WireResponse } from './helpers/wire.js';

const KEY = 'hostile-key';

function config(server = '') {
  return fixtureConfig(`
${server}
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: ${KEY} }
  form:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: ${KEY} }
    receiver:
      # The standard receiver reads elements out of "notifications"; this sender posts one record.
      multiple: "$"
      hook: { from: body, path: event }
      externalId: { from: body, path: id }
      auth: { from: header, name: authorization, prefix: "Bearer " }
`);
}

let current: ListeningHub | null = null;
let agent: http.Agent | null = null;
const cleanups: Array<() => void> = [];

async function start(options: { server?: string; workers?: boolean } = {}): Promise<ListeningHub> {
  current = await startListeningHub(config(options.server), { workers: options.workers ?? true });
  agent = new http.Agent({ keepAlive: true });
  return current;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  agent?.destroy();
  agent = null;
  await current?.dispose();
  current = null;
});

async function request(req: SendRequest): Promise<WireResponse> {
  const result = await send(current!.port, agent!, req);
  if (!result.ok) throw new Error(`${req.method} ${req.path}: no answer (${result.error})`);
  return result.response;
}

function hook(body: Buffer | string, headers: Record<string, string> = {}, connection = 'std'): Promise<WireResponse> {
  return request({
    method: 'POST',
    path: `/hooks/${connection}`,
    headers: Object.entries({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers }),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });
}

const validBody = (externalId = '1') => JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: externalId }] });

function json(response: WireResponse): any {
  return JSON.parse(response.body.toString('utf8'));
}

function expectError(response: WireResponse, status: number, code: string): void {
  expect(response.status, response.body.toString('utf8')).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(json(response)).toEqual({ error: code, message: expect.any(String) });
}

/** A 202 with the id of a stored hook holding exactly `body`: what was acknowledged is kept. */
async function expectTaken(response: WireResponse, body: string): Promise<void> {
  expect(response.status, response.body.toString('utf8')).toBe(202);
  const { hook: id } = json(response) as { hook: number };
  const stored = await current!.hub.store.getHook(id);
  expect(stored?.body.toString('utf8'), `acknowledged hook ${id} is stored`).toBe(body);
}

function nested(depth: number): string {
  return '{"a":'.repeat(depth - 1) + '[1]' + '}'.repeat(depth - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` every `everyMs` until `done` holds for its result, or throws after `withinMs`. */
async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, withinMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms (last: ${JSON.stringify(last, (_k, v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v))})`);
    await sleep(everyMs);
    last = await probe();
  }
  return last;
}

async function healthy(): Promise<void> {
  const health = await request({ method: 'GET', path: '/healthz', headers: [] });
  expect(health.status).toBe(200);
  await expectTaken(await hook(validBody('still-serving')), validBody('still-serving'));
}

describe('bodies ingest refuses, each with its code', () => {
  it('answers 400 HY_ERR_BODY_NOT_JSON for invalid JSON', async () => {
    await start();
    expectError(await hook('{"notifications": [}'), 400, 'HY_ERR_BODY_NOT_JSON');
  });

  it('answers 415 HY_ERR_CONTENT_TYPE_UNSUPPORTED for text/xml', async () => {
    await start();
    expectError(await hook('<notifications/>', { 'content-type': 'text/xml' }), 415, 'HY_ERR_CONTENT_TYPE_UNSUPPORTED');
  });

  it('answers 400 HY_ERR_BODY_EMPTY for an empty body', async () => {
    await start();
    expectError(await hook(''), 400, 'HY_ERR_BODY_EMPTY');
  });

  it('answers 400 HY_ERR_BODY_TOO_DEEP at nesting depth 65, and takes depth 64', async () => {
    await start();
    expectError(await hook(nested(65)), 400, 'HY_ERR_BODY_TOO_DEEP');
    await expectTaken(await hook(nested(64)), nested(64));
  });

  it('answers 413 HY_ERR_BODY_TOO_LARGE for a body over the limit', async () => {
    await start({ server: 'server: { bodyLimitBytes: 4096 }' });
    expectError(await hook(JSON.stringify({ notifications: [], pad: 'x'.repeat(5000) })), 413, 'HY_ERR_BODY_TOO_LARGE');
    // Just under the limit is taken.
    const under = JSON.stringify({ notifications: [], pad: 'x'.repeat(4000) });
    await expectTaken(await hook(under), under);
  });

  it('answers 400 HY_ERR_BODY_ENCODING for a body that is not UTF-8', async () => {
    await start();
    const body = Buffer.concat([Buffer.from('{"notifications":[],"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    expectError(await hook(body), 400, 'HY_ERR_BODY_ENCODING');
  });
});

describe('a form body', () => {
  it('is taken (202) and, once resolved, its fields are read by the receiver definition', async () => {
    await start();
    const taken = await hook('event=product%2Fupdated&id=7', { 'content-type': 'application/x-www-form-urlencoded' }, 'form');
    await expectTaken(taken, 'event=product%2Fupdated&id=7');
    const { hook: id } = json(taken) as { hook: number };
    // The hub resolves in the background.
    const shown = await pollUntil(
      async () => json(await request({ method: 'GET', path: `/api/hooks/${id}`, headers: [] })),
      (answer) => answer.hook.status !== 'received',
      10_000,
      `hook ${id} resolved`,
    );
    expect(shown.hook).toMatchObject({ status: 'resolved', errorCode: null, contentType: 'application/x-www-form-urlencoded' });
    expect(shown.notifications.map((n: any) => [n.hookName, n.scope, n.externalId, n.status])).toEqual([['product/updated', 'product/updated', '7', 'planned']]);
    expect(shown.transfers.map((t: any) => [t.scope, t.externalId])).toEqual([['product/updated', '7']]);
  });
});

describe('header floods', () => {
  it('answers many headers (over 16 KB in all) with a 4xx and keeps serving', async () => {
    const hub = await start();
    const headers = Array.from({ length: 1500 }, (_, i) => `X-Flood-${i}: value-${i}\r\n`).join('');
    const result = await exchange(hub.port, `POST /hooks/std HTTP/1.1\r\nHost: hostile\r\nAuthorization: Bearer ${KEY}\r\n${headers}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    expect(result.timedOut).toBe(false);
    expect(result.responses.length).toBeGreaterThan(0);
    expect(result.responses[0]!.status).toBeGreaterThanOrEqual(400);
    expect(result.responses[0]!.status).toBeLessThan(500);
    expect(result.responses[0]!.status).toBe(431); // Node's answer past max-http-header-size
    await healthy();
  });

  it('answers one header over 16 KB with a 4xx and keeps serving', async () => {
    const hub = await start();
    const result = await exchange(hub.port, `POST /hooks/std HTTP/1.1\r\nHost: hostile\r\nAuthorization: Bearer ${KEY}\r\nX-Huge: ${'h'.repeat(17 * 1024)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    expect(result.timedOut).toBe(false);
    expect(result.responses.length).toBeGreaterThan(0);
    expect(result.responses[0]!.status).toBe(431);
    await healthy();
  });

  it('closes the connection after a 431 in a way a keep-alive client notices, so its next request is not lost', async () => {
    const hub = await start();
    const huge = await send(hub.port, agent!, { method: 'GET', path: '/healthz', headers: [['x-huge', 'h'.repeat(17 * 1024)]] });
    expect(huge.ok && huge.response.status).toBe(431);
    if (huge.ok) expect(huge.response.headers.connection, 'the 431 closes the connection: it must say "Connection: close"').toBe('close');
    // The same keep-alive agent sends the next request: it must get an answer, not a reset.
    const next = await send(hub.port, agent!, { method: 'GET', path: '/healthz', headers: [] });
    expect(next.ok ? next.response.status : next.error).toBe(200);
  });
});

describe('a slow client', () => {
  it('is cut off once the request timeout has passed, while a concurrent hook is taken', async () => {
    const hub = await start({ server: 'server: { requestTimeout: 1s }' });
    const timeoutMs = 1_000;
    const trickleForMs = 15 * timeoutMs;
    const socket = net.connect(hub.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    socket.write(`POST /hooks/std HTTP/1.1\r\nHost: hostile\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"notifications":[],"pad":"`);
    // One byte every 250 ms: the 1000-byte body would take over four minutes.
    const trickle = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write('x');
    }, 250);
    cleanups.push(() => clearInterval(trickle));

    // Past the timeout, while the slow request still trickles, a normal hook is taken at once.
    await sleep(1_500);
    await expectTaken(await hook(validBody('concurrent')), validBody('concurrent'));

    const outcome = await Promise.race([closed.then((at) => ({ cutAfterMs: at - started })), sleep(trickleForMs).then(() => null)]);
    clearInterval(trickle);
    const answer = Buffer.concat(received).toString('latin1');
    expect(
      outcome,
      `the server still read a request ${trickleForMs} ms after it began, with requestTimeout ${timeoutMs} ms (answer so far: ${JSON.stringify(answer)})`,
    ).not.toBeNull();
    // Cut off: the connection closed, with a 408 or without an answer.
    if (answer.length > 0) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await healthy();
  }, 40_000);
});

describe('backpressure', () => {
  it('answers 429 with Retry-After once maxBacklog hooks wait, and 202 again once they are read', async () => {
    const hub = await start({ server: 'server: { maxBacklog: 5 }', workers: false });
    for (let i = 0; i < 5; i++) await expectTaken(await hook(validBody(`b${i}`)), validBody(`b${i}`));
    // The backlog is read from the store once a second. Probe with hooks that carry no credential:
    // the backlog is checked before the credential, and a refused hook is never stored.
    const noCredential = () => request({ method: 'POST', path: '/hooks/std', headers: [['content-type', 'application/json']], body: Buffer.from(validBody()) });
    await pollUntil(noCredential, (answer) => answer.status === 429, 5_000, 'a full backlog answered 429');

    const refused = await hook(validBody('refused'));
    expectError(refused, 429, 'HY_ERR_BACKLOG_FULL');
    expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect((await hub.hub.store.counts()).hooks.received).toBe(5);

    let resolved = 0;
    for (let n = await hub.hub.resolver.runOnce(); n > 0; n = await hub.hub.resolver.runOnce()) resolved += n;
    expect(resolved).toBe(5);
    const again = await pollUntil(() => hook(validBody('again')), (answer) => answer.status !== 429, 5_000, 'a drained backlog takes hooks again');
    await expectTaken(again, validBody('again'));
    // The five taken before, and this one; none of the refused ones.
    expect(Object.values((await hub.hub.store.counts()).hooks).reduce((a, b) => a + b, 0)).toBe(6);
  });
});
