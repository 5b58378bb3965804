/**
 * The `webhook` examples in docs/configuration.md ("Webhook authentication, scheme by scheme")
 * are valid configuration: each is put in a connection, with test values for its ${…}
 * variables, and built like a real config file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig } from '../src/config/load.js';

const ROOT = resolve(import.meta.dirname, '..');
const doc = readFileSync(resolve(ROOT, 'docs/configuration.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Webhook authentication, scheme by scheme'), doc.indexOf('## Receiver definitions'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** A value each ${NAME} can take in a test: whsec_ + base64 fits every scheme that checks the shape. */
const TEST_SECRET = `whsec_${Buffer.from('a test key of some length').toString('base64')}`;

describe('the webhook examples in docs/configuration.md', () => {
  it('has one for every verify scheme', () => {
    const schemes = blocks.map((block) => /scheme: (\w+)/.exec(block)?.[1]).filter(Boolean);
    expect(new Set(schemes)).toEqual(new Set(['apikey', 'basic', 'hmac', 'shopify', 'github', 'stripe', 'standard', 'woocommerce']));
    expect(blocks.length).toBe(schemes.length + 2); // and webhook.apiKey, webhook.secret
  });

  it.each(blocks.map((block, i) => [i, block] as const))('example %i is a valid webhook section', (_, block) => {
    const env = Object.fromEntries([...block.matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1]!, TEST_SECRET]));
    const webhook = (parseYaml(block) as { webhook: unknown }).webhook;
    const config = buildConfig({ connections: { c: { integration: 'storefront', webhook } } }, { file: resolve(ROOT, 'hookyard.yaml'), env });
    expect(config.connections.get('c')).toBeDefined();
  });
});
