/**
 * GitHub: `X-Hub-Signature-256` is "sha256=" + hex(HMAC-SHA256(webhook secret, raw body)); the
 * delivery id is `X-GitHub-Delivery` (a GUID, kept on redelivery). The legacy SHA-1
 * `X-Hub-Signature` is not accepted.
 */
import { z } from 'zod';
import { secretsSchema } from './common.js';
import { compileHmac } from './hmac.js';
import type { Verifier } from './types.js';

export const githubSchema = z.strictObject({
  scheme: z.literal('github'),
  secret: secretsSchema,
});

export type GithubSpec = z.output<typeof githubSchema>;

export function compileGithub(spec: GithubSpec): Verifier {
  return compileHmac({
    scheme: 'hmac',
    secret: spec.secret,
    algorithm: 'sha256',
    encoding: 'hex',
    header: 'x-hub-signature-256',
    prefix: 'sha256=',
    deliveryIdHeader: 'x-github-delivery',
  });
}
