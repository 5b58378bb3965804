/**
 * PostgreSQL for tests: the server named by HOOKYARD_TEST_DATABASE_URL (default the local one), a
 * template database migrated once per test file, and a fresh database per test copied from it
 * (CREATE DATABASE … TEMPLATE), dropped when the test ends. Databases are named hy_test_<pid>_…,
 * so that test runs beside each other on one server never touch each other's.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';

export const TEST_DATABASE_URL = process.env.HOOKYARD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's address without credentials, for messages. */
export function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}

/** The error that kept us from connecting, or null when the server answers. */
export async function unreachable(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of database `name` on the test server. */
export function urlOf(name: string, url = TEST_DATABASE_URL): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs one statement on the test server's own database (CREATE / DROP DATABASE cannot run in a transaction). */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const prefix = `hy_test_${process.pid}_${randomBytes(3).toString('hex')}`;
let made = 0;
let template: Promise<string> | null = null;

/** A database made empty here (not migrated); drop it with dropDatabase. */
export async function createDatabase(from?: string): Promise<string> {
  const name = `${prefix}_${++made}`;
  await admin(`CREATE DATABASE ${name}${from ? ` TEMPLATE ${from}` : ''}`);
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A database with the store's schema, copied from a template migrated once by this process. */
export async function migratedDatabase(): Promise<string> {
  template ??= (async () => {
    const name = await createDatabase();
    const store = await openPostgresStore({ url: urlOf(name), poolSize: 1 });
    await store.close();
    return name;
  })();
  return createDatabase(await template);
}

/** Drops the template (after the file's last test). */
export async function dropTemplate(): Promise<void> {
  if (template === null) return;
  const name = await template.catch(() => null);
  template = null;
  if (name) await dropDatabase(name);
}
