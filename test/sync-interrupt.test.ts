/**
 * Ctrl-C on `hookyard sync --all`, with a real process and a real SIGINT: the interrupted run
 * gives its lease on the feed up, so running the same command again at once resumes (rather than
 * being refused until the lease runs out) and completes without duplicates.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { startDemoErp, type DemoErp } from '../src/demo/index.js';
import { openStore } from '../src/store/index.js';
import { projectRoot, withAbsoluteIntegrations } from './helpers/process.js';
import { until } from './helpers/wait.js';
import { KEYS } from './helpers/world.js';

const dirs: string[] = [];
const systems: DemoErp[] = [];
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const system of systems.splice(0)) await system.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => output, exited };
}

describe('hookyard sync --all interrupted with Ctrl-C', () => {
  it('gives its feed lease up, so an immediate rerun resumes and completes without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-sync-sigint-'));
    dirs.push(dir);
    const erp = await startDemoErp({ hubUrl: 'http://127.0.0.1:9', webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken });
    systems.push(erp);
    erp.pauseHooks(); // no hub listens: this test is about the initialization alone
    const records = 3_000;
    for (let i = 0; i < records; i++) erp.createItem({ name: `Item ${i}`, sku: `INT-${i}`, price: 1, status: 'ACTIVE' });
    // Each page of the item list takes a little while, so the interrupt lands in the middle.
    erp.failRequests({ method: 'GET', match: (request) => request.path.startsWith('/api/items') && !request.path.startsWith('/api/items/'), delayMs: 60 });
    const config = parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8'));
    config.connections.erp.settings.baseUrl = erp.url; // the default lease (30 s) stays: an abandoned one would refuse the rerun
    const configFile = join(dir, 'hookyard.yaml');
    writeFileSync(configFile, stringify(withAbsoluteIntegrations(config)));
    const data = join(dir, 'data');
    await (await openStore({ dataDir: data })).close(); // sync works on the store a hub made: make it
    const args = [resolve(projectRoot, 'bin/hookyard.js'), 'sync', '--config', configFile, '--data', data, '--connection', 'erp', '--type', 'product', '--all'];

    const first = run(args);
    await until('some records are queued', () => /\b([5-9]\d\d|[12]\d\d\d)\/3000\b/.test(first.output()));
    first.child.kill('SIGINT');
    const firstExit = await first.exited;
    expect(firstExit, first.output()).toEqual({ code: 130, signal: null });
    expect(first.output()).toMatch(/interrupted: \d+ record\(s\) of erp product queued so far; the same command resumes from there/);

    const midway = await openStore({ dataDir: data });
    const [feed] = await midway.listFeeds();
    expect(feed).toMatchObject({ kind: 'init', status: 'running', leaseOwner: null });
    expect(feed!.records).toBeGreaterThan(0);
    expect(feed!.records).toBeLessThan(records);
    await midway.close();

    const second = run(args); // at once: no waiting for a lease
    const secondExit = await second.exited;
    expect(secondExit.code, second.output()).toBe(0);
    expect(second.output()).toContain(`initialization of erp product: ${records} record(s) queued`);

    const store = await openStore({ dataDir: data });
    const ids = new Set<string>();
    let rows = 0;
    for (let before: number | undefined; ; ) {
      const page = await store.listTransfers({ limit: 500, before });
      for (const t of page.items) {
        ids.add(t.externalId!);
        rows += 1;
      }
      if (page.next === null) break;
      before = page.next;
    }
    expect(rows).toBe(records);
    expect(ids.size).toBe(records);
    expect((await store.listFeeds())[0]).toMatchObject({ status: 'done', records, leaseOwner: null });
    await store.close();
  }, 60_000);
});
