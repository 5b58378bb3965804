/**
 * End to end, with a real process and a real signal: a hook that was acknowledged (202) is in
 * the store after the server is SIGKILLed, and the restarted server resolves it.
 *
 * One test, several cycles on one data directory: start `hookyard serve`, check everything
 * acknowledged so far, fire hooks over HTTP with many in flight, SIGKILL the process while they
 * are in flight, and start again. Later cycles start on a database that was killed mid-write
 * (group commits and resolver transactions were running when the signal landed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllHubs, runningHubs, startHub, type HubProcess } from './helpers/process.js';

const API_KEY = 'crash-test-key';
const CONNECTION = 'erp';
/** Hooks in flight at once. */
const CONCURRENCY = 32;
/** Per cycle: SIGKILL once this many hooks of the cycle were acknowledged. */
const KILL_AFTER_ACKS = [150, 260, 90, 200];
/**
 * Bounded wait for the restarted hub to resolve what it found. A hook the killed process had
 * claimed but not yet saved stays `received`, leased to the dead worker, until that lease expires
 * (DEFAULTS.resolveLeaseMs, 5 s after the claim): the restarted resolver has a new worker id and
 * takes it over only then.
 */
const RESOLVE_WAIT_MS = 45_000;

interface Sent {
  externalId: string;
  body: string;
  cycle: number;
}

interface Ack extends Sent {
  id: number;
}

interface HookDetail {
  hook: {
    id: number;
    connection: string;
    status: string;
    bodyBytes: number;
    body: { encoding: string; data: string };
    headers: Record<string, string>;
  };
  notifications: Array<{ hookId: number; seq: number; externalId: string | null; scope: string | null; status: string }>;
  transfers: Array<{ id: number; hookId: number | null; externalId: string | null; scope: string; connection: string; status: string }>;
}

interface HookSummary {
  id: number;
  status: string;
}

interface Transfer {
  id: number;
  hookId: number | null;
  externalId: string | null;
}

const tempDirs: string[] = [];

afterEach(async () => {
  await killAllHubs();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await killAllHubs();
});

function writeConfig(dir: string): string {
  const file = join(dir, 'hookyard.yaml');
  // Receive only: the hub stores and resolves the hooks and plans one transfer each, which is
  // what this test counts (with prerequisites, each would also run a child).
  const integration = join(dir, 'acme-erp-hooks.yaml');
  writeFileSync(
    integration,
    [
      'id: acme-erp-hooks',
      'scopes: [{ scope: message/created, hooks: [item.changed], description: "Acme record → message" }]',
      'presets: [{ name: productPrefix, type: product, default: Item }, { name: customerPrefix, type: customer, default: Cust }]',
      'receiver:',
      '  multiple: notifications',
      '  hook: { from: body, path: event }',
      '  externalId: { from: body, path: id }',
      '  auth: { from: header, name: authorization, prefix: "Bearer " }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    file,
    [
      'connections:',
      `  ${CONNECTION}:`,
      `    integration: ${JSON.stringify(integration)}`,
      `    webhook: { apiKey: ${JSON.stringify(API_KEY)} }`,
      '    presets: { productPrefix: Item, customerPrefix: Cust }',
      '    scopes: [message/created]',
      '    mappings: { message: { to_hub: { sync: add_and_update } } }',
      '',
    ].join('\n'),
  );
  return file;
}

/** A hook body: unique external id, some non-ASCII text, and padding so some span several pages. */
function hookBody(externalId: string, n: number): string {
  return JSON.stringify({
    notifications: [{ event: 'item.changed', id: externalId }],
    note: 'crash test ✓ — ünïcødé',
    padding: 'x'.repeat((n * 389) % 6000),
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function mapPool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

async function allHooks(base: string): Promise<HookSummary[]> {
  const all: HookSummary[] = [];
  let before: number | null = null;
  for (;;) {
    const page: { items: HookSummary[]; next: number | null } = await getJson(
      `${base}/api/hooks?limit=500${before === null ? '' : `&before=${before}`}`,
    );
    all.push(...page.items);
    if (page.next === null) return all;
    before = page.next;
  }
}

async function allTransfers(base: string): Promise<Transfer[]> {
  const all: Transfer[] = [];
  let before: number | null = null;
  for (;;) {
    const page: { items: Transfer[]; next: number | null } = await getJson(
      `${base}/api/transfers?limit=500${before === null ? '' : `&before=${before}`}`,
    );
    all.push(...page.items);
    if (page.next === null) return all;
    before = page.next;
  }
}

/** Polls until no hook is `received`, or the deadline passes; resolves with those still received. */
async function waitForResolution(base: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page: { items: HookSummary[] } = await getJson(`${base}/api/hooks?status=received&limit=500`);
    if (page.items.length === 0 || Date.now() >= deadline) return page.items.map((h) => h.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface LoadResult {
  acks: Ack[];
  /** Requests that got no answer: in flight when the process died, or sent after. */
  unanswered: Sent[];
  /** Answers other than 202 (there should be none). */
  unexpected: string[];
  /** Requests in flight at the moment SIGKILL was sent. */
  inFlightAtKill: number;
}

/**
 * Sends hooks with CONCURRENCY in flight until the process dies; SIGKILLs it after `killAfter`
 * acknowledgements. Workers keep sending after the kill, so requests are in flight when it lands.
 */
async function fireUntilKilled(hub: HubProcess, cycle: number, killAfter: number, sent: Map<string, Sent>): Promise<LoadResult> {
  const result: LoadResult = { acks: [], unanswered: [], unexpected: [], inFlightAtKill: -1 };
  const maxRequests = killAfter * 20; // a bound in case the kill never happens
  let next = 0;
  let inFlight = 0;
  let dead = false;
  let halt = false; // an unexpected answer: stop sending, fail fast
  void hub.exited.then(() => {
    dead = true;
  });

  const worker = async () => {
    while (!halt && next < maxRequests) {
      const n = next++;
      const externalId = `Item:c${cycle}-${n}`;
      const entry: Sent = { externalId, body: hookBody(externalId, n), cycle };
      sent.set(externalId, entry);
      inFlight += 1;
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${hub.url}/hooks/${CONNECTION}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: entry.body,
        });
        status = response.status;
        text = await response.text();
      } catch {
        result.unanswered.push(entry);
        if (dead || hub.child.signalCode !== null || result.inFlightAtKill >= 0) return;
        result.unexpected.push(`${externalId}: request failed before the kill`);
        halt = true;
        return;
      } finally {
        inFlight -= 1;
      }
      if (status !== 202) {
        result.unexpected.push(`${externalId}: ${status} ${text}`);
        halt = true;
        return;
      }
      const answer = JSON.parse(text) as { hook: unknown };
      if (typeof answer.hook !== 'number') {
        result.unexpected.push(`${externalId}: 202 without a hook id: ${text}`);
        halt = true;
        return;
      }
      result.acks.push({ ...entry, id: answer.hook });
      if (result.inFlightAtKill < 0 && result.acks.length >= killAfter) {
        result.inFlightAtKill = inFlight;
        hub.child.kill('SIGKILL');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await hub.stop('SIGKILL');
  }
  return result;
}

interface Verification {
  stored: number;
  received: number;
  problems: string[];
}

/**
 * Checks the store through the admin API: every acknowledged hook is there under its id with
 * its bytes; every stored hook is one that was sent, at most once; every resolved hook has its
 * notification and transfer request with the right external id; no transfer is duplicated.
 */
async function verify(base: string, acked: ReadonlyMap<number, Ack>, sent: ReadonlyMap<string, Sent>): Promise<Verification> {
  const problems: string[] = [];
  const summaries = await allHooks(base);
  const storedIds = new Set<number>();
  for (const summary of summaries) {
    if (storedIds.has(summary.id)) problems.push(`hook ${summary.id} listed twice`);
    storedIds.add(summary.id);
  }
  for (const [id, ack] of acked) {
    if (!storedIds.has(id)) problems.push(`acknowledged hook ${id} (${ack.externalId}, cycle ${ack.cycle}) is missing`);
  }

  const details = await mapPool([...storedIds], 16, (id) => getJson<HookDetail>(`${base}/api/hooks/${id}`));
  const hookOfExternalId = new Map<string, number>();
  let received = 0;
  for (const { hook, notifications, transfers } of details) {
    const where = `hook ${hook.id}`;
    if (hook.body.encoding !== 'utf8') {
      problems.push(`${where}: body is not the UTF-8 that was sent (${hook.body.encoding})`);
      continue;
    }
    let externalId: string | undefined;
    try {
      externalId = (JSON.parse(hook.body.data) as { notifications: Array<{ id: string }> }).notifications[0]?.id;
    } catch {
      problems.push(`${where}: stored body is not the JSON that was sent: ${hook.body.data.slice(0, 200)}`);
      continue;
    }
    const original = externalId === undefined ? undefined : sent.get(externalId);
    if (externalId === undefined || !original) {
      problems.push(`${where}: stored body was never sent (external id ${externalId})`);
      continue;
    }
    if (hook.body.data !== original.body || hook.bodyBytes !== Buffer.byteLength(original.body)) {
      problems.push(`${where} (${externalId}): body differs from what was sent`);
    }
    if (hook.connection !== CONNECTION) problems.push(`${where}: connection ${hook.connection}`);
    const twin = hookOfExternalId.get(externalId);
    if (twin !== undefined) problems.push(`${externalId} is stored twice: hooks ${twin} and ${hook.id}`);
    hookOfExternalId.set(externalId, hook.id);

    const ack = acked.get(hook.id);
    if (ack && ack.externalId !== externalId) {
      problems.push(`${where} was acknowledged for ${ack.externalId} but holds ${externalId}`);
    }

    if (hook.status === 'received') {
      // Not read yet (the resolver may be reading it right now, so what it produced is not checked).
      received += 1;
      continue;
    }
    if (hook.status !== 'resolved') {
      problems.push(`${where} (${externalId}): status ${hook.status}, expected resolved`);
      continue;
    }
    const n = notifications[0];
    if (notifications.length !== 1 || !n || n.externalId !== externalId || n.status !== 'planned' || n.scope !== 'message/created' || n.seq !== 0) {
      problems.push(`${where} (${externalId}): notifications ${JSON.stringify(notifications)}`);
    }
    const t = transfers[0];
    if (transfers.length !== 1 || !t || t.externalId !== externalId || t.hookId !== hook.id || t.scope !== 'message/created' || t.connection !== CONNECTION) {
      problems.push(`${where} (${externalId}): transfers ${JSON.stringify(transfers)}`);
    }
  }

  // Transfers, listed on their own: one per stored resolved hook, never two for one external id.
  const transfers = await allTransfers(base);
  const transferOfExternalId = new Map<string, number>();
  for (const transfer of transfers) {
    const externalId = transfer.externalId ?? '(none)';
    const twin = transferOfExternalId.get(externalId);
    if (twin !== undefined) problems.push(`transfers ${twin} and ${transfer.id} both carry ${externalId}`);
    transferOfExternalId.set(externalId, transfer.id);
    const hookId = hookOfExternalId.get(externalId);
    if (hookId === undefined || transfer.hookId !== hookId) {
      problems.push(`transfer ${transfer.id} (${externalId}, hook ${transfer.hookId}) matches no stored hook`);
    }
  }
  const resolved = details.filter((d) => d.hook.status === 'resolved').length;
  // Exact only when nothing was left to resolve: otherwise the resolver may have added some since.
  if (received === 0 ? transfers.length !== resolved : transfers.length < resolved || transfers.length > storedIds.size) {
    problems.push(`${transfers.length} transfers for ${resolved} resolved hooks (${received} not yet read)`);
  }

  return { stored: storedIds.size, received, problems };
}

describe('crash: SIGKILL with hooks in flight', () => {
  it(
    'keeps every acknowledged hook across repeated kills and restarts on the same data directory',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hookyard-crash-'));
      tempDirs.push(dir);
      const config = writeConfig(dir);
      const data = join(dir, 'data');
      const sent = new Map<string, Sent>();
      const acked = new Map<number, Ack>();
      const log: string[] = [];

      for (const [cycle, killAfter] of KILL_AFTER_ACKS.entries()) {
        const hub = await startHub({ config, data });
        // What earlier cycles acknowledged is there, before any new hook arrives.
        const before = await verify(hub.url, acked, sent);
        expect(before.problems, `after restart ${cycle}:\n${hub.output()}`).toEqual([]);

        const load = await fireUntilKilled(hub, cycle, killAfter, sent);
        const exit = await hub.exited;
        expect(exit.signal, `cycle ${cycle}: the hub died of something else:\n${hub.output()}`).toBe('SIGKILL');
        expect(load.unexpected, `cycle ${cycle}:\n${hub.output()}`).toEqual([]);
        expect(load.acks.length).toBeGreaterThanOrEqual(killAfter);
        // A kill with nothing in flight would prove nothing about hooks cut off mid-request. Every
        // other sender is between its request and its answer when one answer triggers the kill.
        expect(load.inFlightAtKill, `cycle ${cycle}: requests in flight at SIGKILL`).toBeGreaterThanOrEqual(1);
        for (const ack of load.acks) {
          const other = acked.get(ack.id);
          expect(other, `hook id ${ack.id} acknowledged for ${other?.externalId} and ${ack.externalId}`).toBeUndefined();
          acked.set(ack.id, ack);
        }
        log.push(
          `cycle ${cycle}: ${load.acks.length} acknowledged, ${load.unanswered.length} unanswered, ` +
            `${load.inFlightAtKill} in flight at SIGKILL; stored at start ${before.stored} (${before.received} still received)`,
        );
      }

      // The last restart: everything acknowledged is there and gets resolved.
      const hub = await startHub({ config, data });
      const waitStarted = Date.now();
      const stillReceived = await waitForResolution(hub.url, RESOLVE_WAIT_MS);
      const waited = Date.now() - waitStarted;
      expect(stillReceived, `hooks never resolved:\n${hub.output()}`).toEqual([]);
      const final = await verify(hub.url, acked, sent);
      expect(final.problems, hub.output()).toEqual([]);
      expect(final.received).toBe(0);
      expect(final.stored).toBeGreaterThanOrEqual(acked.size);
      expect(final.stored).toBeLessThanOrEqual(sent.size);
      log.push(`final: ${acked.size} acknowledged of ${sent.size} sent; ${final.stored} stored; all resolved after ${waited} ms`);
      console.log(log.join('\n'));

      await hub.stop('SIGTERM');
      expect(runningHubs()).toBe(0);
    },
    120_000,
  );
});
