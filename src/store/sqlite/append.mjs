// Appending hooks with group commit and delivery-id deduplication: one implementation, used both
// by the append thread (append-thread.mjs) and in-process by SqliteStore. Plain JavaScript so
// that a worker thread can load it without the TypeScript loader.
import { readFileSync } from 'node:fs';

const query = (name) => readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');

/**
 * Prepares the append transaction on a connection. The returned function takes hooks and the
 * time, and returns `{ id, duplicate }` per hook, in order: a hook whose delivery id the
 * connection already saw within `retentionMs` is not stored again and gets the first hook's id.
 */
export function prepareAppend(db) {
  const appendHook = db.prepare(query('append_hook'));
  const appendPayload = db.prepare(query('append_hook_payload'));
  const byDelivery = db.prepare(query('hook_by_delivery'));
  const forget = db.prepare(query('forget_delivery'));

  const insert = (hook, now) => {
    const body = Buffer.isBuffer(hook.body) ? hook.body : Buffer.from(hook.body.buffer, hook.body.byteOffset, hook.body.byteLength);
    const row = appendHook.get({ connection: hook.connection, receivedAt: now, contentType: hook.contentType, bodyBytes: body.length, deliveryId: hook.deliveryId ?? null });
    if (!row) return null;
    appendPayload.run({ hookId: row.id, headers: JSON.stringify(hook.headers), segments: JSON.stringify(hook.segments), body });
    return Number(row.id);
  };

  const append = db.transaction((hooks, now, retentionMs) =>
    hooks.map((hook) => {
      const id = insert(hook, now);
      if (id !== null) return { id, duplicate: false };
      const first = byDelivery.get({ connection: hook.connection, deliveryId: hook.deliveryId });
      if (Number(first.received_at) >= now - retentionMs) return { id: Number(first.id), duplicate: true };
      forget.run({ id: first.id });
      return { id: insert(hook, now), duplicate: false };
    }),
  );
  return (hooks, now, retentionMs) => append.immediate(hooks, now, retentionMs);
}
