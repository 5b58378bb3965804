/**
 * `npm start` as a new user runs it: `node bin/hookyard.js demo` as a real process, on the port in
 * PORT and the data directory in HOOKYARD_DATA. Data must flow both ways between the demo shop
 * and ERP through the hub, two demos must run side by side, and a signal must stop it cleanly.
 *
 * The demo's random traffic changes an ERP item only now and then, so the test does not wait for
 * it: like a user following the printed curl examples, it creates a product through the shop's
 * API and an item through the ERP's API, and waits for each to arrive on the other side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_KEYS } from '../src/demo/keys.js';
import { ProblemWatch, RefusalWatch, type ReportedSystems } from '../src/demo/report.js';
import type { TransferRequest } from '../src/domain/types.js';
import type { Store } from '../src/store/store.js';
import { projectRoot, type Exit } from './helpers/process.js';
import { openStore } from '../src/store/index.js';
import { freePort } from './helpers/wait.js';
import { serverOf, TEST_DATABASE_URL, unreachable } from './helpers/postgres.js';
import pg from 'pg';

const BIN = resolvePath(projectRoot, 'bin/hookyard.js');
/** Bound on every wait: starting takes a second or two, the first transfers a few more. */
const WAIT_MS = 25_000;
/** Bound on one request, so a poll can never outlast WAIT_MS by much. */
const FETCH_TIMEOUT_MS = 2_000;
/** Per test: WAIT_MS for the flows plus starting and stopping processes on a busy machine. */
const TEST_TIMEOUT_MS = 45_000;

interface Demo {
  child: ChildProcess;
  url: string;
  exited: Promise<Exit>;
  output(): string;
  /** Its stdout alone: the log, one JSON object per line. */
  stdout(): string;
}

const demos: Demo[] = [];
const tempDirs: string[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  // SIGKILL whatever a failed test left running; a passing test has stopped its demos already.
  await Promise.all(
    demos.splice(0).map((demo) => {
      if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
      return demo.exited;
    }),
  );
  await Promise.all(blockers.splice(0).map((server) => new Promise((done) => server.close(done))));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


function startDemo(port: number, data = mkdtempSync(join(tmpdir(), 'hookyard-demo-')), extraEnv: NodeJS.ProcessEnv = {}): Demo {
  tempDirs.push(data);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOOKYARD_DATA: data, ...extraEnv };
  if (!('HOOKYARD_DATABASE_URL' in extraEnv)) delete env.HOOKYARD_DATABASE_URL;
  delete env.HOOKYARD_ADMIN_TOKEN; // the test reads /api without a token
  const child = spawn(process.execPath, [BIN, 'demo'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const demo = { child, url: `http://127.0.0.1:${port}`, exited, output: () => output, stdout: () => stdout };
  demos.push(demo);
  return demo;
}

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null; // not listening yet, or too slow to answer: the next poll asks again
  }
}

/** Polls `check` until it returns true, failing with the demo's output after WAIT_MS or if it exits. */
async function waitFor(demo: Demo, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (demo.child.exitCode !== null || demo.child.signalCode !== null) throw new Error(`the demo exited while waiting for ${what}:\n${demo.output()}`);
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`no ${what} within ${WAIT_MS} ms; demo output:\n${demo.output()}`);
}

interface TransferList {
  items: Array<{ id: number; connection: string; direction: string; status: string }>;
}

async function succeededFromHub(demo: Demo, connection: string): Promise<boolean> {
  const list = await getJson<TransferList>(`${demo.url}/api/transfers?status=succeeded&connection=${connection}&limit=500`);
  return list !== null && list.items.some((t) => t.direction === 'from_hub');
}

async function ready(demo: Demo): Promise<boolean> {
  const body = await getJson<{ status: string; counts: { hooks: Record<string, number> } }>(`${demo.url}/readyz`);
  // Ready, and the seeded systems' hooks have reached this demo's own hub.
  return body?.status === 'ready' && Object.values(body.counts.hooks).some((n) => n > 0);
}

/** The demo's log lines so far (stdout, not piped to a terminal: JSON lines). */
function logLines(demo: Demo): Array<Record<string, unknown>> {
  return demo
    .stdout()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The shop's and the ERP's base URLs, from the log line of the demo's guide. */
async function systemUrls(demo: Demo): Promise<{ shop: string; erp: string }> {
  const find = () => logLines(demo).find((line) => typeof line.shop === 'string' && typeof line.erp === 'string');
  await waitFor(demo, 'printed system URLs', async () => find() !== undefined);
  const guide = find()!;
  expect(guide.msg).toContain(`shop  ${guide.shop as string}`);
  expect(guide.msg, 'the guide points at the console').toContain(`${guide.hub as string}/ui/`);
  return { shop: guide.shop as string, erp: guide.erp as string };
}

async function send(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

const postgresProblem = await unreachable();

describe('npm start (hookyard demo)', () => {
  it('moves products both ways between the demo shop and ERP, and stops on SIGTERM with exit code 0', async () => {
    const demo = startDemo(await freePort());
    const urls = await systemUrls(demo);
    expect(demo.output()).toContain(`${demo.url}/api/transfers`);
    expect(demo.output()).toContain(`curl -s ${urls.erp}/api/items -H 'Authorization: Bearer ${DEMO_KEYS.erp.apiToken}'`);

    const shopAuth = { 'x-shopify-access-token': DEMO_KEYS.shop.accessToken };
    const erpAuth = { authorization: `Bearer ${DEMO_KEYS.erp.apiToken}` };
    const suffix = Date.now().toString(36).toUpperCase();
    await send('POST', `${urls.shop}/admin/api/2025-10/products.json`, shopAuth, {
      product: { title: 'Test Lamp', status: 'active', variants: [{ sku: `LAMP-${suffix}`, price: '31.50' }] },
    });
    await send('POST', `${urls.erp}/api/items`, erpAuth, { name: 'Test Kettle', sku: `KETTLE-${suffix}`, price: 27.5, status: 'ACTIVE' });

    await waitFor(demo, 'the shop product in the ERP', async () => {
      const { items } = (await send('GET', `${urls.erp}/api/items?limit=200`, erpAuth)) as { items: Array<{ sku: string; name: string }> };
      return items.some((item) => item.sku === `LAMP-${suffix}` && item.name === 'Test Lamp');
    });
    await waitFor(demo, 'the ERP item in the shop', async () => {
      const { products } = (await send('GET', `${urls.shop}/admin/api/2025-10/products.json?limit=250`, shopAuth)) as { products: Array<{ title: string; variants: Array<{ sku: string }> }> };
      return products.some((product) => product.variants[0]?.sku === `KETTLE-${suffix}` && product.title === 'Test Kettle');
    });
    // And the hub's own account of it: from_hub transfers to both systems that succeeded.
    await waitFor(demo, 'succeeded from_hub transfer to erp', () => succeededFromHub(demo, 'erp'));
    await waitFor(demo, 'succeeded from_hub transfer to shop', () => succeededFromHub(demo, 'shop'));

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    // Everything it said, to its last line, is a log line: stdout holds nothing else.
    const lines = logLines(demo);
    expect(lines.some((line) => typeof line.msg === 'string' && line.msg.startsWith('~ seeded: '))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  }, TEST_TIMEOUT_MS);

  const onPostgres = postgresProblem === null || process.env.CI === 'true' ? it : it.skip;
  onPostgres(
    `runs on PostgreSQL with HOOKYARD_DATABASE_URL, in a database of its own made anew, with nothing dead${postgresProblem === null ? '' : ` (PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)}: ${postgresProblem})`}`,
    async () => {
      if (postgresProblem !== null) throw new Error(`PostgreSQL unreachable at ${serverOf(TEST_DATABASE_URL)} (${postgresProblem}); CI runs this test: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
      const port = await freePort();
      const name = `hookyard_demo_${port}`;
      const admin = async (sql: string) => {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          return (await client.query(sql)).rows;
        } finally {
          await client.end();
        }
      };
      try {
        // A database of that name the demo did not make is left alone.
        await admin(`CREATE DATABASE ${name}`);
        const refused = startDemo(port, undefined, { HOOKYARD_DATABASE_URL: TEST_DATABASE_URL });
        expect(await refused.exited).toEqual({ code: 1, signal: null });
        expect(refused.output()).toContain(`database ${name} on `);
        expect(refused.output()).toContain('was not made by the demo');
        await admin(`DROP DATABASE ${name}`);

        for (const run of [1, 2]) {
          // Twice: the second run drops the first one's database and starts empty again.
          const demo = startDemo(port, undefined, { HOOKYARD_DATABASE_URL: TEST_DATABASE_URL });
          await waitFor(demo, 'ready hub with hooks', () => ready(demo));
          expect(demo.output()).toContain(`~ the demo's store: PostgreSQL database ${name} on `);
          const body = await getJson<{ store: string; counts: { hooks: Record<string, number>; transfers: Record<string, number> } }>(`${demo.url}/readyz`);
          expect(body?.store).toBe('postgres');
          await waitFor(demo, 'succeeded from_hub transfer to erp', () => succeededFromHub(demo, 'erp'));
          await waitFor(demo, 'succeeded from_hub transfer to shop', () => succeededFromHub(demo, 'shop'));
          const counts = (await getJson<{ counts: { transfers: Record<string, number> } }>(`${demo.url}/readyz`))!.counts;
          expect(counts.transfers.dead ?? 0, `run ${run}`).toBe(0);
          demo.child.kill('SIGTERM');
          expect(await demo.exited).toEqual({ code: 0, signal: null });
        }
        // The database the URL names holds no hookyard tables: only the demo's own database was used.
        expect(await admin("SELECT 1 FROM pg_tables WHERE tablename = 'transfers' AND schemaname = 'public'").then((rows) => rows.length)).toBe(0);
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
    2 * TEST_TIMEOUT_MS,
  );

  it('runs two demos side by side on different PORT and HOOKYARD_DATA', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = startDemo(portA);
    const b = startDemo(portB);
    await Promise.all([waitFor(a, 'ready hub with hooks', () => ready(a)), waitFor(b, 'ready hub with hooks', () => ready(b))]);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(await b.exited).toEqual({ code: 0, signal: null });
  }, TEST_TIMEOUT_MS);

  it('leaves a store it did not make alone and asks for another directory', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hookyard-served-'));
    const store = await openStore({ dataDir: data });
    await store.appendHooks([{ connection: 'shop', headers: {}, segments: [], contentType: null, body: Buffer.from('{}') }], 1);
    await store.close();
    const demo = startDemo(await freePort(), data);
    expect(await demo.exited).toEqual({ code: 1, signal: null });
    expect(demo.output()).toContain('holds a store that the demo did not make');
    const again = await openStore({ dataDir: data });
    expect((await again.listHooks({ limit: 5 })).items).toHaveLength(1); // untouched
    await again.close();
  }, TEST_TIMEOUT_MS);

  it('fails with a clear message when the port is taken', async () => {
    const port = await freePort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));

    const demo = startDemo(port);
    expect(await demo.exited).toEqual({ code: 1, signal: null });
    expect(demo.output()).toContain(`port ${port} is in use`);
    expect(demo.output()).toContain('PORT=8090 npm start');
  }, TEST_TIMEOUT_MS);
});

describe('the demo\'s problem lines', () => {
  /** Just what ProblemWatch reads: transfers by status, and failed hooks (none here). */
  function fakeStore(transfers: Array<Partial<TransferRequest>>): Store {
    return {
      listTransfers: async ({ status }: { status: string }) => ({ items: transfers.filter((t) => t.status === status), next: null }),
      listHooks: async () => ({ items: [], next: null }),
    } as unknown as Store;
  }

  it('reports each failure once per attempt and status, including a slow transfer that then dies', async () => {
    const now = 100_000;
    const transfer: Partial<TransferRequest> = { id: 4, connection: 'erp', scope: 'product/updated', direction: 'from_hub', status: 'running', attempts: 1, updatedAt: now - 12_000 };
    const watch = new ProblemWatch(fakeStore([transfer]), 30_000, () => now);
    expect(await watch.newProblems()).toEqual(['transfer 4 erp product/updated from_hub: attempt 1 running for 12 s; claimed again when its 30 s lease ends']);
    expect(await watch.newProblems()).toEqual([]);
    Object.assign(transfer, { status: 'dead', lastErrorCode: 'HY_ERR_X', lastError: 'broken' });
    expect(await watch.newProblems()).toEqual(['transfer 4 erp product/updated from_hub: dead after 1 attempt(s): HY_ERR_X broken']);
    expect(await watch.newProblems()).toEqual([]);
  });

  it('reports hooks the hub refused (they never reach its store), once each', () => {
    const shopSent = [{ status: 202 }, { status: 401 }];
    const systems = { shop: { hooksSent: shopSent }, erp: { hooksSent: [{ status: 202 }] } } as unknown as ReportedSystems;
    const watch = new RefusalWatch(systems);
    expect(watch.newRefusals()).toEqual(['the hub refused 1 hook(s) from the shop (401); its webhook credentials and the config disagree?']);
    expect(watch.newRefusals()).toEqual([]);
    shopSent.push({ status: 202 });
    expect(watch.newRefusals()).toEqual([]);
  });
});
