/**
 * SIGHUP to a real `hookyard serve` process: after the file changed, the process loads it again
 * and the admin API shows the new connections, with the log line saying so; a broken file is
 * refused with its reason in the log, and the process goes on serving the configuration it had.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { killAllHubs, projectRoot, startHub, withAbsoluteIntegrations } from './helpers/process.js';
import { until } from './helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  await killAllHubs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The demo configuration, systems on addresses nobody calls here (no hook is sent, no poll runs). */
function demoConfig(): any {
  const config = withAbsoluteIntegrations(parseYaml(readFileSync(resolve(projectRoot, 'examples/demo.yaml'), 'utf8')));
  delete config.connections.erp.poll;
  return config;
}

async function connections(url: string): Promise<Array<{ name: string; scopes: Array<{ scope: string; enabled: boolean }> }>> {
  const response = await fetch(`${url}/api/connections`);
  expect(response.status).toBe(200);
  return (await response.json()).items;
}

describe('SIGHUP in hookyard serve', () => {
  it('reloads the changed file, and refuses a broken one while serving on with the old', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-sighup-'));
    dirs.push(dir);
    const file = join(dir, 'hookyard.yaml');
    const first = demoConfig();
    delete first.connections.erp;
    writeFileSync(file, stringify(first));
    const hub = await startHub({ config: file, data: join(dir, 'data') });
    expect((await connections(hub.url)).map((c) => c.name)).toEqual(['shop']);

    // The ERP is added and the shop takes one more scope.
    const second = demoConfig();
    second.connections.shop.scopes.push('product/deleted');
    writeFileSync(file, stringify(second));
    process.kill(hub.pid, 'SIGHUP');
    await until('the API shows the ERP', async () => (await connections(hub.url)).some((c) => c.name === 'erp'));
    const shop = (await connections(hub.url)).find((c) => c.name === 'shop')!;
    expect(shop.scopes.find((s) => s.scope === 'product/deleted')).toMatchObject({ enabled: true });
    await until('the log says the configuration was reloaded', () => /configuration reloaded from .*hookyard\.yaml: 2 connection\(s\); added erp; changed shop/.test(hub.output()));

    // A schema error: refused, logged with its path, and the process serves on with what it had.
    const broken = demoConfig();
    broken.connections.erp.scopes = ['no-such/scope'];
    delete broken.connections.shop;
    writeFileSync(file, stringify(broken));
    process.kill(hub.pid, 'SIGHUP');
    await until('the log says the reload was refused', () => /configuration reload refused, the running configuration stays in force: HY_ERR_CONFIG_INVALID: .*connections\.erp\.scopes\[0\]/.test(hub.output()));
    expect(hub.child.exitCode).toBeNull();
    expect((await connections(hub.url)).map((c) => c.name)).toEqual(['shop', 'erp']);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

    // SIGTERM still stops it cleanly after the reloads.
    expect(await hub.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);
});
