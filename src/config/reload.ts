/**
 * What a reload compares between the running configuration and a newly loaded one (pure; the
 * hub's reload in src/reload.ts does the loading, the swap and the logging).
 *
 * Most of the file takes effect at the next use: connections (mappings, settings, scopes,
 * receivers, credentials, throttles, polls), `limits`, `server.maxBacklog`,
 * `server.maxQueuedTransfers`, `engine.echoWindow` and `engine.resolveFirst`. The settings in
 * RESTART_ONLY are fixed when the process starts (the store it opened, the socket it listens on,
 * the HTTP server's limits, the worker's slots and lease, the data types the API validates
 * against): a reload that changes any of them is refused as a whole, naming each, so that the
 * running configuration is always exactly one file's content.
 */
import { createHash } from 'node:crypto';
import { targetName } from './database-url.js';
import { maskDatabaseUrl } from './database-url.js';
import type { HubConfig } from './types.js';

/** A setting that takes effect only at start, with how to show its value (never a password). */
interface RestartOnly {
  path: string;
  value: (config: HubConfig) => string;
}

const shown = (value: unknown): string => (value === null || value === undefined ? '(not set)' : String(value));

export const RESTART_ONLY: readonly RestartOnly[] = [
  { path: 'store.url', value: (c) => (c.store.url === null ? '(SQLite in the data directory)' : maskDatabaseUrl(c.store.url)) },
  { path: 'store.durability', value: (c) => c.store.durability },
  { path: 'store.poolSize', value: (c) => shown(c.store.poolSize) },
  { path: 'server.host', value: (c) => c.server.host },
  { path: 'server.port', value: (c) => String(c.server.port) },
  { path: 'server.bodyLimitBytes', value: (c) => String(c.server.bodyLimitBytes) },
  { path: 'server.requestTimeout', value: (c) => `${c.server.requestTimeoutMs} ms` },
  { path: 'engine.concurrency', value: (c) => String(c.engine.concurrency) },
  { path: 'engine.lease', value: (c) => `${c.engine.leaseMs} ms` },
  { path: 'engine.shutdownGrace', value: (c) => `${c.engine.shutdownGraceMs} ms` },
  // The alert senders and their queues are made at start. A secret is shown by a short digest only.
  {
    path: 'alerts',
    value: (c) =>
      c.alerts.length === 0
        ? '(none)'
        : c.alerts.map((a) => `${targetName(a.url)} [${[...a.events].join(', ')}] backlogHigh ${a.backlogHigh} secret ${createHash('sha256').update(a.secret).digest('hex').slice(0, 8)}`).join('; '),
  },
];

/** Each restart-only setting that differs, as `path: old → new`. */
export function restartOnlyChanges(running: HubConfig, next: HubConfig): string[] {
  const changes: string[] = [];
  for (const setting of RESTART_ONLY) {
    const before = setting.value(running);
    const after = setting.value(next);
    if (before !== after) changes.push(`${setting.path}: ${before} → ${after}`);
  }
  // The data types the API validates against (built in, then `types:`): named, not listed whole.
  const added = next.dataTypes.filter((type) => !running.dataTypes.includes(type));
  const removed = running.dataTypes.filter((type) => !next.dataTypes.includes(type));
  if (added.length > 0 || removed.length > 0) {
    changes.push(`types: ${[...(added.length ? [`added ${added.join(', ')}`] : []), ...(removed.length ? [`removed ${removed.join(', ')}`] : [])].join(', ')}`);
  }
  return changes;
}

export interface ConnectionChanges {
  /** Every connection of the new configuration, in file order. */
  connections: string[];
  added: string[];
  removed: string[];
  /** In both, built from a different section of the file or a different integration. */
  changed: string[];
}

export function connectionChanges(running: HubConfig, next: HubConfig): ConnectionChanges {
  const connections = [...next.connections.keys()];
  const added = connections.filter((name) => !running.connections.has(name));
  const removed = [...running.connections.keys()].filter((name) => !next.connections.has(name));
  const changed = connections.filter((name) => {
    const before = running.connections.get(name);
    return before !== undefined && before.fingerprint !== next.connections.get(name)!.fingerprint;
  });
  return { connections, added, removed, changed };
}

/** The top-level settings that take effect at once and differ, by their path in the file. */
export function liveSettingChanges(running: HubConfig, next: HubConfig): string[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['limits.notificationsPerHook', running.limits.notificationsPerHook, next.limits.notificationsPerHook],
    ['server.maxBacklog', running.server.maxBacklog, next.server.maxBacklog],
    ['server.maxQueuedTransfers', running.server.maxQueuedTransfers, next.server.maxQueuedTransfers],
    ['engine.echoWindow', running.engine.echoWindowMs, next.engine.echoWindowMs],
    ['engine.resolveFirst', running.engine.resolveFirstMs, next.engine.resolveFirstMs],
  ];
  return pairs.filter(([, before, after]) => before !== after).map(([path]) => path);
}
