/**
 * A peer for the SQLite contract suites: the same database file opened by another process, as a
 * second `hookyard serve` would. Each call crosses to that process and runs there on its own
 * connection, so peers really race each other for SQLite's locks.
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { HubConflictError, LinkConflictError, type Store } from '../../src/store/store.js';

const PEER = resolve(import.meta.dirname, 'sqlite-peer-process.ts');

/** Errors the contract names, made again on this side so that `instanceof` holds. */
const KNOWN: Record<string, object> = { HubConflictError: HubConflictError.prototype, LinkConflictError: LinkConflictError.prototype };

export async function openSqlitePeer(file: string): Promise<Store> {
  const child = fork(PEER, [file], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let next = 0;
  await new Promise<void>((ready, failed) => {
    child.once('message', () => ready());
    child.once('exit', (code) => failed(new Error(`the store peer exited (code ${code}) before it was ready`)));
  });
  child.on('message', (message: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (!message.error) return call.resolve(message.result);
    const error = Object.assign(Object.create(KNOWN[message.error.name] ?? Error.prototype) as Error, message.error);
    call.reject(error);
  });
  const call = (method: string, args: unknown[]) =>
    new Promise((resolveCall, reject) => {
      const id = ++next;
      pending.set(id, { resolve: resolveCall, reject });
      child.send({ id, method, args });
    });
  return new Proxy({} as Store, {
    get(_, name) {
      if (name === 'kind') return 'sqlite';
      if (name === 'then') return undefined; // not a thenable
      if (name === 'close') {
        return async () => {
          if (child.connected) {
            await call('close', []);
            child.disconnect();
          }
          await exited;
        };
      }
      return (...args: unknown[]) => call(String(name), args);
    },
  });
}
