/**
 * Appending hooks with group commit, delivery-id deduplication and the body replay guard: one
 * transaction for a batch, each hook's state row and its payload row.
 */
import type Database from 'better-sqlite3';
import type { IncomingHook } from '../../domain/types.js';
import type { Appended } from '../store.js';
import type { HookLease } from '../roles/inbox.js';

type Row = Record<string, unknown>;

/**
 * Prepares the append transaction on a connection. The returned function takes hooks and the time
 * and returns `{ id, duplicate }` per hook, in order: a hook whose delivery id the connection saw
 * within `retentionMs`, or whose body it stored within its guard window, is not stored again and
 * gets the first hook's id. Both are looked up inside the transaction, so two copies in one batch
 * are stored once.
 */
export function prepareAppend(
  db: Database.Database,
  queries: Record<string, string>,
): (hooks: readonly IncomingHook[], now: number, retentionMs: number, lease: HookLease | null) => Appended[] {
  const prepare = (name: string) => db.prepare(queries[name]!);
  const appendHook = prepare('append_hook');
  const appendPayload = prepare('append_hook_payload');
  const byDelivery = prepare('hook_by_delivery');
  const forget = prepare('forget_delivery');
  const byBody = prepare('hook_by_body');
  const rememberBody = prepare('remember_body');
  const pruneBodies = prepare('prune_body_hashes');
  const addCount = prepare('add_hook_count');

  let lease: HookLease | null = null; // the batch's, set by append below
  let inserted = 0; // rows the batch added, counted once at its end (migration 014)
  const insert = (hook: IncomingHook, now: number): number | null => {
    const row = appendHook.get({
      connection: hook.connection,
      receivedAt: now,
      contentType: hook.contentType,
      bodyBytes: hook.body.length,
      deliveryId: hook.deliveryId ?? null,
      leaseOwner: lease?.worker ?? null,
      leaseUntil: lease?.until ?? null,
    }) as Row | undefined;
    if (!row) return null;
    inserted += 1;
    appendPayload.run({ hookId: row.id, headers: JSON.stringify(hook.headers), segments: JSON.stringify(hook.segments), body: hook.body });
    return Number(row.id);
  };

  const appendByDelivery = (hook: IncomingHook, now: number, retentionMs: number): Appended => {
    const id = insert(hook, now);
    if (id !== null) return { id, duplicate: false };
    const first = byDelivery.get({ connection: hook.connection, deliveryId: hook.deliveryId }) as Row;
    if (Number(first.received_at) >= now - retentionMs) return { id: Number(first.id), duplicate: true };
    forget.run({ id: first.id }); // older than the window: the sender may use the id again
    return { id: insert(hook, now)!, duplicate: false };
  };

  /** A guarded hook: a body seen within the window is a copy; else stored and its hash kept. */
  const appendGuarded = (hook: IncomingHook, guard: { hash: Buffer; windowMs: number }, now: number, retentionMs: number): Appended => {
    const since = now - guard.windowMs;
    const seen = byBody.get({ connection: hook.connection, hash: guard.hash, since }) as Row | undefined;
    if (seen) return { id: Number(seen.id), duplicate: true };
    const appended = appendByDelivery(hook, now, retentionMs);
    if (!appended.duplicate) {
      rememberBody.run({ connection: hook.connection, hash: guard.hash, hookId: appended.id, receivedAt: now });
      pruneBodies.run({ connection: hook.connection, since });
    }
    return appended;
  };

  const append = db.transaction((hooks: readonly IncomingHook[], now: number, retentionMs: number): Appended[] => {
    const appended = hooks.map((hook) => (hook.bodyGuard ? appendGuarded(hook, hook.bodyGuard, now, retentionMs) : appendByDelivery(hook, now, retentionMs)));
    if (inserted > 0) addCount.run({ status: 'received', n: inserted });
    return appended;
  });
  return (hooks, now, retentionMs, batchLease) => {
    lease = batchLease;
    inserted = 0;
    try {
      return append.immediate(hooks, now, retentionMs);
    } finally {
      lease = null;
    }
  };
}
