/** Backpressure in SQLite: the work waiting, counted from partial indexes (waiting_work.sql). */
import type Database from 'better-sqlite3';
import type { WaitingWork } from '../store.js';

type Row = Record<string, unknown>;

export class WorkTables {
  private readonly waiting: Database.Statement;

  constructor(prepare: (name: string) => Database.Statement) {
    this.waiting = prepare('waiting_work');
  }

  waitingWork(now: number): WaitingWork {
    const row = this.waiting.get({ now }) as Row;
    return { hooks: Number(row.hooks), transfers: Number(row.transfers) };
  }
}
