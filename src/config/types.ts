/**
 * The loaded configuration, as the engine and the edges see it: types only, so that they can name
 * it without pulling in the loader, YAML or the schema. src/config/load.ts builds these values.
 * Each stage declares the slice it reads in its own folder (ResolvingConnection, IngestConfig, …)
 * and these types extend the slices: the configuration knows the stages, never the reverse.
 */
import type { DataType } from '../domain/types.js';
import type { IngestConfig, IngestConnection } from '../ingest/types.js';
import type { Integration } from '../integrations/types.js';
import type { CompiledMappings } from '../mapping/index.js';
import type { ResolvingConnection } from '../resolve/interpret.js';
import type { ResolveLimits } from '../resolve/limits.js';
import type { CompiledReceiver } from '../resolve/receiver.js';
import type { DatabaseUrlSetting } from './database-url.js';

export interface GuardPolicy {
  /** At most `calls` calls per `perMs`; null: unlimited. */
  rate: { calls: number; perMs: number } | null;
  /** At most this many calls at once; null: unlimited. */
  concurrent: number | null;
  /** cooldownMs: shut to every call once open; probeIntervalMs: then one probe per interval. */
  circuit: { failures: number; cooldownMs: number; probeIntervalMs: number };
}

/**
 * One connection. Declared with the stages: name, scopes and declaredScopes (domain/enablement),
 * noise (plan), receiver and scopeIndex (resolve/interpret), auth, deliveryIdHeader,
 * redactHeaders and dedupe (ingest/types).
 */
export interface ConnectionConfig extends ResolvingConnection, IngestConnection {
  integration: Integration;
  /** A digest of the connection's section of the file and its integration: a reload compares them to say what changed. */
  fingerprint: string;
  /** Named by both slices: ingest reads only its `auth` field. */
  receiver: CompiledReceiver;
  presets: Readonly<Record<string, string>>;
  settings: Readonly<Record<string, unknown>>;
  mappings: CompiledMappings;
  retry: { maxAttempts: number; delaysMs: readonly number[] | null };
  guard: GuardPolicy;
  /** Poll intervals (ms) by data type. */
  polls: ReadonlyMap<DataType, number>;
}

/** How long finished rows are kept (ms; null: for ever), and how the pruner works through them. */
export interface RetentionConfig {
  /** Resolved, partial and empty hooks. */
  hooksMs: number | null;
  /** Succeeded and skipped transfer requests. */
  transfersMs: number | null;
  /** Dead transfer requests, and hooks that ended unmatched, invalid or failed. */
  deadMs: number | null;
  /** Rows per prune transaction at most. */
  batch: number;
  /** Time between prune passes. */
  everyMs: number;
}

/** The alert types (the `events` of an alert target). */
export type AlertType = 'transfer.dead' | 'circuit.opened' | 'circuit.closed' | 'feed.failed' | 'backlog.high';

export interface AlertTarget {
  url: string;
  /** "whsec_<base64>"; never logged. */
  secret: string;
  events: ReadonlySet<AlertType>;
  /** backlog.high when hooks waiting plus transfers due reach this; again only after they fell below 80 % of it. */
  backlogHigh: number;
}

export interface HubConfig extends IngestConfig {
  /** The file it came from, when it came from one. */
  file: string | null;
  server: { host: string; port: number; bodyLimitBytes: number; maxBacklog: number; maxQueuedTransfers: number; requestTimeoutMs: number };
  limits: ResolveLimits;
  /** Every data type the hub knows: the built-in ones, then the declared ones (`types:`). */
  dataTypes: readonly DataType[];
  store: {
    durability: 'full' | 'normal';
    /** The PostgreSQL URL (HOOKYARD_DATABASE_URL, else `store.url`); null: SQLite in the data directory. Show it masked only. */
    url: string | null;
    /** Where `url` came from, to name it in messages. */
    urlSetting: DatabaseUrlSetting | null;
    /** PostgreSQL connections per process at most; null: the store's default. */
    poolSize: number | null;
  };
  engine: { concurrency: number; leaseMs: number; echoWindowMs: number; shutdownGraceMs: number; resolveFirstMs: number };
  retention: RetentionConfig;
  /** Where alerts go (`alerts:`); empty: none are sent. */
  alerts: AlertTarget[];
  connections: ReadonlyMap<string, ConnectionConfig>;
  warnings: string[];
}
