/**
 * The reference point for the ingest ratio: hookyard's design with nothing else — node:http, the
 * body parsed as JSON, group commit of one row per hook (WAL, synchronous=FULL or NORMAL, one
 * transaction for every request that arrived in one turn of the event loop), 202 {"hook":id}
 * after the commit, and then, in a transaction of its own per committed batch, each hook resolved:
 * its status written and one notification row with the body's id. No framework, no
 * authentication, no delivery ids, no receiver definition, no transfer requests, no counters.
 *
 * What hookyard does on top of this is what its CPU per hook adds to this server's.
 *
 * Usage: skeleton-server.ts <data dir> [full|normal]. Run by bench/run.ts when BENCH_SKELETON=1;
 * reports its port as one JSON line on stdout.
 */
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: skeleton-server.ts <data dir> [full|normal]\n');
  process.exit(2);
}
const db = new Database(join(dataDir, 'skeleton.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${process.argv[3] === 'normal' ? 'NORMAL' : 'FULL'}`);
db.exec(`
  CREATE TABLE IF NOT EXISTS hooks (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, status TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL);
  CREATE INDEX IF NOT EXISTS hooks_received ON hooks (id) WHERE status = 'received';
  CREATE TABLE IF NOT EXISTS notifications (id INTEGER PRIMARY KEY, hook_id INTEGER NOT NULL, external_id TEXT, status TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS notifications_by_hook ON notifications (hook_id);
`);
const insertHook = db.prepare("INSERT INTO hooks (received_at, status, headers, body) VALUES (?, 'received', ?, ?)");
const resolveHook = db.prepare("UPDATE hooks SET status = 'resolved' WHERE id = ? AND status = 'received'");
const insertNotification = db.prepare("INSERT INTO notifications (hook_id, external_id, status) VALUES (?, ?, 'planned')");

interface Taken {
  headers: string;
  body: Buffer;
  value: unknown;
  response: ServerResponse;
}
interface Stored {
  id: number;
  value: unknown;
}

const append = db.transaction((batch: Taken[], now: number): Stored[] =>
  batch.map((t) => ({ id: Number(insertHook.run(now, t.headers, t.body).lastInsertRowid), value: t.value })),
);
const resolve = db.transaction((batch: Stored[]) => {
  for (const { id, value } of batch) {
    resolveHook.run(id);
    const externalId = value !== null && typeof value === 'object' && 'id' in value ? String((value as { id: unknown }).id) : null;
    insertNotification.run(id, externalId);
  }
});

let pending: Taken[] = [];
let toResolve: Stored[] = [];

function commit(): void {
  const batch = pending;
  pending = [];
  const stored = append.immediate(batch, Date.now());
  if (toResolve.length === 0) setImmediate(resolveAll);
  toResolve.push(...stored);
  batch.forEach((t, i) => {
    const answer = `{"hook":${stored[i]!.id}}`;
    t.response.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    t.response.end(answer);
  });
}

function resolveAll(): void {
  const batch = toResolve;
  toResolve = [];
  resolve.immediate(batch);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (pending.length === 0) setImmediate(commit);
    pending.push({ headers: JSON.stringify(request.headers), body, value, response });
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ bench: 'ready', server: 'skeleton', port })}\n`);
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => {
    if (pending.length > 0) commit();
    if (toResolve.length > 0) resolveAll();
    db.close();
    process.exit(0);
  });
});
