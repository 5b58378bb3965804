/** What the scheme modules share: defaults, schema pieces, header reading, decoding, comparing. */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { VerifyErrorCode, VerifyResult } from './types.js';

/** Every default of every scheme, in one place. */
export const VERIFY_DEFAULTS = {
  /** 300 s = 5 min, what Stripe and Standard Webhooks use. */
  toleranceSeconds: 300,
  hmacAlgorithm: 'sha256',
  hmacEncoding: 'hex',
  signedContent: '{body}',
  timestampUnit: 'seconds',
  apiKeyHeader: 'authorization',
  /** The prefix when the key is sent in `authorization`; any other header has none. */
  apiKeyAuthorizationPrefix: 'Bearer ',
} as const;

/**
 * The longest signature text worth decoding: a SHA-512 HMAC is 128 hex digits or 88 base64
 * characters, so anything longer cannot match and is not even run through a regular expression.
 */
const MAX_SIGNATURE_TEXT = 256;

// --- schema pieces ------------------------------------------------------------------------

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const headerNameSchema = z
  .string()
  .regex(HEADER_NAME, 'a header name (letters, digits and "-"), without ":" or spaces');

/** What a missing or malformed secret is told, for a scheme's secret field. */
export function secretError(what: string, example: string) {
  return (issue: { input: unknown }) =>
    issue.input === undefined
      ? `required: ${what}, e.g. "${example}" (a list of them while rotating keys)`
      : `${what}: a non-empty string, or a list of them while rotating keys`;
}

/** One secret, or several while rotating: a hook passes when it matches any of them. */
export const secretsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: secretError('the secret the sender signs with', '${WEBHOOK_SECRET}'),
});

export const toleranceSchema = z.number().int().positive();

export function listOf(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

// --- results --------------------------------------------------------------------------------

export function pass(deliveryId: string | null): VerifyResult {
  return { ok: true, deliveryId };
}

export function fail(code: VerifyErrorCode, message: string): VerifyResult {
  return { ok: false, code, message };
}

// --- reading the request --------------------------------------------------------------------

/**
 * A header's value, or null when it is absent or blank. Only own properties count: a header
 * named "constructor" must not find Object.prototype's.
 */
export function readHeader(headers: Record<string, string>, name: string): string | null {
  if (!Object.hasOwn(headers, name)) return null;
  const value = headers[name];
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value;
}

/** A delivery id header's value, or null. */
export function deliveryIdOf(headers: Record<string, string>, name: string | null): string | null {
  return name === null ? null : readHeader(headers, name);
}

/** A whole number of seconds or ms, digits only ("12abc", "-1", "1e9" and " 1" are not). */
export function parseTimestamp(text: string): number | null {
  if (!/^[0-9]{1,16}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Null when `timestampMs` is within the tolerance of `now` (past or future), else the text that
 * says how far off it is. Written so that a NaN anywhere counts as outside.
 */
export function outsideTolerance(timestampMs: number, now: number, toleranceSeconds: number, header: string): string | null {
  const offMs = now - timestampMs;
  if (Math.abs(offMs) <= toleranceSeconds * 1000) return null;
  const seconds = Math.round(Math.abs(offMs) / 1000);
  const when = offMs >= 0 ? `${seconds} s in the past` : Number.isFinite(offMs) ? `${seconds} s in the future` : 'not comparable with now';
  return `the timestamp in ${header} is ${when}; the tolerance is ${toleranceSeconds} s`;
}

// --- decoding and comparing -----------------------------------------------------------------

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** Standard base64 (+ and /), padded or not; no whitespace, no base64url. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Strict base64: null where Buffer.from would silently skip characters. */
export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * The bytes of a signature when the text is `encoding` and decodes to exactly `length` bytes,
 * else null (a mismatch, never an exception).
 */
export function decodeSignature(text: string, encoding: 'hex' | 'base64', length: number): Buffer | null {
  if (text.length > MAX_SIGNATURE_TEXT) return null;
  const bytes = encoding === 'hex' ? (HEX.test(text) ? Buffer.from(text, 'hex') : null) : decodeBase64(text);
  return bytes !== null && bytes.length === length ? bytes : null;
}

/**
 * Constant-time equality of two byte strings. timingSafeEqual throws on different lengths, so
 * the lengths are compared first (STYLE habit 4): a length is no secret, a throw is a 500.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any given signature equals any expected digest; every pair is compared. */
export function anyMatches(given: readonly Buffer[], expected: readonly Buffer[]): boolean {
  let found = false;
  for (const signature of given) {
    for (const digest of expected) {
      // `||` after the call: no short cut that would time which secret matched.
      found = sameBytes(signature, digest) || found;
    }
  }
  return found;
}

export function describeEncoding(encoding: 'hex' | 'base64', length: number): string {
  return encoding === 'hex' ? `${length * 2} hex digits` : `base64 of ${length} bytes`;
}
