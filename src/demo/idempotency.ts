/**
 * `Idempotency-Key` on creates, as payment and shop APIs offer it: the first request with a key
 * creates the record and the key is remembered with its id; a later request with the same key
 * creates nothing and is answered with that record as it is now. This is what lets a hub retry a
 * create whose answer it never saw (a crash, a timeout) without making a duplicate.
 *
 * Keys are remembered per resource kind ('products', 'items', …) for the life of the system, and
 * the body of the repeated request is not compared with the first one: the key alone decides.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalid } from './demo-error.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export type CreateOutcome<T> = { record: T; created: true } | { record: T; created: false };

export class IdempotencyKeys<Id> {
  private readonly ids = new Map<string, Id>();

  /**
   * Creates through `create` unless this request's key already created a record of this kind;
   * then answers with `find(id)` instead. A key whose record has since been deleted is refused
   * (422): there is no current state to answer with, and creating again would break the promise.
   */
  create<T>(
    kind: string,
    headers: IncomingHttpHeaders,
    find: (id: Id) => T | undefined,
    create: () => T,
    idOf: (record: T) => Id,
  ): CreateOutcome<T> {
    const key = keyOf(headers);
    if (key === null) return { record: create(), created: true };
    const slot = `${kind}\n${key}`;
    const known = this.ids.get(slot);
    if (known !== undefined) {
      const record = find(known);
      if (record === undefined) {
        throw invalid('Idempotency-Key', `was used to create ${kind} ${String(known)}, which has since been deleted`);
      }
      return { record, created: false };
    }
    // Remembered only after create succeeded: a refused create leaves the key free for a fixed retry.
    const record = create();
    this.ids.set(slot, idOf(record));
    return { record, created: true };
  }
}

function keyOf(headers: IncomingHttpHeaders): string | null {
  const raw = headers[IDEMPOTENCY_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value.trim() === '' ? null : value;
}
