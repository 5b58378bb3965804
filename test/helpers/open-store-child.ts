/**
 * A separate process that opens a SQLite store when told to, for tests of processes starting at
 * once on one file. Run with `node --import tsx open-store-child.ts FILE NAME`. Prints `ready` once
 * loaded, waits for a line on stdin, prints `opening`, opens the store (migrating it if needed),
 * appends one hook whose body is NAME, and exits 0; on any error it prints the error and exits 1.
 */
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [file, name] = process.argv.slice(2);
if (!file || !name) throw new Error('usage: open-store-child.ts FILE NAME');

const lines = createInterface({ input: process.stdin });
console.log('ready');
await new Promise<void>((go) => lines.once('line', () => go()));
lines.close();
console.log('opening');
try {
  const store = openSqliteStore({ file });
  await store.appendHooks([{ connection: 'c', headers: {}, segments: [], contentType: null, body: Buffer.from(name) }], Date.now());
  await store.close();
  console.log('opened');
} catch (error) {
  console.log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
