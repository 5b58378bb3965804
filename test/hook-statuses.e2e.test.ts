/**
 * Hook statuses that tell what reading a hook came to (resolved, partial, unmatched, invalid,
 * empty, failed), each listed, counted in /readyz and exported in /metrics; the cap on
 * notifications per hook; and ingest backpressure that weighs the transfer requests due as well
 * as the hooks not read yet.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryCommand } from '../src/cli/commands.js';
import { DEFAULTS } from '../src/config/schema.js';
import { createHub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { hookStatusOf } from '../src/resolve/hook-status.js';
import type { NotificationStatus } from '../src/domain/types.js';
import { FIXTURES, fixtureConfig, startTestHub, tempDir, type TestHub } from './helpers/hub.js';

const KEY = 'status-key';

function config(extra = '', receiver = '') {
  return fixtureConfig(`
${extra}
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: ${KEY} }
${receiver}
`);
}

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.dispose();
  hub = null;
});

const element = (scope: string, externalId?: string) => (externalId === undefined ? { scope } : { scope, external_id: externalId });

function post(h: Pick<TestHub, 'app'>, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  return h.app.inject({ method: 'POST', url: '/hooks/std', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
}

/** Sends a hook, resolves it, and returns what the admin API shows for it. */
async function deliver(h: TestHub, body: unknown) {
  const response = await post(h, body);
  expect(response.statusCode, response.body).toBe(202);
  const { hook } = response.json() as { hook: number };
  await h.resolveAll();
  return (await h.app.inject({ method: 'GET', url: `/api/hooks/${hook}` })).json() as {
    hook: { id: number; status: string; errorCode: string | null; errorMessage: string | null };
    notifications: Array<{ status: string }>;
    transfers: Array<{ externalId: string; status: string }>;
  };
}

describe('the status of a read hook', () => {
  const cases: Array<[string, NotificationStatus[], string]> = [
    ['no notification', [], 'empty'],
    ['all planned', ['planned', 'planned'], 'resolved'],
    ['planned and unmatched', ['planned', 'unmatched'], 'partial'],
    ['planned and invalid', ['invalid', 'planned'], 'partial'],
    ['only unmatched', ['unmatched', 'unmatched'], 'unmatched'],
    ['unmatched and invalid, none planned', ['invalid', 'unmatched'], 'unmatched'],
    ['only invalid', ['invalid'], 'invalid'],
  ];
  for (const [what, statuses, expected] of cases) {
    it(`is ${expected} for ${what}`, () => {
      expect(hookStatusOf(statuses.map((status) => ({ status })))).toBe(expected);
    });
  }
});

describe('hooks that yield less than they promise', () => {
  it('are empty, invalid or partial — listed by status, counted in /readyz and exported in /metrics', async () => {
    hub = await startTestHub(config());
    const h = hub;
    const empty = await deliver(h, { notifications: [] });
    const invalid = await deliver(h, { notifications: [element('product/updated'), element('product/created')] });
    const partial = await deliver(h, { notifications: [element('product/updated', 'P1'), element('product/changed', 'P2'), element('product/updated')] });
    const resolved = await deliver(h, { notifications: [element('product/updated', 'P3')] });
    expect([empty, invalid, partial, resolved].map((shown) => shown.hook.status)).toEqual(['empty', 'invalid', 'partial', 'resolved']);
    expect(invalid.notifications.map((n) => n.status)).toEqual(['invalid', 'invalid']);
    expect(partial.notifications.map((n) => n.status)).toEqual(['planned', 'unmatched', 'invalid']);
    expect(partial.transfers.map((t) => t.externalId)).toEqual(['P1']);

    for (const [status, shown] of [['empty', empty], ['invalid', invalid], ['partial', partial], ['resolved', resolved]] as const) {
      const listed = (await h.app.inject({ method: 'GET', url: `/api/hooks?status=${status}` })).json() as { items: Array<{ id: number }> };
      expect(listed.items.map((item) => item.id), status).toEqual([shown.hook.id]);
    }
    const ready = (await h.app.inject({ method: 'GET', url: '/readyz' })).json() as { counts: { hooks: Record<string, number> } };
    expect(ready.counts.hooks).toEqual({ received: 0, resolved: 1, partial: 1, unmatched: 0, invalid: 1, empty: 1, failed: 0 });
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const status of ['empty', 'invalid', 'partial', 'resolved']) expect(metrics).toContain(`hookyard_hooks{status="${status}"} 1`);
  });

  it('a partial hook read again after the configuration names its missing hook becomes resolved', async () => {
    const dir = tempDir();
    try {
      const body = { notifications: [element('product/updated', 'P1'), element('product/changed', 'P2')] };
      const store = await openStore({ dataDir: dir.path });
      const first = await createHub({ config: config(), store, workers: false });
      const { hook } = (await post(first, body)).json() as { hook: number };
      await first.resolver.runOnce();
      expect((await store.getHook(hook))!.status).toBe('partial');
      await first.close();

      // The fix: the receiver reads the sender's old name for the scope.
      const fixed = config('', `    receiver:\n      hook: { from: body, path: scope, expression: "$ = 'product/changed' ? 'product/updated' : $" }`);
      const reopened = await openStore({ dataDir: dir.path });
      const second = await createHub({ config: fixed, store: reopened, workers: false });
      expect(await reopened.replayHook(hook, 'test', Date.now())).not.toBeNull();
      await second.resolver.runOnce();
      expect((await reopened.getHook(hook))!.status).toBe('resolved');
      expect((await reopened.transfersOf(hook)).map((t) => t.externalId)).toEqual(['P1', 'P2']);
      await second.close();
    } finally {
      dir.remove();
    }
  });

  it('hookyard try prints the status the hub would store', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'hookyard.yaml');
      writeFileSync(file, `connections:\n  std:\n    integration: ${join(FIXTURES, 'integrations/standard.yaml')}\n    webhook: { apiKey: k }\n`);
      const bodyFile = join(dir.path, 'body.json');
      const run = async (body: unknown) => {
        writeFileSync(bodyFile, JSON.stringify(body));
        const out: string[] = [];
        expect(await tryCommand({ config: file, connection: 'std', headers: ['Authorization: Bearer k'], bodyFile }, { out: (t) => out.push(t), err: (t) => out.push(t) }, {})).toBe(0);
        return JSON.parse(out.join('\n')) as { status: string; error?: string };
      };
      expect((await run({ notifications: [element('product/updated', '1'), element('nope/nope', '2')] })).status).toBe('partial');
      expect((await run({ notifications: [] })).status).toBe('empty');
      const tooMany = await run({ notifications: Array.from({ length: DEFAULTS.notificationsPerHook + 1 }, (_, i) => element('product/updated', `${i}`)) });
      expect(tooMany).toMatchObject({ status: 'failed', error: 'HY_ERR_TOO_MANY_NOTIFICATIONS' });
    } finally {
      dir.remove();
    }
  });
});

describe('the cap on notifications per hook', () => {
  it('keeps a hook over limits.notificationsPerHook as failed, with the count and the cap, and plans nothing', async () => {
    hub = await startTestHub(config('limits: { notificationsPerHook: 3 }'));
    const atCap = await deliver(hub, { notifications: ['1', '2', '3'].map((id) => element('product/updated', id)) });
    expect(atCap.hook.status).toBe('resolved');
    expect(atCap.transfers).toHaveLength(3);

    const over = await deliver(hub, { notifications: ['4', '5', '6', '7'].map((id) => element('product/updated', id)) });
    expect(over.hook).toMatchObject({ status: 'failed', errorCode: 'HY_ERR_TOO_MANY_NOTIFICATIONS' });
    expect(over.hook.errorMessage).toMatch(/holds 4 notifications, the limit is 3 \(limits\.notificationsPerHook\)/);
    expect(over.notifications).toEqual([]);
    expect(over.transfers).toEqual([]);
  });

  it('applies 1,000 by default', async () => {
    hub = await startTestHub(config());
    const over = await deliver(hub, { notifications: Array.from({ length: 1_001 }, (_, i) => element('product/updated', `${i}`)) });
    expect(over.hook).toMatchObject({ status: 'failed', errorCode: 'HY_ERR_TOO_MANY_NOTIFICATIONS' });
    expect(over.transfers).toEqual([]);
    expect((await hub.store.counts()).transfers.queued).toBe(0);
  });

  it('refuses before reading a single element', async () => {
    // Every element would fail its hook expression: a hook over the cap never gets that far.
    hub = await startTestHub(config('limits: { notificationsPerHook: 2 }', `    receiver:\n      hook: { from: body, path: scope, expression: "$error('read')" }`));
    const over = await deliver(hub, { notifications: ['1', '2', '3'].map((id) => element('product/updated', id)) });
    expect(over.hook.errorCode).toBe('HY_ERR_TOO_MANY_NOTIFICATIONS');
    const within = await deliver(hub, { notifications: ['1', '2'].map((id) => element('product/updated', id)) });
    expect(within.hook.errorCode).toBe('HY_ERR_RECEIVER_EXPRESSION');
  });
});

describe('backpressure on queued work', () => {
  it('answers 429 with Retry-After once server.maxQueuedTransfers requests are due, though few hooks wait', async () => {
    hub = await startTestHub(config('server: { maxQueuedTransfers: 3 }'));
    const h = hub;
    await deliver(h, { notifications: ['1', '2', '3'].map((id) => element('product/updated', id)) });
    expect((await h.store.counts()).hooks.received).toBe(0);
    // The gauge reads the store once a second. Probe with hooks that carry no credential: the
    // backlog is checked before the credential, and a refused hook is never stored.
    let refused = await post(h, { notifications: [] }, {});
    for (let i = 0; i < 60 && refused.statusCode !== 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await post(h, { notifications: [] }, {});
    }
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json()).toEqual({ error: 'HY_ERR_BACKLOG_FULL', message: expect.stringMatching(/3 transfer requests due to run, limit 3 \(server\.maxQueuedTransfers\)/) });
    expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('hookyard_transfers_due 3');
  });
});
