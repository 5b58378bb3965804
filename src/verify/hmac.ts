/**
 * The generic HMAC scheme: one header holds `prefix` + the HMAC of the signed content, hex or
 * base64. The signed content is a template over {id}, {timestamp} (header values as sent) and
 * {body} (the raw bytes), e.g. "{timestamp}.{body}". Shopify and GitHub are presets of it.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  anyMatches,
  decodeSignature,
  deliveryIdOf,
  describeEncoding,
  fail,
  headerNameSchema,
  listOf,
  outsideTolerance,
  parseTimestamp,
  pass,
  readHeader,
  secretsSchema,
  toleranceSchema,
  VERIFY_DEFAULTS,
} from './common.js';
import type { Verifier } from './types.js';

/** Digest sizes in bytes: a signature of any other size cannot match. */
const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

type Part = { literal: Buffer } | 'id' | 'timestamp' | 'body';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The template split into parts, or the problem with it. {body} must appear exactly once. */
export function parseSignedContent(template: string): { parts: Part[] } | { problem: string } {
  const parts: Part[] = [];
  let bodies = 0;
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (name !== 'id' && name !== 'timestamp' && name !== 'body') {
      return { problem: `unknown placeholder {${name}}; use {id}, {timestamp} and {body}` };
    }
    if (match.index > last) parts.push({ literal: Buffer.from(template.slice(last, match.index), 'utf8') });
    parts.push(name);
    if (name === 'body') bodies += 1;
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: Buffer.from(template.slice(last), 'utf8') });
  // Without the body the signature would not protect it; twice is no scheme anyone uses.
  if (bodies !== 1) return { problem: 'must contain {body} exactly once' };
  return { parts };
}

export const hmacSchema = z
  .strictObject({
    scheme: z.literal('hmac'),
    secret: secretsSchema,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
    header: headerNameSchema,
    /** What precedes the signature in the header, e.g. "sha256="; compared exactly. */
    prefix: z.string().optional(),
    signedContent: z.string().optional(),
    /** The header whose value fills {id}; also the delivery id unless deliveryIdHeader is set. */
    idHeader: headerNameSchema.optional(),
    /** The header whose value fills {timestamp}; it is then checked against the tolerance. */
    timestampHeader: headerNameSchema.optional(),
    toleranceSeconds: toleranceSchema.optional(),
    timestampUnit: z.enum(['seconds', 'milliseconds']).optional(),
    deliveryIdHeader: headerNameSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    const parsed = parseSignedContent(spec.signedContent ?? VERIFY_DEFAULTS.signedContent);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', path: ['signedContent'], message: parsed.problem });
      return;
    }
    const uses = new Set(parsed.parts.filter((p) => typeof p === 'string'));
    const pairs = [
      ['id', 'idHeader', spec.idHeader],
      ['timestamp', 'timestampHeader', spec.timestampHeader],
    ] as const;
    for (const [placeholder, key, header] of pairs) {
      if (uses.has(placeholder) && header === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `signedContent uses {${placeholder}}: name the header it comes from` });
      }
      if (!uses.has(placeholder) && header !== undefined) {
        // An unsigned timestamp or id protects nothing: a replayer would just change it.
        ctx.addIssue({
          code: 'custom',
          path: ['signedContent'],
          message: `${key} is set but signedContent has no {${placeholder}}, so it would not be signed${key === 'idHeader' ? ' (for a delivery id alone, use deliveryIdHeader)' : ''}`,
        });
      }
    }
    for (const key of ['toleranceSeconds', 'timestampUnit'] as const) {
      if (spec[key] !== undefined && spec.timestampHeader === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'only applies with timestampHeader' });
      }
    }
  });

export type HmacSpec = z.output<typeof hmacSchema>;

function lower(name: string | undefined): string | null {
  return name === undefined ? null : name.toLowerCase();
}

export function compileHmac(spec: HmacSpec): Verifier {
  const algorithm = spec.algorithm ?? VERIFY_DEFAULTS.hmacAlgorithm;
  const encoding = spec.encoding ?? VERIFY_DEFAULTS.hmacEncoding;
  const length = DIGEST_BYTES[algorithm];
  const header = spec.header.toLowerCase();
  const prefix = spec.prefix ?? '';
  const idHeader = lower(spec.idHeader);
  const timestampHeader = lower(spec.timestampHeader);
  const deliveryIdHeader = lower(spec.deliveryIdHeader) ?? idHeader;
  const toleranceSeconds = spec.toleranceSeconds ?? VERIFY_DEFAULTS.toleranceSeconds;
  const unitMs = (spec.timestampUnit ?? VERIFY_DEFAULTS.timestampUnit) === 'seconds' ? 1000 : 1;
  const parsed = parseSignedContent(spec.signedContent ?? VERIFY_DEFAULTS.signedContent);
  // The schema has rejected a bad template; this keeps compileHmac total for direct callers.
  if ('problem' in parsed) throw new TypeError(`hmac signedContent ${parsed.problem}`);
  const parts = parsed.parts;
  const keys: KeyObject[] = listOf(spec.secret).map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  const expects = describeEncoding(encoding, length);

  return ({ headers, body, now }) => {
    const given = readHeader(headers, header);
    if (given === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${header} header`);
    if (!given.startsWith(prefix)) return fail('HY_ERR_SIGNATURE_MALFORMED', `${header} does not start with "${prefix}"`);

    let id = '';
    if (idHeader !== null) {
      const value = readHeader(headers, idHeader);
      if (value === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${idHeader} header (its value is signed)`);
      id = value;
    }
    let timestampText = '';
    let timestamp = 0;
    if (timestampHeader !== null) {
      const value = readHeader(headers, timestampHeader);
      if (value === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${timestampHeader} header (its value is signed)`);
      const parsedTimestamp = parseTimestamp(value);
      if (parsedTimestamp === null) {
        return fail('HY_ERR_SIGNATURE_MALFORMED', `${timestampHeader} is not a whole number of ${unitMs === 1000 ? 'seconds' : 'milliseconds'}`);
      }
      timestampText = value;
      timestamp = parsedTimestamp;
    }

    const signature = decodeSignature(given.slice(prefix.length), encoding, length);
    if (signature === null) return fail('HY_ERR_SIGNATURE_INVALID', `${header} does not hold ${expects} after "${prefix}"`);
    const expected = keys.map((key) => {
      const hmac = createHmac(algorithm, key);
      for (const part of parts) {
        if (part === 'body') hmac.update(body);
        // Node reads header values as latin1, one char per byte: 'latin1' gives back the bytes sent.
        else if (part === 'id') hmac.update(id, 'latin1');
        else if (part === 'timestamp') hmac.update(timestampText, 'latin1');
        else hmac.update(part.literal);
      }
      return hmac.digest();
    });
    if (!anyMatches([signature], expected)) {
      return fail('HY_ERR_SIGNATURE_INVALID', `${header} matches none of the configured secrets for this body`);
    }
    // Checked after the signature: EXPIRED then means "really from the sender, but late".
    if (timestampHeader !== null) {
      const off = outsideTolerance(timestamp * unitMs, now, toleranceSeconds, timestampHeader);
      if (off !== null) return fail('HY_ERR_SIGNATURE_EXPIRED', off);
    }
    return pass(deliveryIdOf(headers, deliveryIdHeader));
  };
}
