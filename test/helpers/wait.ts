/** Small helpers for tests over real ports and processes: bounded waits, never timing assertions. */
import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (for a process that must know it in advance). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Waits until `check` holds, looking every 25 ms; fails naming `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 25) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
