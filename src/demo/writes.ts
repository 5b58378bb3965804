/**
 * Counts successful create/update/delete calls made through a demo system's REST API, by
 * resource kind and record id, so tests can see for example that the hub created a product
 * twice. Changes made through the merchant methods are not API calls and are not counted.
 */
export type WriteOp = 'create' | 'update' | 'delete';

export interface WriteEntry<Id> {
  kind: string;
  op: WriteOp;
  id: Id;
}

export class WriteCounter<Id extends string | number> {
  /** Every counted write, oldest first. */
  readonly log: WriteEntry<Id>[] = [];

  record(kind: string, op: WriteOp, id: Id): void {
    this.log.push({ kind, op, id });
  }

  /** Writes of this kind, optionally only of one operation and/or one record. */
  count(kind: string, op?: WriteOp, id?: Id): number {
    return this.log.filter((w) => w.kind === kind && (op === undefined || w.op === op) && (id === undefined || w.id === id))
      .length;
  }
}
