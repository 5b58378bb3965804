/**
 * The one table of hookyard's error codes. Every code here is listed in docs/errors.md
 * (test/errors.test.ts fails when the two differ). A retired code is never reused: move it to
 * RETIRED_CODES instead of deleting it.
 *
 * `status` is the HTTP status the edge answers with; `retryable` tells the engine whether a
 * transfer that failed with this code may be tried again.
 */
export const ERRORS = {
  // ingest
  HY_ERR_CONNECTION_UNKNOWN: { status: 404, retryable: false, message: 'no connection with this name is configured' },
  HY_ERR_AUTH_MISSING: { status: 401, retryable: false, message: 'the hook carries no credential; send the connection\'s webhook API key' },
  HY_ERR_AUTH_INVALID: { status: 401, retryable: false, message: 'the hook\'s credential does not match the connection\'s webhook API key' },
  HY_ERR_BODY_TOO_LARGE: { status: 413, retryable: false, message: 'the body is larger than the configured limit' },
  HY_ERR_BODY_INVALID: { status: 400, retryable: false, message: 'the body could not be read' },
  HY_ERR_SIGNATURE_MISSING: { status: 401, retryable: false, message: 'the hook carries no signature where the connection\'s verify scheme looks for it; check that the sender signs its hooks and which header it uses' },
  HY_ERR_SIGNATURE_MALFORMED: { status: 401, retryable: false, message: 'the hook\'s signature headers could not be read; check that the connection\'s verify scheme (header, prefix, format) is the one the sender uses' },
  HY_ERR_SIGNATURE_INVALID: { status: 401, retryable: false, message: 'the hook\'s signature does not match its body; check the signing secret, the algorithm and encoding, and that nothing between sender and hookyard rewrites the body' },
  HY_ERR_SIGNATURE_EXPIRED: { status: 401, retryable: false, message: 'the hook\'s signed timestamp is outside the tolerance; check the clocks of the sender and of hookyard (or the hook is a replay)' },
  HY_ERR_CONTENT_TYPE_UNSUPPORTED: { status: 415, retryable: false, message: 'hooks are JSON (application/json) or forms (application/x-www-form-urlencoded)' },
  HY_ERR_BODY_CHARSET: { status: 415, retryable: false, message: 'hooks are UTF-8; the Content-Type declares another charset' },
  HY_ERR_CONTENT_ENCODING_UNSUPPORTED: { status: 415, retryable: false, message: 'a hook body may be sent as is or compressed with gzip or deflate, nothing else' },
  HY_ERR_BODY_EMPTY: { status: 400, retryable: false, message: 'the hook has no body' },
  HY_ERR_BODY_ENCODING: { status: 400, retryable: false, message: 'the body is not valid UTF-8' },
  HY_ERR_BODY_NOT_JSON: { status: 400, retryable: false, message: 'the body is not valid JSON' },
  HY_ERR_BODY_TOO_DEEP: { status: 400, retryable: false, message: 'the JSON body is nested deeper than the limit' },
  HY_ERR_BACKLOG_FULL: { status: 429, retryable: true, message: 'hookyard has more work waiting (hooks to read or transfer requests to run) than its configured limits; send again after Retry-After' },
  HY_ERR_URL_INVALID: { status: 400, retryable: false, message: 'the URL could not be decoded' },
  HY_ERR_URL_TOO_LONG: { status: 414, retryable: false, message: 'a part of the URL is longer than allowed' },
  HY_ERR_REQUEST_MALFORMED: { status: 400, retryable: false, message: 'the request is not valid HTTP' },
  HY_ERR_HEADERS_TOO_LARGE: { status: 431, retryable: false, message: 'the request headers are larger than allowed (16 KiB)' },
  HY_ERR_REQUEST_TIMEOUT: { status: 408, retryable: true, message: 'the request was not received in time' },
  HY_ERR_INGEST_OFF: { status: 404, retryable: false, message: 'this process runs with --role worker and takes no hooks; send hooks to a process with --role ingest or all' },
  // admin API and routing
  HY_ERR_ROUTE_NOT_FOUND: { status: 404, retryable: false, message: 'no such route' },
  HY_ERR_HOOK_NOT_FOUND: { status: 404, retryable: false, message: 'no hook with this id' },
  HY_ERR_TRANSFER_NOT_FOUND: { status: 404, retryable: false, message: 'no transfer request with this id' },
  HY_ERR_QUERY_INVALID: { status: 400, retryable: false, message: 'a query parameter or the request body is invalid' },
  HY_ERR_TRANSFER_NOT_REPLAYABLE: { status: 409, retryable: false, message: 'the transfer request is running or queued already' },
  HY_ERR_HOOK_NOT_REPLAYABLE: { status: 409, retryable: false, message: 'the hook is being read already' },
  HY_ERR_SYNC_TOO_MANY_IDS: { status: 400, retryable: false, message: 'a manual sync takes at most 3,000 ids per request; send the rest in further requests (hookyard sync --file splits a longer list)' },
  HY_ERR_TRANSFER_NOT_CANCELLABLE: { status: 409, retryable: false, message: 'only a queued or retrying transfer request can be cancelled; a running one finishes its attempt, a finished one has nothing left to cancel' },
  HY_ERR_INITIALIZATION_RUNNING: { status: 409, retryable: true, message: 'an initialization of this connection and type is running already' },
  HY_ERR_ADMIN_API_DISABLED: { status: 403, retryable: false, message: 'the admin API is off: hookyard listens on a non-loopback address and HOOKYARD_ADMIN_TOKEN is not set' },
  HY_ERR_ADMIN_TOKEN_INVALID: { status: 401, retryable: false, message: 'send the admin token as "Authorization: Bearer <HOOKYARD_ADMIN_TOKEN>"' },
  // resolution (stored on the hook or notification, not answered over HTTP)
  HY_ERR_HOOK_BODY_NOT_JSON: { status: 422, retryable: false, message: 'the hook body is not JSON, so the receiver definition cannot read it' },
  HY_ERR_RECEIVER_EXPRESSION: { status: 422, retryable: false, message: 'a receiver expression failed while reading the hook' },
  HY_ERR_HOOK_NAME_MISSING: { status: 422, retryable: false, message: 'the receiver definition found no hook name' },
  HY_ERR_EXTERNAL_ID_MISSING: { status: 422, retryable: false, message: 'the receiver definition found no external id' },
  HY_ERR_EXTERNAL_ID_INVALID: { status: 422, retryable: false, message: 'a value cannot stand in a request path ("." or ".." would name another resource)' },
  HY_ERR_TOO_MANY_NOTIFICATIONS: { status: 422, retryable: false, message: 'the hook holds more notifications than limits.notificationsPerHook; none was planned' },
  // mapping (stored on the transfer request that failed)
  HY_ERR_MAPPING_EXPRESSION: { status: 422, retryable: false, message: 'a mapping expression failed while mapping the record' },
  HY_ERR_MAPPING_LOOKUP: { status: 422, retryable: false, message: 'a mapping lookup found no entry for the value and has no default' },
  // transfers (stored on the transfer request)
  HY_ERR_DESTINATION_UNREACHABLE: { status: 424, retryable: true, message: 'the external system could not be reached or did not answer in time' },
  HY_ERR_DESTINATION_FAILED: { status: 424, retryable: true, message: 'the external system answered with a server error or asked to slow down' },
  HY_ERR_RATE_LIMITED: { status: 424, retryable: true, message: 'the external system asked to slow down (429, or its rate-limit headers say none is left); tried again after the wait it gave' },
  HY_ERR_CREDENTIALS_REJECTED: { status: 422, retryable: false, message: 'the external system refused the connection\'s credentials (401): the token or key is wrong, expired or revoked; set a valid one in the connection\'s settings, then replay the dead letters' },
  HY_ERR_DESTINATION_REJECTED: { status: 422, retryable: false, message: 'the external system refused the request' },
  HY_ERR_INTEGRATION: { status: 424, retryable: true, message: 'the integration failed unexpectedly' },
  HY_ERR_INTEGRATION_UNSUPPORTED: { status: 422, retryable: false, message: 'the integration cannot do this (no get, create, update, delete or find for the type, or no find by that field)' },
  HY_ERR_PREREQUISITE: { status: 422, retryable: false, message: 'the integration\'s prerequisites refused the request' },
  HY_ERR_CHILD_FAILED: { status: 422, retryable: false, message: 'a child request failed' },
  HY_ERR_COLLISION: { status: 409, retryable: false, message: 'a hub record with the same match value exists and collision handling is "error"' },
  HY_ERR_RECORD_NOT_FOUND: { status: 404, retryable: false, message: 'the record does not exist in the source system' },
  // configuration and CLI
  HY_ERR_CONFIG_INVALID: { status: 400, retryable: false, message: 'the configuration is invalid' },
  HY_ERR_CONFIG_UNREADABLE: { status: 400, retryable: false, message: 'the configuration file could not be read' },
  HY_ERR_CONFIG_RESTART_REQUIRED: { status: 409, retryable: false, message: 'the new configuration changes settings that take effect only when the process starts again; the running configuration is kept' },
  HY_ERR_CONFIG_NO_FILE: { status: 409, retryable: false, message: 'this hub was not started from a configuration file, so there is no file to load again' },
  HY_ERR_STORE_MIGRATION: { status: 500, retryable: false, message: 'the store could not be migrated' },
  HY_ERR_STORE_UNAVAILABLE: { status: 503, retryable: true, message: 'the store could not be reached or opened' },
  HY_ERR_STORE_MISSING: { status: 404, retryable: false, message: 'no hookyard store where the command looked' },
  // the last resort at the edge
  HY_ERR_INTERNAL: { status: 500, retryable: true, message: 'an unexpected error; it has been logged' },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>;

/** Codes that existed once. They are never given a new meaning. */
export const RETIRED_CODES: readonly string[] = [];

export type ErrorCode = keyof typeof ERRORS;

/** An expected failure with a code. `message` adds the specifics to the table's text. */
export class HyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const entry = ERRORS[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message, options);
    this.name = 'HyError';
    this.code = code;
    this.status = entry.status;
    this.retryable = entry.retryable;
  }

  toJSON(): { error: ErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}

export function isHyError(value: unknown): value is HyError {
  return value instanceof HyError;
}

/** Fastify's own 4xx errors, by code, mapped onto ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'HY_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HY_ERR_BODY_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HY_ERR_BODY_INVALID',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HY_ERR_CONTENT_TYPE_UNSUPPORTED',
};

/**
 * The code an error thrown while a route ran is answered with: its own for ours, the mapped one
 * for Fastify's 4xx (the body's parser, its size, its media type), HY_ERR_BODY_INVALID for any
 * other 4xx, HY_ERR_INTERNAL for the rest.
 */
export function answerCodeOf(error: { code?: string; statusCode?: number }): ErrorCode {
  if (isHyError(error)) return error.code;
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return mapped;
  return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? 'HY_ERR_BODY_INVALID' : 'HY_ERR_INTERNAL';
}

/** The JSON body for an error answer. */
export function errorBody(code: ErrorCode, detail?: string): { error: ErrorCode; message: string } {
  return new HyError(code, detail).toJSON();
}

/** The generic text undici's fetch() rejects with; the reason is in `cause`. */
const FETCH_FAILED = 'fetch failed';

/**
 * What a failed HTTP call says, with its cause. undici's fetch() rejects with a bare
 * `TypeError: fetch failed` and keeps the reason in `cause`: `connect ECONNREFUSED
 * 127.0.0.1:8081`, `getaddrinfo ENOTFOUND shop.example`, a connect timeout
 * (UND_ERR_CONNECT_TIMEOUT), or an AggregateError with one error per address tried. This walks
 * the cause chain and gives its messages, each with its code when the message lacks it, leaving
 * out the generic `fetch failed` when a cause says more.
 */
export function networkErrorMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  // A few levels are enough: undici nests at most two (TypeError → AggregateError → Error).
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const text = ownText(current);
    if (text && !parts.some((part) => part.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  if (parts.length > 1 && parts[0] === FETCH_FAILED) parts.shift();
  return parts.join(': ') || String(error);
}

/** One error's own message and code, without its cause; an AggregateError's errors when it has no message. */
function ownText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  let message = error.message;
  if (!message && error instanceof AggregateError) {
    message = [...new Set(error.errors.map((inner: unknown) => ownText(inner)))].join('; ');
  }
  if (typeof code === 'string' && !message.includes(code)) message = message ? `${message} (${code})` : code;
  return message;
}
