/**
 * Alerts as a real receiver gets them (node:http on 127.0.0.1): signed the Standard Webhooks way
 * and verified with the `standardwebhooks` package, retried under the same webhook-id, never in
 * the engine's way, and backlog.high once per crossing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { ConfigError } from '../src/config/load.js';
import { type DemoErp } from '../src/demo/index.js';
import { Alerts, AlertSender } from '../src/ops/alerts.js';
import type { EventLogger } from '../src/ops/log-events.js';
import { type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { tempDir } from './helpers/hub.js';
import { until } from './helpers/wait.js';
import { demoConfig, erpHubOnFakeClock, type ErpHub } from './helpers/erp-hub.js';

const SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Received {
  headers: Record<string, string>;
  body: string;
  /** The body, once verified with the standardwebhooks package (it throws on a bad signature). */
  alert: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A receiver that answers each request with `answer(n)` (the nth, from 1); null leaves it unanswered. */
async function receiver(answer: (n: number) => number | null = () => 204): Promise<{ url: string; received: Received[]; unanswered: ServerResponse[] }> {
  const received: Received[] = [];
  const unanswered: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      const alert = new Webhook(SECRET).verify(body, headers) as Received['alert'];
      received.push({ headers, body, alert });
      const status = answer(received.length);
      if (status === null) unanswered.push(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        for (const response of unanswered) response.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received, unanswered };
}

/** The lines logged, to check what an alert's failure says (and that the secret is never in it). */
function memoryLog(): EventLogger & { lines: Array<{ level: string; fields: object; message: string }> } {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A hub (workers driven by hand) whose ERP connection dies after 2 attempts and opens its circuit after 2 failures. */
async function hubWithAlerts(alertUrl: string): Promise<ErpHub> {
  const erpHub = await erpHubOnFakeClock('hookyard-alerts-', (data) => {
    data.connections.erp.retry = { maxAttempts: 2, delays: ['10s'] };
    data.connections.erp.circuit = { failures: 2, cooldown: '1m', probeInterval: '5s' };
    data.alerts = [{ url: alertUrl, secret: SECRET, events: ['transfer.dead', 'circuit.opened', 'circuit.closed'] }];
  });
  cleanups.push(() => erpHub.dispose());
  return erpHub;
}

/** Queues a read of an ERP item whose reads fail, and runs it twice: retrying, then dead (and the circuit opens). */
async function transferThatDies(hub: Hub, erp: DemoErp, clock: FakeClock): Promise<number> {
  const item = erp.createItem({ name: 'Crate', sku: 'CRATE-1', price: 3, status: 'ACTIVE' });
  erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(item.code), status: 503 });
  const request = { seq: 0, trackingId: 'alerts', connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: item.code, requestType: 'standard', status: 'queued', reason: null, reasonCode: null, runAt: clock.now(), origin: null } as const;
  await hub.store.queueTransfers([request], clock.now());
  expect(await hub.transfers.runOnce()).toBe(1);
  const [queued] = (await hub.store.listTransfers({ limit: 1 })).items;
  clock.set((await hub.store.getTransfer(queued!.id))!.runAt);
  expect(await hub.transfers.runOnce()).toBe(1);
  return queued!.id;
}

describe('alerts', () => {
  it('sends a signed transfer.dead for a dead transfer and a signed circuit.opened for the circuit it opened', async () => {
    const target = await receiver();
    const { hub, erp, clock } = await hubWithAlerts(target.url);
    const id = await transferThatDies(hub, erp, clock);

    await until('both alerts arrived', () => target.received.length >= 2);
    const byType = new Map(target.received.map((r) => [r.alert.type, r]));
    expect([...byType.keys()].sort()).toEqual(['circuit.opened', 'transfer.dead']);
    expect(byType.get('transfer.dead')!.alert.data).toMatchObject({
      transfer: id,
      connection: 'erp',
      direction: 'to_hub',
      scope: 'product/updated',
      attempts: 2,
      errorCode: 'HY_ERR_DESTINATION_FAILED',
    });
    expect(byType.get('circuit.opened')!.alert.data).toEqual({ connection: 'erp', until: new Date(clock.now() + 60_000).toISOString() });
    for (const { headers, alert } of target.received) {
      expect(headers['webhook-id']).toMatch(/^msg_/);
      expect(headers['webhook-signature']).toMatch(/^v1,/);
      expect(Number.isNaN(Date.parse(alert.timestamp))).toBe(false);
    }
    // A signature made with another secret is refused by the same check.
    const other = new Webhook(`whsec_${Buffer.from('another secret of thirty-two b!!').toString('base64')}`);
    const { headers, body } = target.received[0]!;
    expect(() => other.verify(body, headers)).toThrow();
  });

  it('tries again after a failure with the same webhook-id: 500, 500, then 200 is three deliveries of one alert', async () => {
    const target = await receiver((n) => (n <= 2 ? 500 : 200));
    const log = memoryLog();
    const sender = new AlertSender({ url: target.url, secret: SECRET }, { log, retryDelaysMs: [20, 40, 80, 160] });
    cleanups.push(() => sender.close(0));
    sender.send({ id: 'msg_retried', type: 'feed.failed', at: Date.now(), data: { connection: 'erp', dataType: 'product', kind: 'poll', error: 'boom' } });
    await until('three deliveries', () => target.received.length >= 3);
    await until('the queue is empty', () => sender.pending === 0);
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual(['msg_retried', 'msg_retried', 'msg_retried']);
    expect(target.received.map((r) => r.alert.type)).toEqual(['feed.failed', 'feed.failed', 'feed.failed']);
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('gives up after its attempts and says so in the log, without the secret', async () => {
    const target = await receiver(() => 503);
    const log = memoryLog();
    const sender = new AlertSender({ url: `${target.url}?token=t0p`, secret: SECRET }, { log, retryDelaysMs: [10, 10] });
    cleanups.push(() => sender.close(0));
    sender.send({ id: 'msg_lost', type: 'circuit.closed', at: Date.now(), data: { connection: 'erp' } });
    await until('the final failure is logged', () => log.lines.some((line) => line.level === 'error'));
    expect(target.received).toHaveLength(3);
    const failure = log.lines.find((line) => line.level === 'error')!;
    expect(failure.message).toBe(`alert circuit.closed (msg_lost) to ${target.url} not delivered after 3 attempt(s): answered 503`);
    expect(JSON.stringify(log.lines)).not.toContain(SECRET.slice(6));
    expect(JSON.stringify(log.lines)).not.toContain('t0p');
  });

  it('keeps at most its queue size, dropping the oldest and logging how many', async () => {
    const target = await receiver(() => null);
    const log = memoryLog();
    const sender = new AlertSender({ url: target.url, secret: SECRET }, { log, queueSize: 3, timeoutMs: 60_000 });
    for (let i = 1; i <= 6; i++) sender.send({ id: `msg_${i}`, type: 'circuit.closed', at: Date.now(), data: { connection: `c${i}` } });
    // The first is being sent; of the five behind it, 2 and 3 made room for 4, 5 and 6.
    expect(sender.pending).toBe(4);
    await until('the first is being sent', () => target.received.length === 1);
    await sender.close(0);
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual(['msg_1']);
    const warnings = log.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings.some((message) => message.includes('is full (3)'))).toBe(true);
    expect(warnings.some((message) => /^2 alert\(s\) for .* dropped: its queue of 3 was full$/.test(message))).toBe(true);
    expect(warnings.some((message) => /^3 alert\(s\) for .* not sent: the hub stopped$/.test(message))).toBe(true);
    expect(log.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([expect.stringMatching(/^alert circuit.closed \(msg_1\) to .* not delivered before the hub stopped/)]);
  });

  it('never slows the engine: with a receiver that never answers, transfers finish while the alert waits', async () => {
    const target = await receiver(() => null);
    const { hub, erp, clock } = await hubWithAlerts(target.url);
    const id = await transferThatDies(hub, erp, clock);
    // Both runs returned and wrote their outcome although the first alert still has no answer.
    expect((await hub.store.getTransfer(id))!.status).toBe('dead');
    await until('the first alert reached the receiver', () => target.received.length >= 1);
    expect(target.unanswered.length).toBe(target.received.length);
    const other = { seq: 0, trackingId: 'alerts-2', connection: 'shop', type: 'product', direction: 'from_hub', scope: 'product/updated', externalId: 'P-2', requestType: 'standard', status: 'queued', reason: null, reasonCode: null, runAt: clock.now(), origin: null } as const;
    await hub.store.queueTransfers([other], clock.now());
    expect(await hub.transfers.runOnce()).toBe(1);
    expect(target.unanswered.length).toBe(target.received.length);
    // Closing gives the queue its short grace, then stops it: it does not wait for the receiver.
    await hub.close();
  });

  it('raises backlog.high once when the backlog crosses the threshold, and again only after it fell below 80 % of it', async () => {
    const target = await receiver();
    const dir = tempDir('hookyard-alerts-');
    const store = await openStore({ dataDir: dir.path });
    cleanups.push(() => dir.remove(), () => store.close());
    const config = demoConfig('http://127.0.0.1:9', (data) => {
      data.alerts = [{ url: target.url, secret: SECRET, events: ['backlog.high'], backlogHigh: 3 }];
    });
    const now = Date.now();
    const alerts = new Alerts({ targets: config.alerts, log: memoryLog(), lookBacklog: () => store.waitingWork(now) });
    cleanups.push(() => alerts.close(0));
    let seq = 0;
    const queue = (n: number) =>
      store.queueTransfers(
        Array.from({ length: n }, () => ({ seq: 0, trackingId: `b-${++seq}`, connection: 'erp', type: 'product', direction: 'to_hub', scope: 'product/updated', externalId: `Item:${seq}`, requestType: 'standard', status: 'queued', reason: null, reasonCode: null, runAt: now, origin: null }) as const),
        now,
      );
    const sent = async () => {
      await until('the queue is empty', () => alerts.targets[0]!.pending === 0);
      return target.received.map((r) => r.alert.data.waiting);
    };

    await queue(2);
    await alerts.checkBacklog();
    expect(await sent()).toEqual([]);
    await queue(2); // 4 ≥ 3: crossed
    await alerts.checkBacklog();
    expect(await sent()).toEqual([4]);
    await queue(1); // 5: still above, no news
    await alerts.checkBacklog();
    await alerts.checkBacklog();
    expect(await sent()).toEqual([4]);
    const ids = (await store.listTransfers({ limit: 10 })).items.map((t) => t.id);
    for (const id of ids.slice(0, 3)) await store.cancelTransfer(id, 'test', now);
    await alerts.checkBacklog(); // 2 < 2.4: fell below, armed again
    expect(await sent()).toEqual([4]);
    await queue(1); // 3: crossed again
    await alerts.checkBacklog();
    expect(await sent()).toEqual([4, 3]);
    expect(target.received[1]!.alert).toMatchObject({ type: 'backlog.high', data: { waiting: 3, threshold: 3, transfers: 3, hooks: 0 } });
  });

  it('is configured under alerts: a whsec_ secret, known events, every target getting all of them by default', () => {
    const config = demoConfig('http://127.0.0.1:9', (data) => {
      data.alerts = [{ url: 'https://ops.example.com/hooks/hookyard', secret: SECRET }];
    });
    expect([...config.alerts[0]!.events].sort()).toEqual(['backlog.high', 'circuit.closed', 'circuit.opened', 'feed.failed', 'transfer.dead']);
    expect(config.alerts[0]!.backlogHigh).toBe(50_000);
    let problems: string[] = [];
    try {
      demoConfig('http://127.0.0.1:9', (data) => {
        data.alerts = [{ url: 'ftp://x', secret: 'plain', events: ['transfer.lost'] }];
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((p) => p.path);
    }
    expect(problems.sort()).toEqual(['alerts[0].events[0]', 'alerts[0].secret', 'alerts[0].url']);
  });
});
