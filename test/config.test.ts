import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from '../src/config/load.js';
import { checkCommand, tryCommand, type Output } from '../src/cli/commands.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    fixtureConfig(yaml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the config to be refused');
}

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('configuration', () => {
  it('reports every problem at once, each with its path', () => {
    const problems = problemsOf(`
server: { port: 99999, colour: blue }
connections:
  shop:
    integration: shopify
    webhook: { apiKey: "\${MISSING_KEY}" }
    scopes: [product/updated, product, Widget/created]
    extra: 1
  erp:
    integration: nothing-like-this
    webhook: { apiKey: k }
`);
    const text = problems.join('\n');
    expect(text).toContain('connections.shop.webhook.apiKey: environment variable MISSING_KEY is not set');
    expect(text).toMatch(/server\.port: /);
    expect(text).toMatch(/server: .*colour/);
    expect(text).toMatch(/connections\.shop\.scopes\[1\]: must be "type\/action"/);
    expect(text).toMatch(/connections\.shop\.scopes\[2\]: must be "type\/action"/);
    expect(text).toMatch(/connections\.shop: .*extra/);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('reports cross-check problems together: unknown integration, undeclared scope, presets, expressions', () => {
    const problems = problemsOf(`
connections:
  a:
    integration: nothing-like-this
    webhook: { apiKey: k }
  b:
    integration: shopify
    webhook: { apiKey: k }
    scopes: [gift_card/updated]
    presets: { flavour: x }
  c:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k }
    receiver:
      hook: { from: body, path: "scope", expression: "$substringAfter(" }
`);
    const text = problems.join('\n');
    expect(text).toMatch(/connections\.a\.integration: no integration with id "nothing-like-this"/);
    expect(text).toMatch(/connections\.b\.scopes\[0\]: gift_card\/updated is not a scope declared by integration shopify/);
    expect(text).toMatch(/connections\.b\.presets\.flavour: integration shopify has no preset "flavour"/);
    expect(text).toMatch(/connections\.c\.receiver\.hook\.expression: /);
    expect(problems).toHaveLength(4);
  });

  it('checks presets against the declaration: required, allowed values, defaults', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir.path, 'erp.yaml'),
      `id: erp
scopes: [{ scope: message/created, description: "any" }]
presets:
  - { name: productPrefix, type: product, required: true }
  - { name: mode, values: [live, test], default: test }
`,
    );
    const mapped = '    mappings: { message: { to_hub: { sync: add_and_update } } }\n';
    writeFileSync(join(dir.path, 'bad.yaml'), `connections:\n  e:\n    integration: ./erp.yaml\n    webhook: { apiKey: k }\n    presets: { mode: staging }\n${mapped}`);
    writeFileSync(join(dir.path, 'good.yaml'), `connections:\n  e:\n    integration: ./erp.yaml\n    webhook: { apiKey: k }\n    presets: { productPrefix: Item }\n${mapped}`);
    expect(() => loadConfigFile(join(dir.path, 'bad.yaml'))).toThrow(ConfigError);
    try {
      loadConfigFile(join(dir.path, 'bad.yaml'));
    } catch (error) {
      const text = (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      expect(text).toContain('connections.e.presets.mode: "staging" is not one of live, test');
      expect(text).toContain('connections.e.presets.productPrefix: preset "productPrefix" is required by integration erp');
    }
    const good = loadConfigFile(join(dir.path, 'good.yaml'));
    expect(good.connections.get('e')!.presets).toEqual({ productPrefix: 'Item', mode: 'test' });
    dir.remove();
  });

  it('reports problems inside a declarative integration file with their place in it', () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'broken.yaml'), `id: Broken Id\nscopes:\n  - { scope: product/nothing, description: x }\n`);
    writeFileSync(join(dir.path, 'c.yaml'), `connections:\n  x:\n    integration: ./broken.yaml\n    webhook: { apiKey: k }\n`);
    try {
      loadConfigFile(join(dir.path, 'c.yaml'));
      throw new Error('expected a ConfigError');
    } catch (error) {
      const text = (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      expect(text).toMatch(/connections\.x\.integration: .* at id/);
      expect(text).toMatch(/connections\.x\.integration: must be "type\/action".* at scopes\[0\]\.scope/);
    }
    dir.remove();
  });

  it('refuses a catch-all scope whose control type has no mapping collection, and accepts it with one', () => {
    const base = `connections:\n  erp:\n    integration: acme-erp\n    webhook: { apiKey: k }\n    settings: { baseUrl: "http://127.0.0.1:1", apiToken: t }\n    scopes: [message/created]\n`;
    const problems = problemsOf(base);
    expect(problems).toEqual([
      'connections.erp.mappings.message: scope message/created carries the control type message, which needs a mapping collection: add mappings.message.to_hub (e.g. { sync: add_and_update })',
    ]);
    const config = fixtureConfig(`${base}    mappings: { message: { to_hub: { sync: add_and_update } } }\n`);
    expect(config.connections.get('erp')!.integration.id).toBe('acme-erp');
  });

  it('refuses a poll scope without a created or updated scope to carry what the poll finds', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir.path, 'poller.yaml'),
      `id: poller\nscopes:\n  - { scope: product_category/poll, description: "categories, polled" }\n  - { scope: product/updated, description: "products" }\n`,
    );
    writeFileSync(join(dir.path, 'c.yaml'), `connections:\n  p:\n    integration: ./poller.yaml\n    webhook: { apiKey: k }\n`);
    const output = capture();
    expect(await checkCommand(join(dir.path, 'c.yaml'), output, {})).toBe(1);
    expect(output.stderr.join('\n')).toContain(
      'connections.p.integration: integration poller declares product_category/poll but neither product_category/created nor product_category/updated',
    );
    dir.remove();
  });

  it('checks poll intervals against the scopes and the integration', () => {
    const base = `connections:\n  erp:\n    integration: acme-erp\n    webhook: { apiKey: k }\n    settings: { baseUrl: "http://127.0.0.1:1", apiToken: t }\n    mappings: { message: { to_hub: { sync: add_and_update } } }\n`;
    expect(problemsOf(`${base}    scopes: [message/created]\n    poll: { product_category: 30s, gift_card: 1m }\n`)).toEqual([
      'connections.erp.poll.product_category: product_category/poll is not enabled: add it to connections.erp.scopes',
      'connections.erp.poll.gift_card: integration acme-erp has no gift_card/poll scope',
    ]);
    const config = fixtureConfig(`${base}    scopes: [message/created, product_category/poll, product_category/updated]\n    poll: { product_category: 30s }\n`);
    expect([...config.connections.get('erp')!.polls]).toEqual([['product_category', 30_000]]);
  });

  it('substitutes environment variables, with defaults', () => {
    const config = fixtureConfig(
      `connections:\n  s:\n    integration: shopify\n    webhook: { apiKey: "\${KEY}-\${SUFFIX:-x}" }\n`,
      { KEY: 'abc' },
    );
    const auth = config.connections.get('s')!.auth;
    expect(auth.kind === 'key' && auth.digest.equals(createHash('sha256').update('abc-x').digest())).toBe(true);
  });

  it('warns when a delete scope is enabled', () => {
    const config = fixtureConfig(`connections:\n  s:\n    integration: shopify\n    webhook: { apiKey: k }\n    scopes: [product/deleted]\n`);
    expect(config.warnings).toEqual([expect.stringContaining('delete scope product/deleted is enabled')]);
  });
});

describe('hookyard check', () => {
  const example = resolve(import.meta.dirname, '../examples/demo.yaml');

  it('prints the scope table of each connection of the example config', async () => {
    const output = capture();
    expect(await checkCommand(example, output, {})).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/connection shop — integration shopify/);
    expect(text).toMatch(/SCOPE\s+ENABLED\s+EXTERNAL HOOKS\s+DESCRIPTION/);
    expect(text).toMatch(/transaction\/updated\s+yes\s+orders\/updated, orders\/paid, orders\/fulfilled/);
    expect(text).toMatch(/product\/deleted\s+no \(delete\)\s+products\/delete/);
    expect(text).toMatch(/inventory_level\/updated\s+no\s+inventory_levels\/update/);
    expect(text).not.toMatch(/customer_address/); // Shopify has no address topic
    expect(text).toMatch(/connection erp — integration acme-erp \(Acme ERP/);
    expect(text).toMatch(/message\/created\s+yes\s+item\.changed, customer\.changed/);
    expect(text).toMatch(/ok, 2 connections/);
  });

  it('lists every problem of a broken config and exits non-zero', async () => {
    const dir = tempDir();
    mkdirSync(dir.path, { recursive: true });
    const file = join(dir.path, 'broken.yaml');
    writeFileSync(file, `connections:\n  shop:\n    integration: shopify\n    webhook: {}\n    scopes: [nope]\n  erp:\n    integration: missing.yaml\n    webhook: { apiKey: k }\n`);
    const output = capture();
    expect(await checkCommand(file, output, {})).toBe(1);
    const text = output.stderr.join('\n');
    expect(text).toContain('3 problems (HY_ERR_CONFIG_INVALID)');
    expect(text).toContain('connections.shop.webhook: give exactly one of apiKey');
    expect(text).toContain('connections.shop.scopes[0]');
    expect(text).toMatch(/connections\.erp\.integration: cannot read integration file/);
    dir.remove();
  });

  it('refuses a connection whose mappings need an operation its integration lacks, naming the operation', async () => {
    const dir = tempDir();
    const standard = resolve(import.meta.dirname, 'fixtures/integrations/standard.yaml');
    const file = join(dir.path, 'c.yaml');
    const connection = (name: string, extra: string) => `  ${name}:\n    integration: ${standard}\n    webhook: { apiKey: k }\n${extra}`;
    writeFileSync(
      file,
      `connections:\n${connection('reader', '    mappings: { product: { to_hub: { sync: add_and_update, fields: { name: name } } } }\n')}${connection(
        'writer',
        '    mappings: { customer: { from_hub: { sync: add_and_update, fields: { email: email } } } }\n',
      )}`,
    );
    const output = capture();
    expect(await checkCommand(file, output, {})).toBe(1);
    const text = output.stderr.join('\n');
    expect(text).toContain('3 problems (HY_ERR_INTEGRATION_UNSUPPORTED)');
    expect(text).toContain('connection reader: mappings.product.to_hub needs operation get: integration standard cannot read product records (no get)');
    expect(text).toContain('connection writer: mappings.customer.from_hub (sync add_and_update) needs operation create');
    expect(text).toContain('connection writer: mappings.customer.from_hub (sync add_and_update) needs operation update');
    expect(output.stdout.join('')).not.toMatch(/ok,/);

    // A payload record lets the same integration take records to the hub without get.
    writeFileSync(
      file,
      `connections:\n${connection('reader', '    receiver: { record: { path: record } }\n    mappings: { product: { to_hub: { sync: add_and_update, fields: { name: name } } } }\n')}`,
    );
    const fixed = capture();
    expect(await checkCommand(file, fixed, {})).toBe(0);
    expect(fixed.stdout.join('\n')).toMatch(/ok, 1 connection/);
    dir.remove();
  });

  it('says when the file cannot be read', async () => {
    const output = capture();
    expect(await checkCommand('/no/such/file.yaml', output, {})).toBe(1);
    expect(output.stderr.join('\n')).toMatch(/HY_ERR_CONFIG_UNREADABLE/);
  });
});

describe('hookyard try', () => {
  it('prints the notifications and transfer requests of a hook, writing nothing', async () => {
    const output = capture();
    const code = await tryCommand(
      {
        config: resolve(import.meta.dirname, '../examples/demo.yaml'),
        connection: 'erp',
        headers: ['Authorization: Bearer whatever'],
        bodyFile: resolve(import.meta.dirname, '../examples/hooks/erp-notifications.json'),
      },
      output,
      {},
    );
    expect(code).toBe(0);
    const result = JSON.parse(output.stdout.join('\n')) as { status: string; transfers: Array<{ scope: string; externalId: string; status: string }> };
    expect(result.status).toBe('resolved');
    expect(result.transfers.map((t) => [t.scope, t.externalId, t.status])).toEqual([
      ['message/created', 'Item:1234', 'queued'],
      ['message/created', 'Cust:77', 'queued'],
      ['message/created', 'Item:1235', 'queued'],
    ]);
  });

  it("shows each notification's fate as the hub would decide it: queued, or skipped or dead with the hub's reason", async () => {
    const dir = tempDir();
    const standard = resolve(import.meta.dirname, 'fixtures/integrations/standard.yaml');
    const config = join(dir.path, 'c.yaml');
    writeFileSync(
      config,
      `connections:\n  std:\n    integration: ${standard}\n    webhook: { apiKey: k }\n    scopes: [product/updated, customer/updated]\n    receiver: { record: { path: record } }\n    mappings: { product: { to_hub: { sync: add_and_update, fields: { name: name } } } }\n`,
    );
    const body = join(dir.path, 'body.json');
    const notification = (scope: string, id: string, record?: object) => ({ scope, external_id: id, ...(record ? { record } : {}) });
    writeFileSync(
      body,
      JSON.stringify({
        notifications: [
          notification('product/updated', 'P1', { name: 'Jug' }), // payload record: queued
          notification('product/updated', 'P1', { name: 'Jug 2' }), // same record within the hook: coalesced
          notification('product/updated', 'P2'), // no record and no get: dead
          notification('customer/updated', 'C1', { email: 'a@b' }), // not mapped to the hub
          notification('product/created', 'P4', { name: 'Cup' }), // scope not enabled
          notification('product/deleted', 'P3'), // a delete scope, off unless listed
          notification('order/paid', 'O1'), // no such hook name
        ],
      }),
    );
    const output = capture();
    expect(await tryCommand({ config, connection: 'std', headers: ['Authorization: Bearer k'], bodyFile: body }, output, {})).toBe(0);
    const fates = (JSON.parse(output.stdout.join('\n')).notifications as Array<{ fate: { status: string; reasonCode?: string } }>).map((n) => [n.fate.status, n.fate.reasonCode ?? null]);
    expect(fates).toEqual([
      ['queued', null],
      ['skipped', 'coalesced'],
      ['dead', 'HY_ERR_INTEGRATION_UNSUPPORTED'],
      ['skipped', 'no_mapping'],
      ['skipped', 'not_enabled'],
      ['skipped', 'delete_off'],
      ['unmatched', 'unmatched'],
    ]);
    dir.remove();
  });

  it('with prerequisites, runs them and shows the child requests they would run, with their fate, running none', async () => {
    const dir = tempDir();
    const body = join(dir.path, 'body.json');
    writeFileSync(body, JSON.stringify({ notifications: [{ event: 'item.changed', id: 'Item:1' }, { event: 'customer.changed', id: 'Cust:7' }, { event: 'item.changed', id: 'Thing:3' }] }));
    const args = { config: resolve(import.meta.dirname, '../examples/demo.yaml'), connection: 'erp', headers: ['Authorization: Bearer x'], bodyFile: body };
    const output = capture();
    expect(await tryCommand({ ...args, prerequisites: true }, output, {})).toBe(0);
    const notifications = JSON.parse(output.stdout.join('\n')).notifications as Array<{ prerequisites: { children: unknown[]; error?: { code: string } } }>;
    expect(notifications.map((n) => n.prerequisites.children)).toEqual([
      [{ scope: 'product/updated', externalId: 'Item:1', resolves: true, fate: 'queued', reasonCode: null }],
      // The demo maps customers out of the hub to the ERP, not into it.
      [{ scope: 'customer/updated', externalId: 'Cust:7', resolves: true, fate: 'skipped', reasonCode: 'no_mapping' }],
      [],
    ]);
    expect(notifications[2]!.prerequisites.error).toMatchObject({ code: 'HY_ERR_PREREQUISITE' });
    const plain = capture();
    expect(await tryCommand(args, plain, {})).toBe(0);
    expect(JSON.parse(plain.stdout.join('\n')).notifications[0]).not.toHaveProperty('prerequisites');
    dir.remove();
  });

  it('reads URL segments from --path and names an unknown connection', async () => {
    const dir = tempDir();
    const body = join(dir.path, 'body.json');
    writeFileSync(body, '{"data":{"id":"C1"}}');
    writeFileSync(
      join(dir.path, 'c.yaml'),
      `connections:\n  u:\n    integration: ${resolve(import.meta.dirname, 'fixtures/integrations/url-named.yaml')}\n    webhook: { apiKey: k }\n`,
    );
    const output = capture();
    expect(await tryCommand({ config: join(dir.path, 'c.yaml'), connection: 'u', headers: [], path: 'customer-changed', bodyFile: body }, output, {})).toBe(0);
    expect(JSON.parse(output.stdout.join('\n')).transfers[0]).toMatchObject({ scope: 'customer/updated', externalId: 'C1' });
    const unknown = capture();
    expect(await tryCommand({ config: join(dir.path, 'c.yaml'), connection: 'zz', headers: [], bodyFile: body }, unknown, {})).toBe(1);
    expect(unknown.stderr.join('')).toMatch(/HY_ERR_CONNECTION_UNKNOWN.*configured: u/);
    dir.remove();
  });
});
