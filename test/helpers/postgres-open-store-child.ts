/**
 * A separate process that opens a PostgreSQL store when told to, for tests of processes starting
 * at once on one database. Run with `node --import tsx postgres-open-store-child.ts URL NAME`.
 * Prints `ready` once loaded, waits for a line on stdin, prints `opening`, opens the store
 * (migrating the database if needed), appends one hook whose body is NAME, and exits 0; on any
 * error it prints the error and exits 1.
 */
import { createInterface } from 'node:readline';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';

const [url, name] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: postgres-open-store-child.ts URL NAME');

const lines = createInterface({ input: process.stdin });
console.log('ready');
await new Promise<void>((go) => lines.once('line', () => go()));
lines.close();
console.log('opening');
try {
  const store = await openPostgresStore({ url, poolSize: 1 });
  await store.appendHooks([{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from(name) }], Date.now());
  await store.close();
  console.log('opened');
} catch (error) {
  console.log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
