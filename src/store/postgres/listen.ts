/**
 * Hearing what other processes stored: one connection of its own, outside the pool, that runs
 * LISTEN hookyard_work (notify_work.sql says who sends what). A notification comes only after the
 * sender's transaction committed, so what it names can be claimed by then.
 *
 * Polling stays the backstop: when the connection drops, it is opened again after a pause that
 * doubles from 100 ms up to 5 s; what was notified meanwhile is lost, so once listening again it
 * tells its listeners of both kinds of work, and the workers look once.
 */
import pg from 'pg';
import type { Work } from './db.js';

export const CHANNEL = 'hookyard_work';
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 5_000; // as long as a worker rests idle at most, so the backstop is no slower
const CONNECT_TIMEOUT_MS = 10_000;
const WORK = new Set<string>(['hooks', 'transfers']);

export type WorkListener = (work: Work) => void;

export class WorkChannel {
  private readonly listeners = new Set<WorkListener>();
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pauseMs = FIRST_PAUSE_MS;
  private started = false;
  private closed = false;

  constructor(private readonly url: string) {}

  /** Calls `listener` for each notification from now on; the function returned stops it. */
  watch(listener: WorkListener): () => void {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      void this.connect(false);
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async connect(again: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.retry();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== undefined && WORK.has(message.payload)) this.tell(message.payload as Work);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.closed || lost) return;
    this.pauseMs = FIRST_PAUSE_MS;
    if (again) {
      // Notifications sent while no connection listened are lost: look once for both kinds.
      this.tell('hooks');
      this.tell('transfers');
    }
  }

  private retry(): void {
    if (this.closed || this.timer !== null) return;
    const pause = this.pauseMs;
    this.pauseMs = Math.min(this.pauseMs * 2, MAX_PAUSE_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect(true);
    }, pause);
  }

  private tell(work: Work): void {
    for (const listener of [...this.listeners]) listener(work);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}
