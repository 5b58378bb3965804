/**
 * Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…][,v0=…]`, each v1 the hex
 * HMAC-SHA256 of `${t}.${raw body}` keyed with the endpoint secret as written (whsec_… is the
 * key itself, not decoded). While an endpoint's secret is rolled, Stripe sends one v1 per
 * secret; any v1 matching any configured secret passes. Other schemes (v0 is test-mode only)
 * and unknown items are ignored, as Stripe's own library does.
 *
 * The delivery id is the event's `id` from the JSON body, read only once the signature holds:
 * Stripe sends the same event id on every retry.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  anyMatches,
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

const HEADER = 'stripe-signature';
const DIGEST_BYTES = 32; // SHA-256

const stripeSecretSchema = z
  .string()
  .startsWith('whsec_', 'a Stripe endpoint signing secret starts with "whsec_" (an API key sk_… is not it)');

export const stripeSchema = z.strictObject({
  scheme: z.literal('stripe'),
  secret: z.union([stripeSecretSchema, z.array(stripeSecretSchema).min(1)], { error: secretError('the endpoint signing secret (whsec_…) from the Stripe dashboard', '${STRIPE_WEBHOOK_SECRET}') }),
  toleranceSeconds: toleranceSchema.optional(),
});

export type StripeSpec = z.output<typeof stripeSchema>;

/** The header's t and v1 values, or what is wrong with it. */
export function parseStripeSignature(text: string): { t: string; v1: string[] } | { problem: string } {
  let t: string | null = null;
  const v1: string[] = [];
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') {
      // Two timestamps leave it open which one was signed.
      if (t !== null) return { problem: 'has more than one t=' };
      t = value;
    } else if (key === 'v1') {
      v1.push(value);
    }
  }
  if (t === null) return { problem: 'has no t= timestamp' };
  if (v1.length === 0) return { problem: 'has no v1= signature' };
  return { t, v1 };
}

/** The event id of a Stripe event body, or null when it is not JSON or has no string id. */
function eventIdOf(body: Buffer): string | null {
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  const id = (event as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : null;
}

export function compileStripe(spec: StripeSpec): Verifier {
  const keys: KeyObject[] = listOf(spec.secret).map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  const toleranceSeconds = spec.toleranceSeconds ?? VERIFY_DEFAULTS.toleranceSeconds;

  return ({ headers, body, now }) => {
    const given = readHeader(headers, HEADER);
    if (given === null) return fail('HY_ERR_SIGNATURE_MISSING', `no ${HEADER} header`);
    const parsed = parseStripeSignature(given);
    if ('problem' in parsed) return fail('HY_ERR_SIGNATURE_MALFORMED', `${HEADER} ${parsed.problem} (expected t=<unix seconds>,v1=<hex>)`);
    const timestamp = parseTimestamp(parsed.t);
    if (timestamp === null) return fail('HY_ERR_SIGNATURE_MALFORMED', `the t= in ${HEADER} is not a whole number of seconds`);

    const signatures = parsed.v1.map((text) => decodeSignature(text, 'hex', DIGEST_BYTES)).filter((s) => s !== null);
    if (signatures.length === 0) return fail('HY_ERR_SIGNATURE_INVALID', `no v1= in ${HEADER} holds 64 hex digits`);
    const expected = keys.map((key) => createHmac('sha256', key).update(parsed.t, 'latin1').update('.').update(body).digest());
    if (!anyMatches(signatures, expected)) {
      return fail('HY_ERR_SIGNATURE_INVALID', `no v1= in ${HEADER} matches the configured secrets for this body`);
    }
    const off = outsideTolerance(timestamp * 1000, now, toleranceSeconds, HEADER);
    if (off !== null) return fail('HY_ERR_SIGNATURE_EXPIRED', off);
    return pass(eventIdOf(body));
  };
}
