/** Comparing credentials without leaking how much of them matched. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The digest a secret is compared by; computed once per configured secret. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * Constant-time comparison of a given credential with an expected one's digest: both sides are
 * SHA-256 digests, so the compared buffers always have the same length and timingSafeEqual never
 * throws, whatever the sender sent.
 */
export function matchesDigest(given: string, expected: Buffer): boolean {
  return timingSafeEqual(secretDigest(given), expected);
}

/**
 * Headers that carry credentials whatever the connection: stored as "[redacted]" on every hook.
 * A connection adds the header its key travels in and any it names in `webhook.redact`.
 */
export const ALWAYS_REDACTED = ['authorization', 'proxy-authorization', 'cookie'] as const;

export const REDACTED = '[redacted]';

/**
 * The headers to store: each one named in `names` (lower case) that the request carries is kept
 * as "[redacted]". Called after every check, which all see the values as received. Copies the
 * map only when there is something to redact (most hooks: one header, or none).
 */
export function redactHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  let kept: Record<string, string> | null = null;
  for (const name of names) {
    if (!Object.hasOwn(headers, name)) continue;
    kept ??= { ...headers };
    kept[name] = REDACTED;
  }
  return kept ?? headers;
}
