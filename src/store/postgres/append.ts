/**
 * Appending hooks with group commit, delivery-id deduplication and the body replay guard, in
 * PostgreSQL: one transaction for a batch, its hooks and their payloads written by one multi-row
 * statement each.
 *
 * What the batch holds already is looked up first, all at once (delivery ids, body hashes); then
 * each hook is decided in order as the SQLite adapter decides it (../sqlite/append.ts): a copy of a
 * hook stored within the window, or of one earlier in the same batch, gets that hook's id. Two
 * processes given one delivery at once: the unique index makes the second insert wait for the
 * first and then insert nothing, and the second's append runs again and finds the first's hook.
 * Two given one guarded body: its advisory lock makes the second look it up after the first commits.
 */
import type { IncomingHook } from '../../domain/types.js';
import type { Appended, HookLease } from '../store.js';
import { notifyWork, RetryTransaction, type Sql } from './db.js';

interface Decision {
  /** The id the hook gets back. */
  id: number;
  duplicate: boolean;
}

export async function appendHooks(sql: Sql, hooks: readonly IncomingHook[], now: number, retentionMs: number, lease: HookLease | null): Promise<Appended[]> {
  const guarded = hooks.filter((hook) => hook.bodyGuard);
  if (guarded.length > 0) {
    const [connections, hashes] = [guarded.map((h) => h.connection), guarded.map((h) => h.bodyGuard!.hash)];
    await sql.run('lock_bodies', [connections, hashes]);
  }
  const bodies = new Map<string, { id: number; receivedAt: number }>();
  if (guarded.length > 0) {
    for (const row of await sql.rows('hooks_by_body', [guarded.map((h) => h.connection), guarded.map((h) => h.bodyGuard!.hash)])) {
      bodies.set(bodyKey(String(row.connection), row.hash as Buffer), { id: Number(row.hook_id), receivedAt: Number(row.received_at) });
    }
  }
  const delivered = hooks.filter((hook) => hook.deliveryId);
  const deliveries = new Map<string, { id: number; receivedAt: number }>();
  if (delivered.length > 0) {
    for (const row of await sql.rows('hooks_by_delivery', [delivered.map((h) => h.connection), delivered.map((h) => h.deliveryId!)])) {
      deliveries.set(deliveryKey(String(row.connection), String(row.delivery_id)), { id: Number(row.id), receivedAt: Number(row.received_at) });
    }
  }

  // Decide in order. New hooks get their ids once it is known how many there are.
  const stored: IncomingHook[] = [];
  const forgotten: number[] = [];
  const decisions: Array<Decision | { newIndex: number; duplicate: false } | { sameAs: number }> = [];
  const byDelivery = new Map<string, number>(); // delivery → index of the hook in this batch that holds it
  const byBody = new Map<string, number>();
  hooks.forEach((hook, i) => {
    if (hook.bodyGuard) {
      const key = bodyKey(hook.connection, hook.bodyGuard.hash);
      const inBatch = byBody.get(key);
      if (inBatch !== undefined) return void decisions.push({ sameAs: inBatch });
      const seen = bodies.get(key);
      if (seen && seen.receivedAt >= now - hook.bodyGuard.windowMs) return void decisions.push({ id: seen.id, duplicate: true });
    }
    if (hook.deliveryId) {
      const key = deliveryKey(hook.connection, hook.deliveryId);
      const inBatch = byDelivery.get(key);
      if (inBatch !== undefined) return void decisions.push({ sameAs: inBatch });
      byDelivery.set(key, i);
      const first = deliveries.get(key);
      if (first && first.receivedAt >= now - retentionMs) return void decisions.push({ id: first.id, duplicate: true });
      if (first) forgotten.push(first.id); // older than the window: the sender may use the id again
    }
    if (hook.bodyGuard) byBody.set(bodyKey(hook.connection, hook.bodyGuard.hash), i);
    decisions.push({ newIndex: stored.length, duplicate: false });
    stored.push(hook);
  });

  if (forgotten.length > 0) await sql.run('forget_deliveries', [forgotten]);
  const ids = stored.length > 0 ? (await sql.rows('reserve_hook_ids', [stored.length])).map((row) => Number(row.id)) : [];
  if (stored.length > 0) {
    const inserted = await sql.rows('append_hooks', [
      ids,
      stored.map((h) => h.connection),
      stored.map((h) => h.contentType),
      stored.map((h) => h.body.length),
      stored.map((h) => h.deliveryId ?? null),
      now,
      lease?.worker ?? null,
      lease?.until ?? null,
    ]);
    if (inserted.length < stored.length) throw new RetryTransaction('a delivery id of this batch was stored by another append meanwhile');
    await sql.run('append_hook_payloads', [ids, stored.map((h) => JSON.stringify(h.headers)), stored.map((h) => JSON.stringify(h.segments)), stored.map((h) => h.body)]);
    const remembered = stored.map((hook, i) => ({ hook, id: ids[i]! })).filter(({ hook }) => hook.bodyGuard);
    if (remembered.length > 0) {
      const connections = remembered.map(({ hook }) => hook.connection);
      await sql.run('remember_bodies', [connections, remembered.map(({ hook }) => hook.bodyGuard!.hash), remembered.map(({ id }) => id), now]);
      await sql.run('prune_body_hashes', [connections, remembered.map(({ hook }) => now - hook.bodyGuard!.windowMs)]);
    }
    // Hooks leased to the appending process's resolver wait for it alone (it is woken in-process);
    // others can be claimed by any worker process.
    if (lease === null) await notifyWork(sql, 'hooks');
  }

  const answers: Appended[] = [];
  for (const decision of decisions) {
    if ('sameAs' in decision) answers.push({ id: answers[decision.sameAs]!.id, duplicate: true });
    else if ('newIndex' in decision) answers.push({ id: ids[decision.newIndex]!, duplicate: false });
    else answers.push(decision);
  }
  return answers;
}

const bodyKey = (connection: string, hash: Buffer) => `${connection}\u0000${hash.toString('hex')}`;
const deliveryKey = (connection: string, deliveryId: string) => `${connection}\u0000${deliveryId}`;
