/**
 * Webhook authentication: one spec per connection, compiled once into a Verifier (keys decoded,
 * digests computed, templates parsed), then run on every hook's raw bytes. A scheme is one small
 * file; adding one means a schema and a compile function here.
 */
import { z } from 'zod';
import { didYouMean } from '../domain/closest.js';
import { HyError } from '../errors.js';
import { apikeySchema, compileApikey } from './apikey.js';
import { basicSchema, compileBasic } from './basic.js';
import { compileGithub, githubSchema } from './github.js';
import { compileHmac, hmacSchema } from './hmac.js';
import { compileShopify, shopifySchema } from './shopify.js';
import { compileStandard, standardSchema } from './standard.js';
import { compileStripe, stripeSchema } from './stripe.js';
import { compileWoocommerce, woocommerceSchema } from './woocommerce.js';
import type { Verifier } from './types.js';

export type { Verifier, VerifyErrorCode, VerifyInput, VerifyResult } from './types.js';
export { VERIFY_DEFAULTS } from './common.js';

const SCHEMES = ['apikey', 'basic', 'hmac', 'shopify', 'github', 'stripe', 'standard', 'woocommerce'];

/** A connection's `verify` configuration: strict (unknown keys rejected), chosen by `scheme`. */
export const verifySchema = z.discriminatedUnion('scheme', [apikeySchema, basicSchema, hmacSchema, shopifySchema, githubSchema, stripeSchema, standardSchema, woocommerceSchema], {
  error: (issue) => {
    const scheme = (issue.input as { scheme?: unknown } | undefined)?.scheme;
    if (scheme === undefined) return `required: scheme, one of ${SCHEMES.join(', ')}`;
    return `${JSON.stringify(scheme)} is not a verify scheme${typeof scheme === 'string' ? didYouMean(scheme, SCHEMES) : ''}; use one of ${SCHEMES.join(', ')}`;
  },
});

export type VerifySpec = z.input<typeof verifySchema>;
export type VerifyScheme = VerifySpec['scheme'];

/**
 * The Verifier for a spec. Validates the spec again (a config loader has usually done so, with
 * paths of its own) and throws HY_ERR_CONFIG_INVALID listing every problem: this runs at
 * start-up, never per hook.
 */
export function compileVerifier(spec: VerifySpec): Verifier {
  const parsed = verifySchema.safeParse(spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
    throw new HyError('HY_ERR_CONFIG_INVALID', `verify: ${problems.join('; ')}`);
  }
  const valid = parsed.data;
  switch (valid.scheme) {
    case 'apikey':
      return compileApikey(valid);
    case 'basic':
      return compileBasic(valid);
    case 'hmac':
      return compileHmac(valid);
    case 'shopify':
      return compileShopify(valid);
    case 'github':
      return compileGithub(valid);
    case 'stripe':
      return compileStripe(valid);
    case 'standard':
      return compileStandard(valid);
    case 'woocommerce':
      return compileWoocommerce(valid);
    default: {
      const unknown: never = valid;
      throw new TypeError(`unknown verify scheme ${String((unknown as { scheme: unknown }).scheme)}`);
    }
  }
}
