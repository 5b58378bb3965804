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

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransferError';
    this.code = code;
    this.retryable = options.retryable ?? ERRORS[code].retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
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
