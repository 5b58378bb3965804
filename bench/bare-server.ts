/**
 * The ceiling: a bare node:http server that reads each request body to the end and answers
 * 202 {"hook":1} without storing anything. Run as a child process by bench/run.ts; reports its
 * bound port as one JSON line on stdout and exits on SIGTERM.
 */
import { createServer } from 'node:http';

const ANSWER = Buffer.from(JSON.stringify({ hook: 1 }));

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    Buffer.concat(chunks); // hold the whole body once, as a real handler would
    response.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': ANSWER.length });
    response.end(ANSWER);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ bench: 'ready', server: 'bare', port })}\n`);
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
