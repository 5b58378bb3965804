/**
 * The demo on PostgreSQL: `HOOKYARD_DATABASE_URL=postgres://… npm start`. The demo systems start
 * empty each run, so the demo's store must too — but the database the URL names is never touched:
 * the demo makes a database of its own on that server, `hookyard_demo_<port>`, anew at each start.
 * One an earlier demo made carries a comment saying so and is dropped; a database of that name
 * without it is left alone, and the demo stops with a message.
 */
import pg from 'pg';
import { HyError } from '../errors.js';
import { maskDatabaseUrl } from '../config/database-url.js';

const MARK = 'made by hookyard demo, which drops it at its next start';

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new HyError('HY_ERR_STORE_UNAVAILABLE', `${maskDatabaseUrl(url)}: ${(error as Error).message}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Makes the demo's database anew on the server `url` names; resolves with its URL. */
export async function freshDemoDatabase(url: string, port: number): Promise<{ url: string; name: string }> {
  const name = `hookyard_demo_${port}`;
  await onServer(url, async (client) => {
    const { rows } = await client.query<{ mark: string | null }>(
      'SELECT shobj_description(oid, $2) AS mark FROM pg_database WHERE datname = $1',
      [name, 'pg_database'],
    );
    if (rows.length > 0) {
      if (rows[0]!.mark !== MARK) {
        throw new HyError('HY_ERR_CONFIG_INVALID', `database ${name} on ${maskDatabaseUrl(url)} was not made by the demo; the demo makes its own database anew at each start and leaves this one alone. Drop or rename it, or run the demo on another PORT`);
      }
      await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE ${name}`);
    await client.query(`COMMENT ON DATABASE ${name} IS '${MARK}'`);
  });
  const demo = new URL(url);
  demo.pathname = `/${name}`;
  return { url: demo.toString(), name };
}
