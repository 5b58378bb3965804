// The append thread: group-committed hooks are written here, on a connection of its own, so the
// HTTP event loop never waits for SQLite's insert work or fsync. Plain JavaScript because worker
// threads on Node 20 do not inherit the TypeScript loader of the main thread.
//
// Protocol (structured-clone messages):
//   in:  { seq, now, hooks: [{ connection, headers, segments, contentType, body }] }
//   out: { seq, ids: number[] }  or  { seq, error: string }
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, durability } = workerData;
const query = (name) => readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${durability === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('busy_timeout = 5000'); // 5 s: a main-thread transaction holds the write lock briefly
const appendHook = db.prepare(query('append_hook'));
const appendPayload = db.prepare(query('append_hook_payload'));

const append = db.transaction((hooks, now) =>
  hooks.map((hook) => {
    const body = Buffer.from(hook.body.buffer, hook.body.byteOffset, hook.body.byteLength);
    const { id } = appendHook.get({ connection: hook.connection, receivedAt: now, contentType: hook.contentType, bodyBytes: body.length });
    appendPayload.run({ hookId: id, headers: JSON.stringify(hook.headers), segments: JSON.stringify(hook.segments), body });
    return Number(id);
  }),
);

parentPort.on('message', ({ seq, now, hooks }) => {
  try {
    parentPort.postMessage({ seq, ids: append.immediate(hooks, now) });
  } catch (error) {
    parentPort.postMessage({ seq, error: error instanceof Error ? error.message : String(error) });
  }
});
