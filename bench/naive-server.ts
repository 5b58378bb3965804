/**
 * The reference point: a naive durable endpoint — node:http plus better-sqlite3, one INSERT
 * (its own transaction, WAL, synchronous=FULL or NORMAL) per request, answered 202 {"hook":id} after the
 * insert. No framework, no auth, no resolver. Usage: naive-server.ts <data dir> [full|normal].
 * Run by bench/run.ts when BENCH_NAIVE=1; reports its port as one JSON line on stdout.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: naive-server.ts <data dir>\n');
  process.exit(2);
}
const db = new Database(join(dataDir, 'naive.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${process.argv[3] === 'normal' ? 'NORMAL' : 'FULL'}`);
db.exec('CREATE TABLE IF NOT EXISTS hooks (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO hooks (received_at, headers, body) VALUES (?, ?, ?)');

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const { lastInsertRowid } = insert.run(Date.now(), JSON.stringify(request.headers), Buffer.concat(chunks));
    const answer = JSON.stringify({ hook: Number(lastInsertRowid) });
    response.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ bench: 'ready', server: 'naive', port })}\n`);
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => {
    db.close();
    process.exit(0);
  });
});
