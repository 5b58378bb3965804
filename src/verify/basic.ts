/**
 * HTTP Basic: `Authorization: Basic base64(username:password)` (RFC 7617). The decoded bytes are
 * compared as one SHA-256 digest in constant time, so neither half can be guessed on its own.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeBase64, deliveryIdOf, fail, headerNameSchema, pass, readHeader, sameBytes } from './common.js';
import type { Verifier } from './types.js';

const HEADER = 'authorization';
const SCHEME = /^basic +/i;

export const basicSchema = z.strictObject({
  scheme: z.literal('basic'),
  username: z.string().refine((name) => !name.includes(':'), 'a Basic username cannot contain ":"'),
  password: z.string().min(1),
  deliveryIdHeader: headerNameSchema.optional(),
});

export type BasicSpec = z.output<typeof basicSchema>;

function digestOf(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export function compileBasic(spec: BasicSpec): Verifier {
  // Bytes, not strings: a decoded credential with invalid UTF-8 must not become U+FFFD and match.
  const expected = digestOf(Buffer.from(`${spec.username}:${spec.password}`, 'utf8'));
  const deliveryIdHeader = spec.deliveryIdHeader?.toLowerCase() ?? null;

  return ({ headers }) => {
    const given = readHeader(headers, HEADER);
    if (given === null) return fail('HY_ERR_AUTH_MISSING', `no ${HEADER} header`);
    const scheme = SCHEME.exec(given);
    if (scheme === null) return fail('HY_ERR_AUTH_MISSING', `${HEADER} is not "Basic <base64 of username:password>"`);
    const token = given.slice(scheme[0].length).trim();
    if (token === '') return fail('HY_ERR_AUTH_MISSING', `${HEADER} holds no credentials after "Basic"`);
    const credentials = decodeBase64(token);
    if (credentials === null) return fail('HY_ERR_AUTH_INVALID', `the credentials in ${HEADER} are not base64`);
    if (!sameBytes(digestOf(credentials), expected)) {
      return fail('HY_ERR_AUTH_INVALID', `the username and password in ${HEADER} do not match the configured ones`);
    }
    return pass(deliveryIdOf(headers, deliveryIdHeader));
  };
}
