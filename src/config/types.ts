/**
 * The loaded configuration, as the stages see it: types only, so that a stage can name it without
 * pulling in the loader, YAML or the schema. src/config/load.ts builds these values.
 */
import type { DataType, Scope, ScopeName } from '../domain/types.js';
import type { Integration } from '../integrations/types.js';
import type { CompiledMappings } from '../mapping/index.js';
import type { CompiledReceiver } from '../resolve/receiver.js';
import type { ScopeIndex } from '../resolve/resolve.js';
import type { Verifier } from '../verify/types.js';

export interface GuardPolicy {
  /** At most `calls` calls per `perMs`; null: unlimited. */
  rate: { calls: number; perMs: number } | null;
  /** At most this many calls at once; null: unlimited. */
  concurrent: number | null;
  /** cooldownMs: shut to every call once open; probeIntervalMs: then one probe per interval. */
  circuit: { failures: number; cooldownMs: number; probeIntervalMs: number };
}

export interface ConnectionConfig {
  name: string;
  integration: Integration;
  scopeIndex: ScopeIndex;
  /** Every scope the integration declares, by name. */
  declaredScopes: ReadonlyMap<ScopeName, Scope>;
  receiver: CompiledReceiver;
  /**
   * How hooks authenticate: a key the receiver definition reads (compared by SHA-256 digest, in
   * constant time), or a signature scheme's verifier over the raw body.
   */
  auth: { kind: 'key'; digest: Buffer } | { kind: 'signature'; scheme: string; verifier: Verifier };
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
  presets: Readonly<Record<string, string>>;
  /** `all`: every declared scope but delete scopes; `listed`: named explicitly. */
  scopes: { all: boolean; listed: ReadonlySet<ScopeName> };
  settings: Readonly<Record<string, unknown>>;
  mappings: CompiledMappings;
  /** Per data type: drop its hooks, or debounce them (ms). */
  noise: ReadonlyMap<DataType, { ignore: true } | { debounceMs: number }>;
  retry: { maxAttempts: number; delaysMs: readonly number[] | null };
  guard: GuardPolicy;
  /** Poll intervals (ms) by data type. */
  polls: ReadonlyMap<DataType, number>;
}

export interface HubConfig {
  /** The file it came from, when it came from one. */
  file: string | null;
  server: { host: string; port: number; bodyLimitBytes: number; maxBacklog: number; maxQueuedTransfers: number; requestTimeoutMs: number };
  limits: { notificationsPerHook: number };
  store: { durability: 'full' | 'normal' };
  engine: { concurrency: number; leaseMs: number; echoWindowMs: number; shutdownGraceMs: number };
  connections: ReadonlyMap<string, ConnectionConfig>;
  warnings: string[];
}
