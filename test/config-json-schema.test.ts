/**
 * `hookyard schema` and the copy the package ships, schema/hookyard.schema.json. When this test
 * says the copy is stale, regenerate it with `npm run schema` and commit it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/process.js';

const run = promisify(execFile);
const BIN = join(projectRoot, 'bin/hookyard.js');

async function hookyard(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const shipped = readFileSync(join(projectRoot, 'schema/hookyard.schema.json'), 'utf8');
// ajv comes with fastify; 2020 is the draft zod writes. zod names a startsWith check with the
// format "starts_with" beside the pattern that checks it; the pattern is enough here.
const ajv = new Ajv2020({ strict: false, allErrors: true }).addFormat('starts_with', true);
const validate = ajv.compile(JSON.parse(shipped) as object);

function example(file: string): unknown {
  return parse(readFileSync(join(projectRoot, 'examples', file), 'utf8'));
}

describe('hookyard schema', () => {
  it('prints the JSON Schema the package ships (npm run schema regenerates the file)', async () => {
    const printed = await hookyard('schema');
    expect(printed).toBe(shipped);
    const schema = JSON.parse(printed) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:hookyard:config');
    expect(schema.title).toBe('hookyard configuration');
  }, 60_000);

  it('accepts the example configurations', () => {
    for (const file of ['demo.yaml', 'providers.yaml']) {
      expect(validate(example(file)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('refuses a configuration with a wrong shape, naming where', () => {
    const cases: Array<[unknown, string]> = [
      [{ server: { port: 8080 } }, 'connections'], // no connections at all
      [{ connections: { shop: 'shopify' } }, '/connections/shop'], // a connection is an object
      [{ connections: { shop: { webhook: { apiKey: 'k' } } } }, 'integration'], // integration is required
      [{ connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' }, retries: 3 } } }, 'retries'], // unknown key
      [{ connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' }, poll: { product: 'soon' } } } }, '/connections/shop/poll/product'], // not a duration
      // A field mapping is a path or an object with one of formula, static or lookup.
      [{ connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' }, mappings: { product: { to_hub: { sync: 'add', fields: { name: 42 } } } } } } }, '/connections/shop/mappings/product/to_hub/fields/name'],
      [{ connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' }, mappings: { product: { to_hub: { sync: 'add', fields: { name: { formula: '' } } } } } } } }, '/connections/shop/mappings/product/to_hub/fields/name'],
      [{ engine: { concurrency: 0 }, connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' } } } }, '/engine/concurrency'],
      [{ connections: { 'a shop': { integration: 'shopify', webhook: { apiKey: 'k' } } } }, 'a shop'], // a name with a space
      [{ alerts: [{ url: 'https://ops.example.com/a', secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', events: ['transfer.lost'] }], connections: { shop: { integration: 'shopify', webhook: { apiKey: 'k' } } } }, '/alerts/0/events/0'], // an alert type that does not exist
    ];
    for (const [config, where] of cases) {
      expect(validate(config), JSON.stringify(config)).toBe(false);
      expect(JSON.stringify(validate.errors)).toContain(where);
    }
  });
});

describe('hookyard --version', () => {
  it('prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await hookyard('--version')).toBe(`${version}\n`);
    expect(await hookyard('-V')).toBe(`${version}\n`);
  }, 60_000);
});
