/**
 * Saving resolutions in PostgreSQL: the hooks' outcomes, their notifications and their requests in
 * one transaction, each kind written by one multi-row statement. The enqueue rule is the SQLite
 * adapter's (../sqlite/sqlite-store.ts, saveTx), decided in memory over the locked records (enqueue.ts).
 */
import { isDeleteRequest } from '../../domain/scope.js';
import type { HookResolution } from '../store.js';
import type { Sql } from './db.js';
import { Enqueue, type TransferRow, type Waiting } from './enqueue.js';
import { plannedParams } from '../params.js';

export const coalescedInto = (into: Waiting) =>
  into.running ? `transfer ${into.id} for this record is running: it runs once more when it finishes` : `coalesced into transfer ${into.id}, which has not run yet`;

/** The number of hooks saved; a hook whose lease `worker` no longer holds is left alone. */
export async function saveResolutions(sql: Sql, worker: string, resolutions: readonly HookResolution[], now: number): Promise<number> {
  // One resolution per hook: a second one for the same hook finds it resolved already, as on SQLite.
  const seen = new Set<number>();
  const unique = resolutions.filter((r) => !seen.has(r.hookId) && seen.add(r.hookId));
  if (unique.length === 0) return 0;
  const rowsOf = new Map(unique.map((r) => [r, r.transfers.map((t) => plannedParams(t, r.hookId, null, now))] as const));
  const recordKeys = (rows: readonly TransferRow[]) => [...new Set(rows.filter((row) => row.status === 'queued').map((row) => row.recordKey))];
  // The records first (before the hooks' rows), as every transaction takes its locks.
  const enqueue = new Enqueue(sql);
  await enqueue.lock(recordKeys([...rowsOf.values()].flat()));
  const finished = new Set(
    (
      await sql.rows('finish_hooks', [
        unique.map((r) => r.hookId),
        unique.map((r) => r.status),
        unique.map((r) => r.errorCode),
        unique.map((r) => r.errorMessage),
        worker,
        now,
      ])
    ).map((row) => Number(row.id)),
  );
  const saved = unique.filter((r) => finished.has(r.hookId)); // others: the lease went to another worker
  if (saved.length === 0) return 0;
  const all = saved.flatMap((r) => rowsOf.get(r)!);
  await enqueue.load(recordKeys(all));
  await enqueue.reserve(all.length);
  const notificationCount = saved.reduce((n, r) => n + r.notifications.length, 0);
  const notificationIds = notificationCount > 0 ? (await sql.rows('reserve_notification_ids', [notificationCount])).map((row) => Number(row.id)) : [];

  const notifications: Array<{ id: number; hookId: number; seq: number; hookName: string | null; scope: string | null; externalId: string | null; status: string; reason: string | null }> = [];
  for (const resolution of saved) {
    const rows = rowsOf.get(resolution)!;
    // The enqueue rule, looked up before the notifications are written so that each says where
    // its request went. A second request for one record within this hook is absorbed by the
    // first once that has its id (its notification's reason is then set afterwards).
    // One Waiting per request id, so that two absorptions into one request see each other's payload.
    const byId = new Map<number, Waiting>();
    const waiting = rows.map((row) => {
      const into = enqueue.absorbing(row);
      if (into === null) return null;
      const seen = byId.get(into.id) ?? into;
      byId.set(seen.id, seen);
      return seen;
    });
    const absorbedBySeq = new Map(resolution.transfers.map((t, i) => [t.seq, waiting[i] ?? null] as const));
    const idOfSeq = new Map<number, (typeof notifications)[number]>();
    for (const n of resolution.notifications) {
      const into = absorbedBySeq.get(n.seq);
      const note = {
        id: notificationIds.shift()!,
        hookId: resolution.hookId,
        seq: n.seq,
        hookName: n.hookName,
        scope: n.scope?.name ?? null,
        externalId: n.externalId,
        status: n.status,
        reason: into == null ? n.reason : coalescedInto(into),
      };
      notifications.push(note);
      idOfSeq.set(n.seq, note);
    }
    const firstOfRecord = new Map<string, Waiting>();
    resolution.transfers.forEach((t, i) => {
      const row = rows[i]!;
      const into = waiting[i];
      const note = idOfSeq.get(t.seq);
      const notificationId = note?.id ?? null;
      if (into) {
        // A running request's mark keeps the notification: its follow-up is this notification's request.
        enqueue.absorbed(into, { ...row, notificationId });
        return;
      }
      const first = row.status === 'queued' && !isDeleteRequest(row) ? firstOfRecord.get(row.recordKey) : undefined;
      if (first !== undefined) {
        if (note) note.reason = coalescedInto(first);
        enqueue.absorbed(first, row);
        return;
      }
      const inserted: TransferRow = { ...row, notificationId };
      const id = enqueue.insert(inserted);
      if (row.status === 'queued') firstOfRecord.set(row.recordKey, { id, hasPayload: row.payloadHook != null, payloadVersion: row.payloadVersion ?? null });
    });
  }
  if (notifications.length > 0) {
    const column = <K extends keyof (typeof notifications)[number]>(key: K) => notifications.map((n) => n[key]);
    await sql.run('insert_notifications', [column('id'), column('hookId'), column('seq'), column('hookName'), column('scope'), column('externalId'), column('status'), column('reason')]);
  }
  await enqueue.flush(now);
  return saved.length;
}
