/**
 * The shipped integrations as a whole: every file in src/integrations/providers loads as a
 * built-in under its id, says how its hooks are authenticated, and has its page in
 * docs/providers/; examples/providers.yaml holds one connection of each, and `hookyard check`
 * on it prints every connection's scope table and exits 0.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkCommand } from '../../src/cli/commands.js';
import { buildConfig } from '../../src/config/load.js';
import { BUILTIN_INTEGRATIONS, PROVIDERS_DIR } from '../../src/integrations/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHIPPED = ['bigcommerce', 'github', 'shopify', 'stripe', 'woocommerce'];

describe('the shipped integrations', () => {
  it('are the files of src/integrations/providers, each a built-in under its id', () => {
    const files = readdirSync(PROVIDERS_DIR).filter((name) => name.endsWith('.yaml')).map((name) => name.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual(SHIPPED);
    for (const id of SHIPPED) expect(BUILTIN_INTEGRATIONS.get(id)?.id).toBe(id);
  });

  it.each(SHIPPED)('%s reads and writes over an api, authenticates its hooks, and has its page', (id) => {
    const integration = BUILTIN_INTEGRATIONS.get(id)!;
    expect(typeof integration.get).toBe('function');
    expect(typeof integration.list).toBe('function');
    // A signature scheme of its own, or a key in a header the webhook is created with.
    expect(integration.verifyScheme !== undefined || integration.receiver.auth.from === 'header').toBe(true);
    const page = resolve(ROOT, 'docs/providers', `${id}.md`);
    expect(existsSync(page)).toBe(true);
    const text = readFileSync(page, 'utf8');
    expect(text).toMatch(/^## Rate limits?$/m);
    expect(text).toMatch(/^## Settings$/m);
    for (const scope of integration.scopes) expect(text, `docs/providers/${id}.md names ${scope.scope}`).toContain(scope.scope);
  });

  it('examples/providers.yaml has one connection of each, and check prints every scope table and exits 0', async () => {
    const file = resolve(ROOT, 'examples/providers.yaml');
    const spec = parseYaml(readFileSync(file, 'utf8')) as { connections: Record<string, { integration: string }> };
    expect(Object.values(spec.connections).map((c) => c.integration).sort()).toEqual(SHIPPED);
    // Made from examples/providers/<id>.yaml by scripts/providers-example.mjs: each is in it whole.
    const combined = readFileSync(file, 'utf8');
    for (const id of SHIPPED) {
      const own = readFileSync(resolve(ROOT, 'examples/providers', `${id}.yaml`), 'utf8');
      expect(combined, `examples/providers.yaml is current with examples/providers/${id}.yaml: run node scripts/providers-example.mjs`).toContain(own.slice(own.indexOf('\nconnections:\n') + 14).trimEnd());
    }
    const out: string[] = [];
    const err: string[] = [];
    const code = await checkCommand(file, { out: (line) => out.push(line), err: (line) => err.push(line) }, {});
    expect(err.filter((line) => !line.startsWith('warning:'))).toEqual([]);
    expect(code).toBe(0);
    const printed = out.join('\n');
    for (const [name, connection] of Object.entries(spec.connections)) {
      const integration = BUILTIN_INTEGRATIONS.get(connection.integration)!;
      expect(printed).toContain(`connection ${name} — integration ${integration.id}`);
      for (const scope of integration.scopes) expect(printed).toMatch(new RegExp(`^  ${scope.scope.replace('/', '\\/')}\\s`, 'm'));
    }
  });

  it("warns about an enabled delete scope, but not a child type's, which transfers its parent again (Stripe's price/deleted)", () => {
    const config = buildConfig(
      { connections: { stripe: { integration: 'stripe', webhook: { secret: 'whsec_x' }, settings: { secretKey: 'sk_test_x' }, scopes: ['price/deleted', 'customer/deleted'] } } },
      { file: resolve(ROOT, 'hookyard.yaml'), env: {} },
    );
    expect(config.warnings).toEqual([expect.stringContaining('delete scope customer/deleted is enabled')]);
  });
});
