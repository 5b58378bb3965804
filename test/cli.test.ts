/**
 * The `hookyard` command as an operator runs it: real processes (`node bin/hookyard.js …`) on a
 * real SQLite store (and PostgreSQL where it is the point): --json output, flag values refused with
 * what they expect, PORT and HOOKYARD_CONFIG, stores that are never created by commands that only
 * work on one, readable times, and failed HTTP calls that name their cause.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { killAllHubs, projectRoot, startCli } from './helpers/process.js';
import { tempDir } from './helpers/hub.js';
import { freePort } from './helpers/wait.js';
import { createDatabase, dropDatabase, urlOf } from './helpers/postgres.js';

const BIN = resolve(projectRoot, 'bin/hookyard.js');
const DEMO = resolve(projectRoot, 'examples/demo.yaml');
/** 2026-03-01T09:00:00.000Z, as JSON shows a time. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hookyard <args>` to its end. The caller's PORT, HOOKYARD_* are not passed on unless given. */
function hookyard(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'PORT' && !name.startsWith('HOOKYARD_')));
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: projectRoot, env: { ...clean, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  await killAllHubs();
});
afterAll(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function dataDir(): string {
  const dir = tempDir('hookyard-cli-');
  dirs.push(dir);
  return join(dir.path, 'data');
}

/** A store with two hooks and four queued transfer requests (a manual sync of the ERP's items), made by the CLI itself. */
async function storeWithWork(): Promise<{ data: string; hookIds: number[] }> {
  const data = dataDir();
  const store = await openStore({ dataDir: data });
  const appended = await store.appendHooks(
    [1, 2].map((n) => ({ connection: 'shop', headers: { 'x-shopify-topic': 'products/update' }, segments: [], contentType: 'application/json', body: Buffer.from(JSON.stringify({ id: n })) })),
    Date.parse('2026-03-01T09:00:00Z'),
  );
  await store.close();
  const synced = await hookyard(['sync', '-c', DEMO, '-d', data, '--connection', 'erp', '--type', 'product', 'Item1', 'Item2', 'Item3', 'Item4']);
  expect(synced.code, synced.stderr).toBe(0);
  return { data, hookIds: appended.map((a) => a.id) };
}

/** Every key that names a time (at, …At, …Until) with a value, in a JSON document. */
function timesIn(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) timesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (/^(at|.+At|.+Until)$/.test(key) && v !== null) found.push(v);
      else timesIn(v, found);
    }
  }
  return found;
}

describe('--json', () => {
  it('prints one JSON document on stdout for hooks, hook, transfers and transfer, with ISO 8601 times', async () => {
    const { data, hookIds } = await storeWithWork();
    const base = ['-c', DEMO, '-d', data, '--json'];

    const hooks = await hookyard(['hooks', ...base]);
    expect(hooks.code, hooks.stderr).toBe(0);
    const hookPage = JSON.parse(hooks.stdout) as { items: Array<{ id: number; receivedAt: unknown; connection: string }>; next: number | null };
    expect(hookPage.items.map((h) => [h.id, h.connection, h.receivedAt])).toEqual([
      [hookIds[1], 'shop', '2026-03-01T09:00:00.000Z'],
      [hookIds[0], 'shop', '2026-03-01T09:00:00.000Z'],
    ]);

    const transfers = await hookyard(['transfers', ...base, '--limit', '3']);
    expect(transfers.code, transfers.stderr).toBe(0);
    const page = JSON.parse(transfers.stdout) as { items: Array<{ id: number; status: string; createdAt: unknown }>; next: number | null };
    expect(page.items).toHaveLength(3);
    expect(page.next).toBe(page.items[2]!.id);
    expect(page.items.map((t) => t.status)).toEqual(['queued', 'queued', 'queued']);
    const times = timesIn(page);
    expect(times.length).toBeGreaterThanOrEqual(9); // createdAt, updatedAt, runAt of each
    for (const time of times) expect(time).toMatch(ISO);

    const one = await hookyard(['transfer', String(page.items[0]!.id), ...base]);
    expect(one.code, one.stderr).toBe(0);
    const shown = JSON.parse(one.stdout) as { transfer: { id: number; createdAt: unknown }; activity: unknown[]; children: unknown[] };
    expect(shown.transfer.id).toBe(page.items[0]!.id);
    expect(shown.transfer.createdAt).toMatch(ISO);
    for (const time of timesIn(shown)) expect(time).toMatch(ISO);

    const hook = await hookyard(['hook', String(hookIds[0]), ...base]);
    expect(hook.code, hook.stderr).toBe(0);
    const hookShown = JSON.parse(hook.stdout) as { hook: { id: number; receivedAt: unknown; body: { encoding: string; data: string } } };
    expect(hookShown.hook).toMatchObject({ id: hookIds[0], receivedAt: '2026-03-01T09:00:00.000Z', body: { encoding: 'utf8', data: '{"id":1}' } });
  }, 60_000);

  it('prints the result of sync, replay and cancel as one JSON document; progress stays on stderr', async () => {
    const data = dataDir();
    await (await openStore({ dataDir: data })).close();
    const ids = Array.from({ length: 3_001 }, (_, i) => `Item${i}`);
    const file = join(data, 'ids.txt');
    writeFileSync(file, ids.join('\n'));
    const base = ['-c', DEMO, '-d', data, '--json'];

    const synced = await hookyard(['sync', ...base, '--connection', 'erp', '--type', 'product', '--file', file]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toEqual({ connection: 'erp', type: 'product', ids: 3_001, queued: 3_001, absorbed: 0, syncs: 2 });
    expect(synced.stderr).toContain('3001/3001 100%'); // the progress, where it belongs

    const counted = await hookyard(['cancel', ...base, '--connection', 'erp', '--dry-run']);
    expect(counted.code, counted.stderr).toBe(0);
    expect(JSON.parse(counted.stdout)).toEqual({ dryRun: true, count: 3_001 });

    const cancelled = await hookyard(['cancel', ...base, '--connection', 'erp', '--since', '2000-01-01']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({ cancel: expect.any(Number), count: 3_001 });

    const replayed = await hookyard(['replay', ...base, '--status', 'skipped', '--connection', 'erp']);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual({ replay: expect.any(Number), count: 3_001 });
  }, 60_000);

  it('prints the configuration check as JSON', async () => {
    const checked = await hookyard(['check', '-c', DEMO, '--json']);
    expect(checked.code, checked.stderr).toBe(0);
    const result = JSON.parse(checked.stdout) as { ok: boolean; connections: Array<{ name: string; scopes: Array<{ scope: string; enabled: boolean }> }> };
    expect(result.ok).toBe(true);
    expect(result.connections.map((c) => c.name)).toEqual(['shop', 'erp']);
    expect(result.connections[0]!.scopes).toContainEqual(expect.objectContaining({ scope: 'product/updated', enabled: true }));
  });
});

describe('times in human output', () => {
  it('shows ISO-like UTC times in the tables, never epoch milliseconds', async () => {
    const { data, hookIds } = await storeWithWork();
    const hooks = await hookyard(['hooks', '-c', DEMO, '-d', data]);
    expect(hooks.code, hooks.stderr).toBe(0);
    expect(hooks.stdout).toMatch(new RegExp(`^${hookIds[1]}\\s+2026-03-01 09:00:00\\.000Z\\s+shop\\s+`, 'm'));
    const hook = await hookyard(['hook', String(hookIds[0]), '-c', DEMO, '-d', data]);
    expect(hook.stdout).toContain('received  2026-03-01 09:00:00.000Z');
    const transfers = await hookyard(['transfers', '-c', DEMO, '-d', data]);
    expect(transfers.code, transfers.stderr).toBe(0);
    expect(transfers.stdout).toMatch(/^\d+\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z\s+erp\s+to_hub\s+product\/updated\s+Item4\s+queued/m);
    for (const output of [hooks.stdout, hook.stdout, transfers.stdout]) expect(output).not.toMatch(/\b1\d{12}\b/);
  }, 60_000);
});

// Concurrent: each case is a process of its own, and they start side by side.
describe.concurrent('bad flag values', { timeout: 90_000 }, () => {
  it.for([
    [['hooks', '--limit', 'abc'], `option '--limit <n>' argument 'abc' is invalid. expected a whole number from 1 to 500, got "abc"`],
    [['transfers', '--limit', '501'], 'expected a whole number from 1 to 500, got "501"'],
    [['serve', '--port', '99999'], 'expected a whole number from 0 to 65535, got "99999"'],
    [['transfers', '--status', 'nonsense'], 'expected one of queued, running, succeeded, skipped, retrying, dead, got "nonsense"'],
    [['hooks', '--status', 'dead'], 'expected one of received, resolved, partial, unmatched, invalid, empty, failed, got "dead"'],
    [['cancel', '--status', 'dead'], 'expected one of queued, retrying, got "dead"'],
    [['replay', '--since', 'yesterday'], `option '--since <time>' argument 'yesterday' is invalid. expected an ISO 8601 time`],
    [['cancel', '--until', '2026-13-45'], 'expected an ISO 8601 time'],
    [['replay', '--transfer', '1.5'], 'expected a whole number from 1 to'],
    [['transfer', 'x'], `argument value 'x' is invalid for argument 'id'. expected a whole number from 1 to`],
    [['demo', '--systems-only', '--shop-port', '-1'], 'expected a whole number from 0 to 65535, got "-1"'],
  ] as Array<[string[], string]>)('hookyard %j exits 2 and says what it expected', async ([args, message], { expect }) => {
    const data = dataDir();
    const run = await hookyard([...args, '-c', DEMO, '-d', data]);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(existsSync(data)).toBe(false);
  });

  it('exits 2 for a port from PORT that is not one, naming the variable', async ({ expect }) => {
    const run = await hookyard(['serve', '-c', DEMO, '-d', dataDir()], { PORT: 'eighty' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`value 'eighty' from env 'PORT' is invalid. expected a whole number from 0 to 65535, got "eighty"`);
  });

  it('exits 2 for an unknown option and a missing --config', async ({ expect }) => {
    expect((await hookyard(['hooks', '-c', DEMO, '--bogus'])).code).toBe(2);
    const missing = await hookyard(['hooks']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-c, --config <file>' not specified");
  });
});

describe('serve and the environment', () => {
  it('listens on PORT and reads HOOKYARD_CONFIG when no flag says otherwise', async () => {
    const port = await freePort();
    const hub = await startCli(['serve', '-d', dataDir()], { env: { PORT: String(port), HOOKYARD_CONFIG: DEMO } });
    expect(hub.url).toBe(`http://127.0.0.1:${port}`);
    expect(hub.output()).toContain('2 connection(s)');
  });

  it('lets --port and --config win over PORT and HOOKYARD_CONFIG', async () => {
    const port = await freePort();
    const envPort = await freePort();
    const hub = await startCli(['serve', '-d', dataDir(), '--port', String(port), '--config', DEMO], { env: { PORT: String(envPort), HOOKYARD_CONFIG: '/nonexistent/hookyard.yaml' } });
    expect(hub.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('documents the precedence in --help', async () => {
    const help = await hookyard(['serve', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('env: PORT');
    expect(text).toContain('(env: HOOKYARD_CONFIG)');
    expect(text).toContain('--port over PORT; PORT wins over server.port in the configuration');
  });
});

describe.concurrent('a data directory without a store', { timeout: 90_000 }, () => {
  it.for([
    [['hooks']],
    [['hook', '1']],
    [['transfers', '--json']],
    [['transfer', '1']],
    [['replay', '--status', 'dead']],
    [['cancel', '--connection', 'erp']],
    [['sync', '--connection', 'erp', '--type', 'product', 'Item1']],
  ] as Array<[string[]]>)('hookyard %j refuses it, names it and creates nothing', async ([args], { expect }) => {
    const data = dataDir();
    const run = await hookyard([...args, '-c', DEMO, '-d', data]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`HY_ERR_STORE_MISSING: no hookyard store where the command looked: ${data} holds none; start \`hookyard serve --data ${data}\` first`);
    expect(existsSync(data)).toBe(false);
  });

  it('leaves an existing directory without hookyard.db alone', async ({ expect }) => {
    const data = dataDir();
    mkdirSync(data, { recursive: true });
    const run = await hookyard(['transfers', '-c', DEMO, '-d', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HY_ERR_STORE_MISSING');
    expect(existsSync(join(data, 'hookyard.db'))).toBe(false);
  });

  it('is refused on PostgreSQL too: a database without hookyard\'s tables is not migrated by a reading command', async ({ expect }) => {
    const name = await createDatabase();
    try {
      const url = urlOf(name);
      const run = await hookyard(['transfers', '-c', DEMO, '-d', dataDir()], { HOOKYARD_DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/HY_ERR_STORE_MISSING: .*\(HOOKYARD_DATABASE_URL\) has none of hookyard's tables; start `hookyard serve` on that database first/);
      await expect(openStore({ dataDir: '', url, create: false, poolSize: 1 })).rejects.toMatchObject({ code: 'HY_ERR_STORE_MISSING' });
      // Still nothing there: the refusal made no table. Then a store made as serve makes it is read.
      const made = await openStore({ dataDir: '', url, poolSize: 1 });
      await made.close();
      const after = await hookyard(['transfers', '-c', DEMO, '-d', dataDir(), '--json'], { HOOKYARD_DATABASE_URL: url });
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout)).toEqual({ items: [], next: null });
    } finally {
      await dropDatabase(name);
    }
  }, 60_000);
});

describe('a command whose HTTP call fails', () => {
  it('sync --all names the cause when the system refuses the connection', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const data = dataDir();
    await (await openStore({ dataDir: data })).close();
    const run = await hookyard(['sync', '-c', DEMO, '-d', data, '--connection', 'erp', '--type', 'product', '--all'], { ERP_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.stderr).not.toMatch(/fetch failed/);
  }, 60_000);
});
