import { describe, expect, it } from 'vitest';
import { HyError } from '../../src/errors.js';
import { compileVerifier, verifySchema } from '../../src/verify/index.js';
import { newStandardSecret } from './sign.js';

const STANDARD = newStandardSecret();

/** One minimal valid spec per scheme. */
const MINIMAL = [
  { scheme: 'apikey', key: 'k' },
  { scheme: 'basic', username: 'u', password: 'p' },
  { scheme: 'hmac', secret: 's', header: 'x-signature' },
  { scheme: 'shopify', secret: 's' },
  { scheme: 'github', secret: 's' },
  { scheme: 'stripe', secret: 'whsec_s' },
  { scheme: 'standard', secret: STANDARD },
] as const;

function problemsOf(spec: unknown): string[] {
  const result = verifySchema.safeParse(spec);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the verify configuration', () => {
  it('accepts a minimal spec of every scheme, and compiles it', () => {
    for (const spec of MINIMAL) {
      expect(problemsOf(spec), spec.scheme).toEqual([]);
      expect(typeof compileVerifier(spec)).toBe('function');
    }
  });

  it('rejects unknown keys in every scheme, and unknown schemes', () => {
    for (const spec of MINIMAL) expect(problemsOf({ ...spec, secrett: 'x' }), spec.scheme).not.toEqual([]);
    expect(problemsOf({ scheme: 'svix', secret: 's' })).not.toEqual([]);
    expect(problemsOf({ secret: 's' })).not.toEqual([]);
  });

  it('rejects empty secrets and an empty rotation list', () => {
    for (const secret of ['', [], ['a', '']]) {
      expect(problemsOf({ scheme: 'github', secret })).not.toEqual([]);
      expect(problemsOf({ scheme: 'hmac', secret, header: 'x' })).not.toEqual([]);
    }
    expect(problemsOf({ scheme: 'apikey', key: [] })).not.toEqual([]);
    expect(problemsOf({ scheme: 'basic', username: 'u', password: '' })).not.toEqual([]);
  });

  it('rejects header names that are not header names', () => {
    for (const header of ['', 'X-Signature:', 'x signature', 'x-signature\n']) {
      expect(problemsOf({ scheme: 'hmac', secret: 's', header }), JSON.stringify(header)).not.toEqual([]);
    }
    expect(problemsOf({ scheme: 'apikey', key: 'k', header: 'bad header' })).not.toEqual([]);
    expect(problemsOf({ scheme: 'basic', username: 'u', password: 'p', deliveryIdHeader: 'a:b' })).not.toEqual([]);
  });

  it('checks the hmac signed-content template against the headers it names', () => {
    const hmac = { scheme: 'hmac', secret: 's', header: 'x-sig' };
    expect(problemsOf({ ...hmac, signedContent: '{timestamp}.{body}', timestampHeader: 'x-ts', toleranceSeconds: 60, timestampUnit: 'milliseconds' })).toEqual([]);
    expect(problemsOf({ ...hmac, signedContent: 'v0:{id}:{timestamp}:{body}', timestampHeader: 'x-ts', idHeader: 'x-id' })).toEqual([]);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ signedContent: '{timestamp}.' }, '{body} exactly once'],
      [{ signedContent: '{body}{body}' }, '{body} exactly once'],
      [{ signedContent: '{ts}.{body}' }, 'unknown placeholder {ts}'],
      [{ signedContent: '{timestamp}.{body}' }, 'timestampHeader'],
      [{ signedContent: '{id}.{body}' }, 'idHeader'],
      [{ timestampHeader: 'x-ts' }, 'would not be signed'],
      [{ idHeader: 'x-id' }, 'deliveryIdHeader'],
      [{ toleranceSeconds: 60 }, 'only applies with timestampHeader'],
      [{ timestampUnit: 'seconds' }, 'only applies with timestampHeader'],
      [{ algorithm: 'md5' }, 'algorithm'],
      [{ encoding: 'base64url' }, 'encoding'],
    ];
    for (const [extra, expected] of bad) {
      expect(problemsOf({ ...hmac, ...extra }).join('\n'), JSON.stringify(extra)).toContain(expected);
    }
  });

  it('rejects a tolerance that is not a positive whole number of seconds', () => {
    for (const toleranceSeconds of [0, -1, 1.5, '300']) {
      expect(problemsOf({ scheme: 'stripe', secret: 'whsec_s', toleranceSeconds })).not.toEqual([]);
      expect(problemsOf({ scheme: 'standard', secret: STANDARD, toleranceSeconds })).not.toEqual([]);
    }
  });

  it('rejects a Stripe secret that is not a whsec_ endpoint secret', () => {
    expect(problemsOf({ scheme: 'stripe', secret: 'sk_live_123' }).join()).toContain('whsec_');
    expect(problemsOf({ scheme: 'stripe', secret: ['whsec_a', 'rk_live_b'] })).not.toEqual([]);
  });

  it('rejects a Standard Webhooks secret that is not base64 of a key', () => {
    for (const secret of ['whsec_', 'whsec_not base64!', 'whsec_A', 'whsec_****']) {
      expect(problemsOf({ scheme: 'standard', secret }), secret).not.toEqual([]);
    }
    expect(problemsOf({ scheme: 'standard', secret: STANDARD.slice('whsec_'.length) })).toEqual([]);
  });

  it('rejects a Basic username with a colon', () => {
    expect(problemsOf({ scheme: 'basic', username: 'a:b', password: 'p' })).not.toEqual([]);
  });

  it('throws HY_ERR_CONFIG_INVALID from compileVerifier, listing every problem and no secret', () => {
    let error: unknown;
    try {
      compileVerifier({ scheme: 'stripe', secret: 'sk_live_very_secret', toleranceSeconds: -5 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HyError);
    const hyError = error as HyError;
    expect(hyError.code).toBe('HY_ERR_CONFIG_INVALID');
    expect(hyError.message).toContain('secret');
    expect(hyError.message).toContain('toleranceSeconds');
    expect(hyError.message).not.toContain('sk_live_very_secret');
  });
});
