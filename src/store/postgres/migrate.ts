/**
 * Numbered migrations (migrations/NNN_name.sql), safe when several processes start at once: each
 * runs them in one transaction that first takes a transaction-level advisory lock, so the others
 * wait, and then find the work done in schema_migrations. A failed migration rolls back whole.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { HyError } from '../../errors.js';
import { loadMigrations } from '../sql-files.js';

const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS = loadMigrations(join(here, 'migrations'));

/**
 * The advisory lock migrations take: 'hookyard' in ASCII as a bigint, in the one-key space (the
 * store's other advisory locks use the two-key space, which never overlaps it).
 */
const MIGRATION_LOCK = "x'686f6f6b79617264'::bigint";

/** Whether hookyard has migrated the database (its schema_migrations table is on the search path). */
export async function hasStore(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ table: string | null }>("SELECT to_regclass('schema_migrations')::text AS table");
  return rows[0]?.table != null;
}

/** `where` names the database in messages (never with its password). */
export async function migrate(pool: pg.Pool, where: string): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((row: { version: number }) => Number(row.version)));
      const newest = Math.max(0, ...done);
      if (newest > MIGRATIONS.length) {
        throw new HyError(
          'HY_ERR_STORE_MIGRATION',
          `${where} was migrated to version ${newest} by a newer hookyard; this one knows ${MIGRATIONS.length}. Upgrade hookyard or use another database`,
        );
      }
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        try {
          await client.query(migration.sql);
        } catch (error) {
          throw new HyError(
            'HY_ERR_STORE_MIGRATION',
            `migration ${migration.version} (${migration.name}) failed on ${where}: ${(error as Error).message}. Nothing was changed; report this with the PostgreSQL version`,
            { cause: error },
          );
        }
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
