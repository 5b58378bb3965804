/**
 * What the ingest endpoint reads of the loaded configuration; src/config/types.ts extends these,
 * so that the endpoint names only what it uses and never the loader's types.
 */
import type { CompiledReceiver } from '../resolve/receiver.js';
import type { Verifier } from '../verify/types.js';

/**
 * How hooks authenticate: a key the receiver definition reads (compared by SHA-256 digest, in
 * constant time), or a signature scheme's verifier over the raw body.
 */
export type HookAuth = { kind: 'key'; digest: Buffer } | { kind: 'signature'; scheme: string; verifier: Verifier };

export interface IngestConnection {
  name: string;
  /** Where the key is read from, when `auth` is a key. */
  receiver: Pick<CompiledReceiver, 'auth'>;
  auth: HookAuth;
  /** Where the sender's delivery id is, when its scheme has none. */
  deliveryIdHeader: string | null;
  /**
   * Headers (lower case) that carry credentials: checked on the request as received, stored as
   * "[redacted]". Always authorization, proxy-authorization and cookie; also the header the
   * connection's key travels in and those it names in `webhook.redact`.
   */
  redactHeaders: ReadonlySet<string>;
  /** The body replay guard (`webhook.dedupe`), or null when it is off. */
  dedupe: { by: 'body'; windowMs: number } | null;
}

export interface IngestConfig {
  server: { bodyLimitBytes: number; maxBacklog: number; maxQueuedTransfers: number };
  connections: ReadonlyMap<string, IngestConnection>;
}

/** How ingest answered one hook. */
export type HookAnswer = 'accepted' | 'duplicate' | 'ping' | 'rejected';

/** One hook answered, as the endpoint tells it (the hub makes it an operational event). */
export interface HookAnswered {
  /** The configured connection, or null when the URL named none (never the URL's text: it is the sender's). */
  connection: string | null;
  answer: HookAnswer;
  /** The HTTP status sent. */
  status: number;
  /** The HY_ERR_* code of a rejection, else null. */
  code: string | null;
  /** Time from the request's arrival to the answer (the acknowledgement, after the commit). */
  ms: number;
}
