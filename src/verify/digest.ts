/**
 * Comparing credentials without leaking how much of them matched: the apikey scheme, the ingest
 * endpoint's own key and the admin token all compare this way.
 */
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
