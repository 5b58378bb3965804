/**
 * A shared key in a header: `Authorization: Bearer <key>` by default, or any header with an
 * optional prefix. Several keys while rotating. Compared as SHA-256 digests in constant time,
 * like the ingest endpoint's own key (./digest.ts).
 */
import { z } from 'zod';
import { deliveryIdOf, fail, headerNameSchema, listOf, pass, readHeader, sameBytes, secretsSchema, VERIFY_DEFAULTS } from './common.js';
import { secretDigest } from './digest.js';
import type { Verifier } from './types.js';

export const apikeySchema = z.strictObject({
  scheme: z.literal('apikey'),
  key: secretsSchema,
  /** Default `authorization`. */
  header: headerNameSchema.optional(),
  /** Default "Bearer " in `authorization`, else none; matched ignoring ASCII case. */
  prefix: z.string().optional(),
  deliveryIdHeader: headerNameSchema.optional(),
});

export type ApikeySpec = z.output<typeof apikeySchema>;

export function compileApikey(spec: ApikeySpec): Verifier {
  const header = (spec.header ?? VERIFY_DEFAULTS.apiKeyHeader).toLowerCase();
  const prefix = spec.prefix ?? (header === 'authorization' ? VERIFY_DEFAULTS.apiKeyAuthorizationPrefix : '');
  const lowerPrefix = prefix.toLowerCase();
  const digests = listOf(spec.key).map(secretDigest);
  const deliveryIdHeader = spec.deliveryIdHeader?.toLowerCase() ?? null;

  return ({ headers }) => {
    const given = readHeader(headers, header);
    if (given === null) return fail('HY_ERR_AUTH_MISSING', `no ${header} header`);
    // Auth schemes are case-insensitive (RFC 9110 §11.1): "bearer x" is "Bearer x".
    if (given.slice(0, prefix.length).toLowerCase() !== lowerPrefix) {
      return fail('HY_ERR_AUTH_MISSING', `${header} does not start with "${prefix}"`);
    }
    const key = given.slice(prefix.length);
    if (key === '') return fail('HY_ERR_AUTH_MISSING', `${header} holds no key after "${prefix}"`);
    const digest = secretDigest(key);
    let found = false;
    for (const expected of digests) found = sameBytes(digest, expected) || found;
    if (!found) return fail('HY_ERR_AUTH_INVALID', `the key in ${header} matches none of the configured keys`);
    return pass(deliveryIdOf(headers, deliveryIdHeader));
  };
}
