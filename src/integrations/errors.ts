/**
 * How integration code reports failure. A TransferError carries a code from the error table and
 * whether trying again can help; anything else thrown by integration code is treated as
 * retryable (HY_ERR_INTEGRATION), since the engine cannot know better.
 */
import { ERRORS, networkErrorMessage, type ErrorCode } from '../errors.js';

export class TransferError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** The system asked to wait this long (429 / 503 Retry-After). */
  readonly retryAfterMs: number | null;
  /**
   * The system answered that it did not do what was asked (a 4xx, a 429 or a 503): nothing changed
   * there, so no hook follows. False when that is not known (no answer, another 5xx, a timeout).
   */
  readonly refused: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; retryAfterMs?: number | null; refused?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransferError';
    this.code = code;
    this.retryable = options.retryable ?? ERRORS[code].retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.refused = options.refused ?? false;
  }
}

/** Fails the request now: trying again cannot help (bad data, a mapping error, a 4xx). */
export function permanentError(code: ErrorCode, message: string, cause?: unknown): TransferError {
  return new TransferError(code, message, { retryable: false, cause });
}

/** Fails this attempt; the request is tried again later. */
export function retryableError(code: ErrorCode, message: string, retryAfterMs?: number | null, cause?: unknown): TransferError {
  return new TransferError(code, message, { retryable: true, retryAfterMs, cause });
}

/** Any thrown value as a TransferError; a failed fetch() of an integration's own says why (its cause). */
export function asTransferError(error: unknown): TransferError {
  if (error instanceof TransferError) return error;
  const message = networkErrorMessage(error);
  return new TransferError('HY_ERR_INTEGRATION', message, { retryable: true, cause: error });
}
