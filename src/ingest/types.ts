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
