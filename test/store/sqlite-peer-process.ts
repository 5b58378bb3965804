/** The other side of sqlite-peer.ts: opens the file and runs each call it is sent. */
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const store = openSqliteStore({ file: process.argv[2]! }) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

process.on('message', async (message: { id: number; method: string; args: unknown[] }) => {
  try {
    const result = await store[message.method]!(...message.args);
    process.send!({ id: message.id, result });
  } catch (error) {
    process.send!({ id: message.id, error: { name: (error as Error).name, message: (error as Error).message } });
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
