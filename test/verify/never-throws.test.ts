import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileVerifier, type VerifyErrorCode, type VerifySpec } from '../../src/verify/index.js';
import { newStandardSecret, NOW_MS, NOW_S } from './sign.js';

const SECRET = 'fuzz-secret-0123456789';
const STANDARD = newStandardSecret();

/** Every scheme, with the codes it may answer; hmac also with a signed id and timestamp. */
const CASES: Array<{ spec: VerifySpec; codes: VerifyErrorCode[] }> = [
  { spec: { scheme: 'apikey', key: SECRET }, codes: ['HY_ERR_AUTH_MISSING', 'HY_ERR_AUTH_INVALID'] },
  { spec: { scheme: 'apikey', key: SECRET, header: 'x-signature' }, codes: ['HY_ERR_AUTH_MISSING', 'HY_ERR_AUTH_INVALID'] },
  { spec: { scheme: 'basic', username: 'user', password: SECRET }, codes: ['HY_ERR_AUTH_MISSING', 'HY_ERR_AUTH_INVALID'] },
  ...(['hex', 'base64'] as const).map((encoding) => ({
    spec: {
      scheme: 'hmac',
      secret: SECRET,
      header: 'x-signature',
      encoding,
      prefix: 'v1=',
      signedContent: '{id}.{timestamp}.{body}',
      idHeader: 'x-id',
      timestampHeader: 'x-ts',
    } as const,
    codes: ['HY_ERR_SIGNATURE_MISSING', 'HY_ERR_SIGNATURE_MALFORMED', 'HY_ERR_SIGNATURE_INVALID', 'HY_ERR_SIGNATURE_EXPIRED'] as VerifyErrorCode[],
  })),
  { spec: { scheme: 'shopify', secret: SECRET }, codes: ['HY_ERR_SIGNATURE_MISSING', 'HY_ERR_SIGNATURE_INVALID'] },
  { spec: { scheme: 'github', secret: SECRET }, codes: ['HY_ERR_SIGNATURE_MISSING', 'HY_ERR_SIGNATURE_MALFORMED', 'HY_ERR_SIGNATURE_INVALID'] },
  {
    spec: { scheme: 'stripe', secret: `whsec_${SECRET}` },
    codes: ['HY_ERR_SIGNATURE_MISSING', 'HY_ERR_SIGNATURE_MALFORMED', 'HY_ERR_SIGNATURE_INVALID', 'HY_ERR_SIGNATURE_EXPIRED'],
  },
  {
    spec: { scheme: 'standard', secret: STANDARD },
    codes: ['HY_ERR_SIGNATURE_MISSING', 'HY_ERR_SIGNATURE_MALFORMED', 'HY_ERR_SIGNATURE_INVALID', 'HY_ERR_SIGNATURE_EXPIRED'],
  },
];

const HEADER_NAMES = [
  'authorization',
  'x-signature',
  'x-id',
  'x-ts',
  'x-shopify-hmac-sha256',
  'x-hub-signature-256',
  'stripe-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
] as const;

const hexChars = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg'), maxLength: 140 });
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  hexChars,
  fc.base64String({ maxLength: 100 }),
  fc.constantFrom('', ' ', ',', '=', 't=', 'v1=', 'v0=', 'v1,', 'v1a,', 'sha256=', 'v1=', 'Bearer ', 'Basic ', '1735689600', '-1', '1e9'),
);
/** Header values shaped like signatures: pieces joined by the separators the schemes use. */
const headerValue = fc
  .array(fc.tuple(piece, fc.constantFrom('', ',', ' ', '=', ', ')), { maxLength: 8 })
  .map((parts) => parts.map(([p, sep]) => p + sep).join(''));

const digits = fc.oneof(
  fc.constant(String(NOW_S)),
  fc.nat().map(String),
  fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 24 }),
);
/** Text in the place of a signature: hex or base64 of about the right length, or anything. */
const signatureText = fc.oneof(
  hexChars,
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 62, maxLength: 66 }),
  fc.base64String({ minLength: 40, maxLength: 48 }),
  fc.base64String({ maxLength: 100 }),
  piece,
);
/** Values shaped like each header's real format, so the fuzzing reaches decoding and the HMAC. */
const shaped: Record<(typeof HEADER_NAMES)[number], fc.Arbitrary<string>> = {
  authorization: fc.oneof(piece.map((p) => `Bearer ${p}`), fc.base64String({ maxLength: 60 }).map((b) => `Basic ${b}`)),
  'x-signature': signatureText.map((s) => `v1=${s}`),
  'x-id': piece,
  'x-ts': digits,
  'x-shopify-hmac-sha256': signatureText,
  'x-hub-signature-256': signatureText.map((s) => `sha256=${s}`),
  'stripe-signature': fc
    .array(fc.oneof(digits.map((d) => `t=${d}`), signatureText.map((s) => `v1=${s}`), signatureText.map((s) => `v0=${s}`), piece), { maxLength: 6 })
    .map((items) => items.join(',')),
  'webhook-id': piece,
  'webhook-timestamp': digits,
  'webhook-signature': fc
    .array(fc.oneof(signatureText.map((s) => `v1,${s}`), signatureText.map((s) => `v1a,${s}`), piece), { maxLength: 5 })
    .map((items) => items.join(' ')),
};

const headers = fc
  .record(
    Object.fromEntries(HEADER_NAMES.map((name) => [name, fc.oneof(headerValue, shaped[name])])) as Record<(typeof HEADER_NAMES)[number], fc.Arbitrary<string>>,
    { requiredKeys: [] },
  )
  .map((h) => h as Record<string, string>);

const now = fc.oneof(
  fc.constant(NOW_MS),
  fc.integer({ min: -1e15, max: 1e15 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0),
);

describe('every verifier on arbitrary input', () => {
  it.each(CASES.map((c) => [c.spec.scheme + ('encoding' in c.spec ? `/${c.spec.encoding}` : '') + ('header' in c.spec ? `/${c.spec.header}` : ''), c] as const))(
    '%s never throws, never passes a forgery, and answers only its own codes',
    (_name, { spec, codes }) => {
      const verifier = compileVerifier(spec);
      fc.assert(
        fc.property(headers, fc.uint8Array({ maxLength: 256 }), now, (h, body, at) => {
          const result = verifier({ headers: h, body: Buffer.from(body), now: at });
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(codes).toContain(result.code);
          expect(typeof result.message).toBe('string');
          expect(result.message).not.toContain(SECRET);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('does not find a header on Object.prototype', () => {
    const verifier = compileVerifier({ scheme: 'hmac', secret: SECRET, header: 'constructor' });
    const result = verifier({ headers: {}, body: Buffer.alloc(0), now: NOW_MS });
    expect(result).toMatchObject({ ok: false, code: 'HY_ERR_SIGNATURE_MISSING' });
  });
});

describe('HMAC over arbitrary bytes', () => {
  it('passes the exact bytes signed and refuses any one byte changed (github, shopify, hmac)', () => {
    const github = compileVerifier({ scheme: 'github', secret: SECRET });
    const shopify = compileVerifier({ scheme: 'shopify', secret: SECRET });
    const hmac = compileVerifier({ scheme: 'hmac', secret: SECRET, header: 'x-signature', algorithm: 'sha512', encoding: 'base64' });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, index, flip) => {
        const body = Buffer.from(bytes);
        const tampered = Buffer.from(body);
        const at = index % body.length;
        tampered[at] = tampered[at]! ^ flip;
        const gh = { 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
        const sh = { 'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64') };
        const hm = { 'x-signature': createHmac('sha512', SECRET).update(body).digest('base64') };
        for (const [verifier, h] of [[github, gh], [shopify, sh], [hmac, hm]] as const) {
          expect(verifier({ headers: h, body, now: NOW_MS }).ok).toBe(true);
          expect(verifier({ headers: h, body: tampered, now: NOW_MS })).toMatchObject({ ok: false, code: 'HY_ERR_SIGNATURE_INVALID' });
        }
      }),
      { numRuns: 300 },
    );
  });
});
