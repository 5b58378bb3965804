/**
 * The one contract every signature scheme implements: a Verifier takes the request as received
 * and answers with a value, never an exception (STYLE habit 2: the edge turns the code into HTTP).
 *
 * Glossary
 * - scheme: how a sender proves a hook is theirs: `apikey`, `basic`, `hmac` (generic), or a
 *   provider's fixed recipe: `shopify`, `github`, `stripe`, `standard` (Standard Webhooks).
 * - spec: one connection's configuration of a scheme (see `verifySchema` in ./index.ts).
 * - signed content: the exact bytes the sender ran HMAC over; always includes the raw body bytes
 *   as received, never a re-serialised JSON body.
 * - rotation: a spec may hold several secrets (or keys); a hook passes when ANY signature it
 *   carries matches ANY of them, so a sender can move to a new secret without a gap.
 * - tolerance: how far (past or future) a signed timestamp may be from `now`; outside it the hook
 *   is a replay or a clock problem.
 * - delivery id: the scheme's id of one delivery, for dedup; null when the scheme has none or the
 *   request does not carry it.
 */
import type { ErrorCode } from '../errors.js';

/** The codes a Verifier answers with; all are 401, none retryable. */
export type VerifyErrorCode = Extract<
  ErrorCode,
  | 'HY_ERR_AUTH_MISSING'
  | 'HY_ERR_AUTH_INVALID'
  | 'HY_ERR_SIGNATURE_MISSING'
  | 'HY_ERR_SIGNATURE_MALFORMED'
  | 'HY_ERR_SIGNATURE_INVALID'
  | 'HY_ERR_SIGNATURE_EXPIRED'
>;

export interface VerifyInput {
  /** Header names in lower case (as Node gives them); a repeated header joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as received: the bytes the sender signed. */
  body: Buffer;
  /** The time of receipt, in ms since the epoch (passed in: verifiers never read the clock). */
  now: number;
}

export type VerifyResult =
  /** `ping`: a sender's unsigned test request its scheme lets in (WooCommerce's), answered 200. */
  | { ok: true; deliveryId: string | null; ping?: true }
  | {
      ok: false;
      code: VerifyErrorCode;
      /**
       * The specifics, written to follow the code's table message: `new HyError(code, message)`.
       * Names headers and what was expected of them; never a secret, an expected signature or a
       * value the sender sent.
       */
      message: string;
    };

/** Pure and total: no I/O, no clock, never throws, whatever the headers and body hold. */
export type Verifier = (input: VerifyInput) => VerifyResult;
