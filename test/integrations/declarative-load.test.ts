/**
 * Loading an integration file's `api` section: problems reported together with their place in
 * the file (templates naming values they cannot have, expressions that do not compile, a find
 * that sends no value, an unknown auth kind), and the declared rate becoming the connection's
 * throttle unless the connection sets its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from '../../src/config/load.js';
import { tempDir } from '../helpers/hub.js';
import { loadYaml } from './declarative-server.js';

const HEAD = `id: crm\nscopes: [{ scope: customer/updated, description: "Contact → customer" }]\n`;

function problemsOf(api: string): string[] {
  const result = loadYaml(`${HEAD}api:\n${api}`);
  return result.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
}

describe('problems in the api section', () => {
  it('reports every problem at once, each with its path', () => {
    const problems = problemsOf(`
  baseUrl: "{settings.baseUrl}"
  headers: { X-Tenant: "{tenant}" }
  types:
    customer:
      get: { path: "/contacts/{id}", record: "data[" }
      find: { path: /contacts, query: { email: "x" }, fields: [email], records: data }
      poll: { path: /contacts, query: { since: "{cursor}" }, records: data, cursor: "$max(data.updated" }
`);
    expect(problems).toEqual([
      expect.stringMatching(/^api\.headers\.X-Tenant: \{tenant\} is not a value this template can use/),
      expect.stringMatching(/^api\.types\.customer\.get\.path: \{id\} is not a value .*\{externalId\}/),
      expect.stringMatching(/^api\.types\.customer\.get\.record: not a valid JSONata expression/),
      expect.stringMatching(/^api\.types\.customer\.find: a find must send the value it looks for/),
      expect.stringMatching(/^api\.types\.customer\.poll\.cursor: not a valid JSONata expression/),
    ]);
  });

  it("lets a poll use its cursor's fields, {cursor.<key>}, and no other operation", () => {
    const problems = problemsOf(`
  baseUrl: "{settings.baseUrl}"
  types:
    customer:
      get: { path: "/contacts/{cursor.id}" }
      poll: { path: /contacts, query: { since: "{cursor.since}", after: "{cursor.after}" }, records: data, cursor: "$cursor", start: '{"since": 0}' }
`);
    expect(problems).toEqual([expect.stringMatching(/^api\.types\.customer\.get\.path: \{cursor\.id\} is not a value this template can use/)]);
  });

  it('reports schema problems (an unknown auth kind, an unknown operation) with their path', () => {
    const problems = problemsOf(`
  baseUrl: "{settings.baseUrl}"
  auth: { kind: digest, token: x }
  types:
    customer:
      fetch: { path: /x }
`);
    expect(problems.some((p) => p.startsWith('api.auth.kind: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('api.types.customer: ') && p.includes('fetch'))).toBe(true);
  });

  it('names the integration file problem under the connection that uses it', () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'crm.yaml'), `${HEAD}api:\n  baseUrl: "{settings.baseUrl}"\n  types: { customer: { get: { path: "/c/{ext}" } } }\n`);
    writeFileSync(join(dir.path, 'c.yaml'), `connections:\n  crm:\n    integration: ./crm.yaml\n    webhook: { apiKey: k }\n`);
    try {
      expect(() => loadConfigFile(join(dir.path, 'c.yaml'))).toThrow(ConfigError);
      try {
        loadConfigFile(join(dir.path, 'c.yaml'));
      } catch (error) {
        const text = (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
        expect(text).toMatch(/connections\.crm\.integration: \{ext\} is not a value .* at api\.types\.customer\.get\.path/);
      }
    } finally {
      dir.remove();
    }
  });
});

describe('declared rate', () => {
  it("becomes the connection's throttle, unless the connection sets calls and per itself", () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'crm.yaml'), `${HEAD}api:\n  baseUrl: "{settings.baseUrl}"\n  rate: { calls: 10, per: 1s }\n  types: { customer: { get: { path: "/c/{externalId}" } } }\n`);
      writeFileSync(
        join(dir.path, 'c.yaml'),
        `connections:\n  a:\n    integration: ./crm.yaml\n    webhook: { apiKey: k1 }\n  b:\n    integration: ./crm.yaml\n    webhook: { apiKey: k2 }\n    throttle: { calls: 2, per: 1m, concurrent: 1 }\n`,
      );
      const config = loadConfigFile(join(dir.path, 'c.yaml'));
      expect(config.connections.get('a')!.guard.rate).toEqual({ calls: 10, perMs: 1000 });
      expect(config.connections.get('b')!.guard.rate).toEqual({ calls: 2, perMs: 60_000 });
    } finally {
      dir.remove();
    }
  });
});

describe('the documented example', () => {
  it('loads, with every operation it declares', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/integrations.md'), 'utf8');
    const example = /```yaml\n# integrations\/desk\.yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const result = loadYaml(example!);
    expect(result.problems).toEqual([]);
    const desk = result.integration!;
    expect([desk.get, desk.create, desk.update, desk.delete, desk.find, desk.list, desk.poll].every((m) => typeof m === 'function')).toBe(true);
    expect(desk.throttle).toEqual({ calls: 10, perMs: 1000 });
  });
});
