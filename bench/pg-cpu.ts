/**
 * The CPU time PostgreSQL spends for one database, read from /proc: its backends (the processes
 * connected to the database) and the server's background processes (WAL writer, checkpointer,
 * background writer, autovacuum launcher). A monitor connection of its own looks the processes up
 * and is left out.
 */
import pg from 'pg';
import { cpuMsOf } from './proc.js';

export class DatabaseCpu {
  private constructor(
    private readonly monitor: pg.Client,
    private readonly database: string,
    private readonly me: number,
  ) {}

  static async open(connectionString: string): Promise<DatabaseCpu> {
    const monitor = new pg.Client({ connectionString });
    await monitor.connect();
    const row = (await monitor.query<{ db: string; me: number }>('SELECT current_database() AS db, pg_backend_pid() AS me')).rows[0]!;
    return new DatabaseCpu(monitor, row.db, row.me);
  }

  /** CPU ms by process id, now. */
  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.monitor.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE pid <> $2
          AND (datname = $1 OR backend_type IN ('checkpointer', 'background writer', 'walwriter', 'autovacuum launcher'))`,
      [this.database, this.me],
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = cpuMsOf(pid);
      if (ms !== null) cpu.set(pid, ms);
    }
    return cpu;
  }

  /** CPU ms spent between two samples; a process that started in between counts from zero. */
  static between(before: Map<number, number>, after: Map<number, number>): number {
    let ms = 0;
    for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
    return ms;
  }

  async close(): Promise<void> {
    await this.monitor.end();
  }
}
