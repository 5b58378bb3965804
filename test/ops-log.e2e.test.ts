/**
 * The log of a real `hookyard serve` process: one JSON object per line on stdout (not a
 * terminal), LOG_LEVEL honoured and checked, a line for a dead transfer and for a circuit that
 * opens, and a flood of refused hooks logged as a few counted lines rather than one per hook.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { startDemoErp, type DemoErp } from '../src/demo/index.js';
import { LOG_LEVELS } from '../src/ops/logger.js';
import { openStore } from '../src/store/index.js';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations, type HubProcess } from './helpers/process.js';
import { freePort, until } from './helpers/wait.js';
import { KEYS } from './helpers/world.js';

const BIN = resolve(projectRoot, 'bin/hookyard.js');
const dirs: string[] = [];
const systems: DemoErp[] = [];
afterEach(async () => {
  await killAllHubs();
  for (const system of systems.splice(0)) await system.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Every line the process printed, parsed: JSON.parse throws (failing the test) on any that is not JSON. */
function logLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

/**
 * The demo config with an ERP that fails every read of `failing` (503): two attempts and the
 * transfer is dead, two failures in a row and the ERP's circuit opens. The shop is never called.
 */
async function setUp(port: number): Promise<{ file: string; data: string; erp: DemoErp; hubUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-log-'));
  dirs.push(dir);
  const hubUrl = `http://127.0.0.1:${port}`;
  const erp = await startDemoErp({ hubUrl, webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20, 50, 100] });
  systems.push(erp);
  const config = parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8'));
  config.connections.shop.settings.baseUrl = 'http://127.0.0.1:9';
  config.connections.erp.settings.baseUrl = erp.url;
  config.connections.erp.retry = { maxAttempts: 2, delays: ['50ms'] };
  config.connections.erp.circuit = { failures: 2, cooldown: '1m', probeInterval: '5s' };
  delete config.connections.erp.poll;
  delete config.connections.shop.poll;
  const file = join(dir, 'hookyard.yaml');
  writeFileSync(file, stringify(withAbsoluteIntegrations(config)));
  return { file, data: join(dir, 'data'), erp, hubUrl };
}

/** An ERP item whose reads fail: its hook becomes a to_hub transfer that dies and opens the circuit. */
function failingItem(erp: DemoErp): string {
  const item = erp.createItem({ name: 'Crate', sku: 'CRATE-1', price: 3, status: 'ACTIVE' });
  erp.failRequests({ method: 'GET', pathIncludes: encodeURIComponent(item.code), status: 503 });
  return item.code;
}

async function refuse(hubUrl: string, count: number): Promise<void> {
  const one = async () => {
    const response = await fetch(`${hubUrl}/hooks/erp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-key' },
      body: JSON.stringify({ event: 'item.updated', code: 'X' }),
    });
    await response.arrayBuffer();
    expect(response.status).toBe(401);
  };
  // 20 senders at a time, as a misconfigured system retrying would.
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) {
        next += 1;
        await one();
      }
    }),
  );
}

async function stop(hub: HubProcess): Promise<void> {
  expect(await hub.stop('SIGTERM')).toEqual({ code: 0, signal: null });
}

describe('the log of hookyard serve', () => {
  it('is JSON lines only, with a warning for a dead transfer (attempts, code, message) and for the circuit that opened', async () => {
    const port = await freePort();
    const { file, data, erp } = await setUp(port);
    const hub = await startHub({ config: file, data, port, env: { LOG_LEVEL: 'info', LOG_FORMAT: '' } });
    const code = failingItem(erp);
    await until('the dead transfer is logged', () => hub.output().includes('dead after'));
    await until('the opened circuit is logged', () => hub.output().includes('circuit of erp opened'));
    await stop(hub);

    const lines = logLines(hub.output());
    expect(lines.find((line) => line.msg.startsWith('hookyard listening on'))).toMatchObject({ level: 30 });
    // The item's read fails (product/updated, dead: HY_ERR_DESTINATION_FAILED), and the hook's
    // message/created request that waited for it gives up after its 2 attempts: a line for each.
    const dead = lines.filter((line) => line.status === 'dead');
    const store = await openStore({ dataDir: data });
    const deadInStore = (await store.listTransfers({ status: 'dead', limit: 50 })).items;
    await store.close();
    // Every transfer the store holds as dead had its line (a child that died may be run again by its parent's retry).
    expect(deadInStore.length).toBeGreaterThan(0);
    for (const transfer of deadInStore) expect(dead.map((line) => line.transfer)).toContain(transfer.id);
    for (const line of dead) expect(line).toMatchObject({ level: 40, connection: 'erp', direction: 'to_hub', externalId: code });
    expect(dead.find((line) => line.scope === 'product/updated')).toMatchObject({ code: 'HY_ERR_DESTINATION_FAILED', error: expect.stringMatching(/503/), attempts: 1 });
    expect(dead.find((line) => line.scope === 'message/created')).toMatchObject({ attempts: 2, msg: expect.stringMatching(/dead after 2 attempt\(s\)/) });
    expect(lines.filter((line) => line.msg.startsWith('circuit of erp opened'))).toEqual([expect.objectContaining({ level: 40, connection: 'erp' })]);
    // Successful hooks are not logged at info: the ERP's hook was accepted, and no line says so.
    expect(lines.filter((line) => line.answer === 'accepted')).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', level: 30 });
  }, 60_000);

  it('at LOG_LEVEL=warn, prints warnings and no info line', async () => {
    const port = await freePort();
    const { file, data, erp, hubUrl } = await setUp(port);
    // Nothing at info: not even the listening line, so readiness is asked of /healthz.
    const child = spawn(process.execPath, [BIN, 'serve', '--config', file, '--data', data, '--port', String(port), '--host', '127.0.0.1'], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
    try {
      await until('the hub answers /healthz', async () => (await fetch(`${hubUrl}/healthz`).catch(() => null))?.ok === true);
      failingItem(erp);
      await refuse(hubUrl, 1);
      await until('the dead transfer is logged', () => output.includes('dead after'));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const lines = logLines(output);
    expect(lines.filter((line) => line.level < 40)).toEqual([]);
    expect(lines.some((line) => line.code === 'HY_ERR_AUTH_INVALID')).toBe(true);
    expect(lines.some((line) => line.status === 'dead')).toBe(true);
  }, 60_000);

  it('refuses to start on a LOG_LEVEL it does not know, naming the levels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-log-'));
    dirs.push(dir);
    const failed = await promisify(execFile)(process.execPath, [BIN, 'serve', '--config', resolve(projectRoot, 'examples/demo.yaml'), '--data', dir, '--port', '0'], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'verbose' },
    }).then(
      () => null,
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "verbose"`);
    expect(failed?.stdout).toBe('');
  }, 30_000);

  it('logs 1,000 refused hooks as a few counted lines, every refusal accounted for', async () => {
    const port = await freePort();
    const { file, data, hubUrl } = await setUp(port);
    const hub = await startHub({ config: file, data, port, env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } });
    await refuse(hubUrl, 1_000);
    // Stopping logs what was counted since the last line.
    await stop(hub);
    const refusals = logLines(hub.output()).filter((line) => line.code === 'HY_ERR_AUTH_INVALID');
    expect(refusals[0]).toMatchObject({ level: 40, connection: 'erp', status: 401, count: 1 });
    // One line at once, then one per 10 s at most: far fewer than the hooks.
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.length).toBeLessThan(20);
    expect(refusals.reduce((sum, line) => sum + (line.count as number), 0)).toBe(1_000);
    expect(refusals.at(-1)!.msg).toMatch(/^\d+ hook\(s\) refused for erp: HY_ERR_AUTH_INVALID in the last 10 s$/);
  }, 60_000);

  it('is readable lines, not JSON, with LOG_FORMAT=pretty', async () => {
    const port = await freePort();
    const { file, data } = await setUp(port);
    const hub = await startHub({ config: file, data, port, env: { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' } });
    await stop(hub);
    const listening = hub.output().split('\n').find((line) => line.includes('hookyard listening on'))!;
    expect(listening).toMatch(/INFO.*hookyard listening on http:\/\/127\.0\.0\.1:\d+ — role all/);
    expect(() => JSON.parse(listening)).toThrow();
  }, 60_000);
});
