/**
 * What `hookyard check` says about the mistakes people make most: each message names the
 * problem in plain words and what would be right.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../src/config/load.js';
import { closest } from '../src/domain/closest.js';

function problemsOf(connection: Record<string, unknown>): string[] {
  try {
    buildConfig({ connections: { c: { integration: 'shopify', ...connection } } }, { file: resolve('hookyard.yaml'), env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('configuration messages', () => {
  it('names the valid schemes for an unknown one, and the closest', () => {
    expect(problemsOf({ webhook: { verify: { scheme: 'githb', secret: 'x' } } })).toEqual([
      'connections.c.webhook.verify.scheme: "githb" is not a verify scheme (did you mean "github"?); use one of apikey, basic, hmac, shopify, github, stripe, standard, woocommerce',
    ]);
    expect(problemsOf({ webhook: { verify: { secret: 'x' } } })).toEqual(['connections.c.webhook.verify.scheme: required: scheme, one of apikey, basic, hmac, shopify, github, stripe, standard, woocommerce']);
  });

  it('says a missing secret is required, with an example', () => {
    for (const scheme of ['github', 'shopify', 'hmac', 'stripe', 'standard', 'woocommerce']) {
      const problems = problemsOf({ webhook: { verify: { scheme, ...(scheme === 'hmac' ? { header: 'x-signature' } : {}) } } });
      expect(problems, scheme).toEqual([expect.stringMatching(/^connections\.c\.webhook\.verify\.secret: required: .+, e\.g\. "\$\{\w+\}"/)]);
    }
  });

  it('keeps what is wrong with a given secret', () => {
    expect(problemsOf({ webhook: { verify: { scheme: 'stripe', secret: 'sk_live_123' } } })).toEqual([
      expect.stringContaining('a Stripe endpoint signing secret starts with "whsec_"'),
    ]);
  });

  it('shows the duration format and what was given', () => {
    expect(problemsOf({ webhook: { apiKey: 'k' }, retry: { delays: ['30 seconds'] } })).toEqual([
      'connections.c.retry.delays[0]: a duration is milliseconds (a whole number), or a number with ms, s, m, h or d: 500ms, 30s, 5m, 2h, 30d; got "30 seconds"',
    ]);
  });

  it('says a misspelt scope is not declared by the integration, and suggests the closest declared one', () => {
    expect(problemsOf({ webhook: { apiKey: 'k' }, scopes: ['product/updatd'] })).toEqual([
      expect.stringMatching(/^connections\.c\.scopes\[0\]: product\/updatd is not a scope declared by integration shopify \(did you mean "product\/updated"\?\); declared: .*product\/created, product\/updated/),
    ]);
    // A scope of a known type that is nothing like a declared one gets the list, no guess.
    expect(problemsOf({ webhook: { apiKey: 'k' }, scopes: ['gift_card/updated'] })).toEqual([
      expect.stringMatching(/^connections\.c\.scopes\[0\]: gift_card\/updated is not a scope declared by integration shopify; declared: /),
    ]);
  });
});

describe('closest', () => {
  it('finds a near name, and nothing for a far one', () => {
    expect(closest('githb', ['github', 'gitlab', 'stripe'])).toBe('github');
    expect(closest('product/updatd', ['product/updated', 'product/created'])).toBe('product/updated');
    expect(closest('foo', ['github', 'stripe'])).toBeNull();
    expect(closest('github', ['github'])).toBeNull(); // the same name is no suggestion
  });
});
