/**
 * Code integrations from outside hookyard: a module file named relative to the configuration and
 * an npm package installed in a node_modules above it. Each runs inside a real hub (SQLite in a
 * temp folder, workers on): a hook about a contact ends as a hub customer read by the outside
 * integration's get().
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConfigFile, type HubConfig } from '../../src/config/load.js';
import { packageEntry } from '../../src/integrations/modules.js';
import { createHub, type Hub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { FIXTURES, tempDir } from '../helpers/hub.js';
import { until } from '../helpers/wait.js';

const OUTSIDE = join(FIXTURES, 'outside');

function connectionYaml(integration: string): string {
  return `
connections:
  crm:
    integration: ${integration}
    webhook: { apiKey: crm-key }
    mappings:
      customer:
        to_hub:
          sync: add_and_update
          fields: { name: name, email: email }
`;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A folder holding `config/hookyard.yaml` (and whatever the test adds), removed after the test. */
function workspace(yaml: string): { root: string; configFile: string } {
  const dir = tempDir('hookyard-outside-');
  cleanups.push(() => dir.remove());
  mkdirSync(join(dir.path, 'config'));
  const configFile = join(dir.path, 'config', 'hookyard.yaml');
  writeFileSync(configFile, yaml);
  return { root: dir.path, configFile };
}

async function problemsOf(load: () => Promise<unknown> | unknown): Promise<string[]> {
  try {
    await load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

/** Runs a hub with workers, sends one standard hook for contact `id`, returns the hub record it made. */
async function contactThroughHub(config: HubConfig, hookName: string, id: string): Promise<Record<string, unknown>> {
  const data = tempDir();
  const store = await openStore({ dataDir: data.path });
  const hub: Hub = await createHub({ config, store });
  cleanups.push(async () => {
    await hub.close();
    data.remove();
  });
  const sent = await hub.app.inject({
    method: 'POST',
    url: '/hooks/crm',
    headers: { 'content-type': 'application/json', authorization: 'Bearer crm-key' },
    payload: JSON.stringify({ notifications: [{ scope: hookName, external_id: id }] }),
  });
  expect(sent.statusCode, sent.body).toBe(202);
  let hubId: number | null = null;
  await until('the contact reaches the hub', async () => {
    const { items } = (await hub.app.inject({ method: 'GET', url: '/api/transfers?connection=crm' })).json() as { items: Array<{ status: string; hubId: number | null; lastError?: unknown }> };
    const done = items.find((t) => t.status === 'succeeded');
    if (items.some((t) => t.status === 'dead')) throw new Error(`transfer died: ${JSON.stringify(items)}`);
    hubId = done?.hubId ?? null;
    return hubId !== null;
  });
  const shown = await hub.app.inject({ method: 'GET', url: `/api/records/customer/${hubId}` });
  expect(shown.statusCode, shown.body).toBe(200);
  return (shown.json() as { record: { data: Record<string, unknown> } }).record.data;
}

describe('integrations from outside hookyard', () => {
  it('loads a module file named relative to the configuration, and the hub runs its get()', async () => {
    const { root, configFile } = workspace(connectionYaml('../crm.mjs'));
    cpSync(join(OUTSIDE, 'crm.mjs'), join(root, 'crm.mjs'));
    const config = await loadConfig(configFile, { env: {} });
    const crm = config.connections.get('crm')!;
    expect(crm.integration.id).toBe('fixture-crm');
    // What the module left out, the loader filled in as defineIntegration does.
    expect(crm.integration.title).toBe('fixture-crm');
    expect(crm.integration.receiver.multiple).toBe('notifications');
    expect(await contactThroughHub(config, 'contact.changed', '7')).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('loads an installed package by name from a node_modules above the configuration, by its named export', async () => {
    const { root, configFile } = workspace(connectionYaml('hookyard-fixture-crm'));
    cpSync(join(OUTSIDE, 'hookyard-fixture-crm'), join(root, 'node_modules', 'hookyard-fixture-crm'), { recursive: true });
    const config = await loadConfig(configFile, { env: {} });
    expect(config.connections.get('crm')!.integration.id).toBe('fixture-crm-package');
    expect(await contactThroughHub(config, 'customer/updated', '12')).toMatchObject({ name: 'Packaged contact 12', email: 'c12@example.com' });
  });

  it('loads a TypeScript module where a TypeScript loader runs (here, the test runner\'s)', async () => {
    const { configFile } = workspace(connectionYaml(join(OUTSIDE, 'typed-crm.ts')));
    const config = await loadConfig(configFile, { env: {} });
    expect(config.connections.get('crm')!.integration.id).toBe('fixture-typed-crm');
    expect(await contactThroughHub(config, 'customer/updated', '3')).toMatchObject({ name: 'Typed contact 3' });
  });

  it('says what is wrong: a missing package, a module without an integration, a missing file', async () => {
    const { root, configFile } = workspace(`
connections:
  a: { integration: hookyard-not-installed, webhook: { apiKey: k } }
  b: { integration: ../no-integration.mjs, webhook: { apiKey: k } }
  c: { integration: ./nowhere.js, webhook: { apiKey: k } }
`);
    cpSync(join(OUTSIDE, 'no-integration.mjs'), join(root, 'no-integration.mjs'));
    const problems = (await problemsOf(() => loadConfig(configFile, { env: {} }))).join('\n');
    expect(problems).toMatch(/connections\.a\.integration: no integration with id "hookyard-not-installed": none is built in \(storefront, acme-erp(, [a-z0-9._-]+)*\), and no package "hookyard-not-installed" is in node_modules from .*config upwards/);
    expect(problems).toMatch(/connections\.b\.integration: \.\.\/no-integration\.mjs exports no integration: export it as default or as "integration" \(it exports helper\)/);
    expect(problems).toMatch(/connections\.c\.integration: no integration module at .*nowhere\.js/);
  });

  it('refuses a module integration in the synchronous loader, naming loadConfig', async () => {
    const { configFile } = workspace(connectionYaml('./crm.mjs'));
    const problems = await problemsOf(() => loadConfigFile(configFile, { env: {} }));
    expect(problems).toEqual([expect.stringMatching(/connections\.crm\.integration: the module \.\/crm\.mjs is imported only by loadConfig\(\)/)]);
  });

  it('finds the file a package exports to an import, in the order Node.js does', () => {
    const cases: Array<[unknown, string]> = [
      [{ exports: './main.js' }, './main.js'],
      [{ exports: { '.': { types: './i.d.ts', import: './esm.js', require: './cjs.cjs' } } }, './esm.js'],
      [{ exports: { require: './cjs.cjs', default: './any.js' } }, './any.js'],
      [{ exports: { '.': [{ node: './node.js' }, './fallback.js'] } }, './node.js'],
      [{ main: 'lib/index.js' }, 'lib/index.js'],
      [{}, 'index.js'],
    ];
    for (const [manifest, entry] of cases) expect(packageEntry(manifest as { exports?: unknown }), JSON.stringify(manifest)).toBe(entry);
  });
});
