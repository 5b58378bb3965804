// The append thread: group-committed hooks are written here, on a connection of its own, so the
// HTTP event loop never waits for SQLite's insert work or fsync. Plain JavaScript because worker
// threads on Node 20 do not inherit the TypeScript loader of the main thread.
//
// Protocol (structured-clone messages):
//   in:  { seq, now, retentionMs, hooks: [{ connection, headers, segments, contentType, body, deliveryId }] }
//   out: { seq, appended: [{ id, duplicate }] }  or  { seq, error: string }
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareAppend } from './append.mjs';

const { file, durability } = workerData;
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${durability === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('busy_timeout = 5000'); // 5 s: a main-thread transaction holds the write lock briefly
const append = prepareAppend(db);

parentPort.on('message', ({ seq, now, retentionMs, hooks }) => {
  try {
    parentPort.postMessage({ seq, appended: append(hooks, now, retentionMs) });
  } catch (error) {
    parentPort.postMessage({ seq, error: error instanceof Error ? error.message : String(error) });
  }
});
