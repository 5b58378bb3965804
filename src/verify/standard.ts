/**
 * Standard Webhooks (standardwebhooks.com; Svix and others send it): headers `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature`, a space-separated list of
 * `<version>,<base64>`. Each `v1` is base64(HMAC-SHA256(key, `${id}.${timestamp}.${raw body}`))
 * where the key is the base64 after `whsec_` in the secret. Other versions (such as the
 * asymmetric `v1a`) are skipped. A sender rotating keys lists one v1 per key, and a spec may hold
 * several secrets: any listed v1 matching any key passes. The delivery id is `webhook-id`.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  anyMatches,
  decodeBase64,
  decodeSignature,
  fail,
  listOf,
  outsideTolerance,
  parseTimestamp,
  pass,
  readHeader,
  toleranceSchema,
  VERIFY_DEFAULTS,
  secretError,
} from './common.js';
import type { Verifier } from './types.js';

const ID = 'webhook-id';
const TIMESTAMP = 'webhook-timestamp';
const SIGNATURE = 'webhook-signature';
const DIGEST_BYTES = 32; // SHA-256
const SECRET_PREFIX = 'whsec_';

/**
 * The key in a Standard Webhooks secret: the base64 after "whsec_" (the prefix is optional, as
 * in the reference libraries), or null when that is not base64 of at least one byte.
 */
export function standardKeyOf(secret: string): Buffer | null {
  const key = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return key !== null && key.length > 0 ? key : null;
}

const standardSecretSchema = z
  .string()
  .refine((secret) => standardKeyOf(secret) !== null, 'a Standard Webhooks secret is "whsec_" followed by base64 (the key)');

export const standardSchema = z.strictObject({
  scheme: z.literal('standard'),
  secret: z.union([standardSecretSchema, z.array(standardSecretSchema).min(1)], { error: secretError('the endpoint secret (whsec_ + base64)', '${WEBHOOK_SECRET}') }),
  toleranceSeconds: toleranceSchema.optional(),
});

export type StandardSpec = z.output<typeof standardSchema>;

/** The v1 signatures listed in the header, as text (undecoded). */
function v1Signatures(header: string): string[] {
  const found: string[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma > 0 && entry.slice(0, comma) === 'v1') found.push(entry.slice(comma + 1));
  }
  return found;
}

export function compileStandard(spec: StandardSpec): Verifier {
  const keys: KeyObject[] = listOf(spec.secret).map((secret) => {
    const key = standardKeyOf(secret);
    // The schema has rejected such a secret; this keeps compileStandard total for direct callers.
    if (key === null) throw new TypeError('a Standard Webhooks secret is "whsec_" followed by base64');
    return createSecretKey(key);
  });
  const toleranceSeconds = spec.toleranceSeconds ?? VERIFY_DEFAULTS.toleranceSeconds;

  return ({ headers, body, now }) => {
    const id = readHeader(headers, ID);
    const timestampText = readHeader(headers, TIMESTAMP);
    const given = readHeader(headers, SIGNATURE);
    if (given === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${SIGNATURE} header`);
    if (id === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${ID} header (its value is signed)`);
    if (timestampText === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${TIMESTAMP} header (its value is signed)`);
    const timestamp = parseTimestamp(timestampText);
    if (timestamp === null) return fail('HY_ERR_SIGNATURE_MALFORMED', `${TIMESTAMP} is not a whole number of seconds`);
    const listed = v1Signatures(given);
    if (listed.length === 0) return fail('HY_ERR_SIGNATURE_MALFORMED', `${SIGNATURE} lists no "v1,<base64>" signature`);

    const signatures = listed.map((text) => decodeSignature(text, 'base64', DIGEST_BYTES)).filter((s) => s !== null);
    if (signatures.length === 0) return fail('HY_ERR_SIGNATURE_INVALID', `no v1 in ${SIGNATURE} is base64 of ${DIGEST_BYTES} bytes`);
    // Header values are latin1 in Node, one char per byte: 'latin1' gives back the bytes sent.
    const expected = keys.map((key) =>
      createHmac('sha256', key).update(id, 'latin1').update('.').update(timestampText, 'latin1').update('.').update(body).digest(),
    );
    if (!anyMatches(signatures, expected)) {
      return fail('HY_ERR_SIGNATURE_INVALID', `no v1 in ${SIGNATURE} matches the configured secrets for this body`);
    }
    const off = outsideTolerance(timestamp * 1000, now, toleranceSeconds, TIMESTAMP);
    if (off !== null) return fail('HY_ERR_SIGNATURE_EXPIRED', off);
    return pass(id);
  };
}
