/**
 * The connection side of the PostgreSQL store: a pool, the named queries of queries/, and
 * transactions on one pooled client. Nothing here crosses the Store interface.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadQueries } from '../sql-files.js';

const here = dirname(fileURLToPath(import.meta.url));
export const QUERIES = loadQueries(join(here, 'queries'));

export type Row = Record<string, unknown>;

/**
 * What the store reads back: bigint as a number (ids, times and counts stay below 2^53), and json /
 * jsonb as their text — the row mappers shared with SQLite (../rows.ts) parse JSON themselves.
 */
const TYPE_OIDS = { int8: 20, json: 114, jsonb: 3802 } as const;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TYPE_OIDS.int8) return (value: string) => Number(value);
    if (oid === TYPE_OIDS.json || oid === TYPE_OIDS.jsonb) return (value: string) => value;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

/** Runs the named queries of queries/, on the pool (each its own transaction) or inside one. */
export interface Sql {
  rows(name: string, values?: readonly unknown[]): Promise<Row[]>;
  row(name: string, values?: readonly unknown[]): Promise<Row | undefined>;
  /** The number of rows the statement wrote. */
  run(name: string, values?: readonly unknown[]): Promise<number>;
}

function sqlOn(target: pg.Pool | pg.PoolClient): Sql {
  const query = (name: string, values: readonly unknown[] = []) => {
    const text = QUERIES[name];
    if (text === undefined) throw new Error(`missing query ${name}.sql`);
    // Named: prepared once per connection, then only bound and run.
    return target.query({ name, text, values: values as unknown[] });
  };
  return {
    rows: async (name, values) => (await query(name, values)).rows as Row[],
    row: async (name, values) => (await query(name, values)).rows[0] as Row | undefined,
    run: async (name, values) => (await query(name, values)).rowCount ?? 0,
  };
}

/** Serialization failure and deadlock: the transaction is rolled back and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/** Thrown inside a transaction to roll it back and run it again (a concurrent writer won a race it can see next time). */
/** What a transaction stored for idle workers elsewhere to take (listen.ts hears it). */
export type Work = 'hooks' | 'transfers';

/** Notifies the listening processes of `work`, on this transaction's commit (notify_work.sql). */
export async function notifyWork(sql: Sql, work: Work): Promise<void> {
  await sql.run('notify_work', [work]);
}

export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RetryTransaction';
  }
}

export interface DbOptions {
  url: string;
  poolSize: number;
}

export class Db {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Single statements, each committed on its own. */
  readonly sql: Sql;

  constructor(options: DbOptions) {
    this.url = options.url;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      types,
      // Everything but appended hooks is written at `normal` (see PostgresStoreOptions.durability):
      // derived from stored hooks and the systems' own records, it is redone when a crash loses it.
      options: '-c synchronous_commit=off',
    });
    // A pooled connection that fails while idle (the server restarted, an operator ended it) is
    // dropped from the pool; the next query opens a new one. Without a listener it would end the process.
    this.pool.on('error', () => {});
    this.sql = sqlOn(this.pool);
  }

  /**
   * Runs `work` in one transaction on one pooled client: BEGIN, COMMIT, or ROLLBACK when it throws.
   * A deadlock or serialization failure, or a RetryTransaction, runs it again from the start, so
   * `work` must keep no state outside the database between attempts. `synchronousCommit` sets
   * synchronous_commit for this transaction (the session's is off).
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>, options: { synchronousCommit?: boolean } = {}): Promise<T> {
    const begin = options.synchronousCommit === undefined ? 'BEGIN' : `BEGIN; SET LOCAL synchronous_commit = ${options.synchronousCommit ? 'on' : 'off'}`;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(begin);
        const result = await work(sqlOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is gone: do not hand it out again
        }
        const code = (error as { code?: unknown }).code;
        const again = error instanceof RetryTransaction || (typeof code === 'string' && RETRYABLE.has(code));
        if (!again || attempt >= MAX_ATTEMPTS) throw error;
      } finally {
        client.release(broken);
      }
      // A little apart, so that the two that collided do not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
