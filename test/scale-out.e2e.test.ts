/**
 * compose.yaml's topology as real processes: the commands its services run (two `--role ingest`,
 * two `--role worker`, the demo systems of its demo profile), with local addresses in place of the
 * containers' and a fresh database on the local PostgreSQL for the one they share. The ingest
 * processes take the demo systems' hooks and carry nothing out; once the workers start, every hook
 * is read and the records flow; a worker takes no hooks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutPath, localCommand, optionOf, readCompose, servicesWithRole, withDefaults, type ComposeService } from './helpers/compose.js';
import { killAllHubs, startCli, type HubProcess } from './helpers/process.js';
import { runDemoSystems } from '../src/cli/demo-systems.js';
import { freePort, until } from './helpers/wait.js';
import { createDatabase, dropDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from './helpers/postgres.js';

const dirs: string[] = [];
const databases: string[] = [];
afterEach(async () => {
  await killAllHubs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const database of databases.splice(0)) await dropDatabase(database);
});

const problem = await unreachable();
const where = serverOf(TEST_DATABASE_URL);
/** The processes share a PostgreSQL database, as in compose.yaml: CI must have one; elsewhere the test says why it did not run. */
const withPostgres = problem === null || process.env.CI === 'true' ? it : it.skip;
const postgresNote = problem === null ? '' : ` (PostgreSQL unreachable at ${where}: ${problem}; set HOOKYARD_TEST_DATABASE_URL)`;

type Counts = { hooks: Record<string, number>; transfers: Record<string, number> };

async function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

describe('scaled out as compose.yaml runs it', () => {
  withPostgres(`ingest processes store hooks and carry nothing out; workers read them and move the records; a worker takes no hooks${postgresNote}`, async () => {
    if (problem !== null) throw new Error(`PostgreSQL unreachable at ${where} (${problem}); CI runs this test: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
    const database = await createDatabase();
    databases.push(database);
    const compose = readCompose();
    const ingest = servicesWithRole(compose, 'ingest');
    const workers = servicesWithRole(compose, 'worker');
    const demo = compose.services.demo!;
    expect(ingest).toHaveLength(2);
    expect(workers).toHaveLength(2);

    const dir = mkdtempSync(join(tmpdir(), 'hookyard-scale-'));
    dirs.push(dir);
    const [ingestPort, shopPort, erpPort] = [await freePort(), await freePort(), await freePort()];
    const shopUrl = `http://127.0.0.1:${shopPort}`;
    const erpUrl = `http://127.0.0.1:${erpPort}`;
    // Where the demo sends its hooks: the ingest service its --hub names, here on a local port.
    const hubService = new URL(optionOf(demo.command!, '--hub')!).hostname;

    /** A hub service's command, run here: its configuration from this checkout, the test's database for compose's. */
    const startService = ([name, service]: [string, ComposeService], port: number): Promise<HubProcess> => {
      const command = service.command!;
      const args = localCommand(command, {
        '--config': checkoutPath(withDefaults(optionOf(command, '--config')!)),
        '--host': '127.0.0.1',
        '--port': String(port),
        '--data': join(dir, 'data'),
      });
      expect(service.environment?.HOOKYARD_DATABASE_URL, name).toMatch(/^postgres:\/\//);
      return startCli(args, { env: { HOOKYARD_DATABASE_URL: urlOf(database), SHOP_URL: shopUrl, ERP_URL: erpUrl }, startTimeoutMs: 30_000 });
    };

    const [first, second] = await Promise.all(ingest.map((service) => startService(service, service[0] === hubService ? ingestPort : 0)));
    const ingestUrls = [first!.url, second!.url];
    expect(first!.url).toBe(`http://127.0.0.1:${ingestPort}`);
    for (const hub of [first!, second!]) expect(hub.output()).toMatch(/hookyard listening on \S+ — role ingest, store: postgres postgres:\/\/\S+ \(HOOKYARD_DATABASE_URL\)/);

    // The demo profile's command: the shop and the ERP, seeded, sending hooks to the first ingest process.
    const systems = await startCli(
      localCommand(demo.command!, { '--hub': first!.url, '--host': '127.0.0.1', '--shop-port': String(shopPort), '--erp-port': String(erpPort) }),
      { ready: /~ seeded: /, startTimeoutMs: 30_000 },
    );
    expect(systems.output()).toContain(`demo systems listening — shop ${shopUrl}, erp ${erpUrl}; their hooks go to ${first!.url}`);
    // One hook to the second ingest process, as a load balancer would spread them.
    const erpHook = await fetch(`${second!.url}/hooks/erp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-erp-key' },
      body: JSON.stringify({ notifications: [{ event: 'customer.changed', id: 'Cust:1' }] }),
    });
    expect(erpHook.status).toBe(202);
    const { hook: erpHookId } = (await erpHook.json()) as { hook: number };

    // Seeding fires a hook per shop product, customer and order (9), and per ERP item and customer.
    await until('the seeded hooks are stored', async () => (await getJson<{ counts: Counts }>(`${first!.url}/readyz`)).counts.hooks.received! >= 10);
    // Long enough for a running resolver, transfer worker or poller to have shown itself
    // (each looks every 250 ms to 1 s); none runs in an ingest process.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const url of ingestUrls) {
      const ready = await getJson<{ role: string; counts: Counts }>(`${url}/readyz`);
      expect(ready.role).toBe('ingest');
      expect(sum(ready.counts.hooks)).toBe(ready.counts.hooks.received ?? 0);
      expect(sum(ready.counts.transfers)).toBe(0);
    }
    const collections = async () =>
      (await getJson<{ custom_collections: unknown[] }>(`${shopUrl}/admin/api/2025-10/custom_collections.json`, { 'x-shopify-access-token': 'demo-shop-token' })).custom_collections.length;
    expect(await collections()).toBe(0); // the ERP's categories are polled by a worker only

    const started = await Promise.all(workers.map((service) => startService(service, 0)));
    for (const worker of started) {
      expect(worker.output()).toMatch(/hookyard listening on \S+ — role worker, store: postgres /);
      expect(await getJson(`${worker.url}/readyz`)).toMatchObject({ status: 'ready', role: 'worker', store: 'postgres', storeAnswered: true });
      const refused = await fetch(`${worker.url}/hooks/shop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: string }).error).toBe('HY_ERR_INGEST_OFF');
    }

    await until('the hook the second ingest process took is resolved', async () => (await getJson(`${second!.url}/api/hooks/${erpHookId}`)).hook.status !== 'received');
    await until('the ERP categories reach the shop (a poll, then transfers)', async () => (await collections()) >= 3);
    await until('the shop customers reach the ERP', async () => {
      const customers = await fetch(`${erpUrl}/api/customers`, { headers: { authorization: 'Bearer demo-erp-token' } });
      return (await customers.text()).includes('ada@example.com');
    });
    const counts = (await getJson<{ counts: Counts }>(`${started[0]!.url}/readyz`)).counts;
    expect(counts.transfers.succeeded).toBeGreaterThan(0);
    expect(counts.hooks.resolved).toBeGreaterThan(0);
  }, 120_000);

  it('runs the demo systems only with a hub to send their hooks to', async () => {
    for (const hub of [undefined, 'ingest-1:8080', 'ftp://ingest-1']) {
      const errors: string[] = [];
      expect(await runDemoSystems({ hub, host: '127.0.0.1' }, { out: () => {}, err: (line) => errors.push(line) }), String(hub)).toBe(1);
      expect(errors.join('\n'), String(hub)).toMatch(/^--systems-only needs --hub with the hub's base URL \(http:\/\/HOST:PORT\), where the shop and the ERP send their hooks/);
    }
  });
});
