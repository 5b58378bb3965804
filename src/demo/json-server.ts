/**
 * The HTTP side shared by the demo systems: a node:http server that authenticates every request,
 * applies injected failures and delays, routes, reads and writes JSON, and turns thrown DemoErrors
 * into each system's own error format. Handlers are synchronous because all state is in memory;
 * webhooks they queue start sending only on a later turn of the event loop, after the response is
 * written — unless a rule with `applyFirst` holds the response back, which is its point.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DemoError } from './demo-error.js';
import type { FailureAction, FailureInjector } from './failures.js';
import { safeDecode, type Router } from './router.js';

export interface JsonRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; `{}` when the request has none. */
  body: unknown;
}

export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ErrorInfo {
  status: number;
  message: string;
  field?: string | undefined;
  detail?: string | undefined;
}

export type JsonHandler = (request: JsonRequest) => JsonReply;

export interface JsonServerOptions {
  router: Router<JsonHandler>;
  failures: FailureInjector;
  /** An answer (401) when the request may not pass, else null. */
  authorize(headers: IncomingHttpHeaders): JsonReply | null;
  /** The system's error body, e.g. `{errors: …}` for the shop, `{error: …}` for the ERP. */
  errorBody(error: ErrorInfo): unknown;
  /**
   * After authentication: an answer (429) when the system's rate limit refuses the call, else
   * null. Counts the call against the limit.
   */
  admit?(): JsonReply | null;
  /** Told of every request as it arrives (method, path with query, headers), before anything else. */
  onRequest?(request: { method: string; url: string; headers: IncomingHttpHeaders }): void;
  /** Headers every answer carries, computed as it is sent (the shop's call-limit header). */
  replyHeaders?(): Record<string, string>;
  port: number;
  host: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

export async function startJsonServer(options: JsonServerOptions): Promise<RunningServer> {
  // Aborted on close, so a delayed request (FailureRule.delayMs) neither holds the process open
  // nor changes state after the system has stopped.
  const closing = new AbortController();
  const server = createServer((req, res) => {
    handle(options, req, closing.signal)
      .catch((error: unknown) => (closing.signal.aborted ? null : errorReply(options, error)))
      .then((reply) => (reply === null ? res.destroy() : send(res, { ...reply, headers: { ...options.replyHeaders?.(), ...reply.headers } })));
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => {
      closing.abort();
      return closeServer(server);
    },
  };
}

async function handle(options: JsonServerOptions, req: IncomingMessage, closing: AbortSignal): Promise<JsonReply> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://demo.invalid');
  options.onRequest?.({ method, url: req.url ?? '/', headers: req.headers });
  const denied = options.authorize(req.headers);
  if (denied) return denied;
  const limited = options.admit?.() ?? null;
  if (limited) return limited;
  // Injected failures come after authentication: they stand for the system failing on a valid call.
  const failure = options.failures.take({ method, path: url.pathname, decodedPath: safeDecode(url.pathname) ?? url.pathname });
  if (failure && !failure.applyFirst) {
    if (failure.delayMs > 0) await sleep(failure.delayMs, undefined, { signal: closing });
    if (failure.status !== undefined) return injected(options, failure);
  }
  // Errors become the reply here, so that with applyFirst a refused request is delayed too.
  const reply = await route(options, req, method, url).catch((error: unknown) => errorReply(options, error));
  if (failure?.applyFirst) {
    if (failure.delayMs > 0) await sleep(failure.delayMs, undefined, { signal: closing });
    if (failure.status !== undefined) return injected(options, failure);
  }
  return reply;
}

async function route(options: JsonServerOptions, req: IncomingMessage, method: string, url: URL): Promise<JsonReply> {
  const match = options.router.match(method, url.pathname);
  if (match === null) return { status: 404, body: options.errorBody({ status: 404, message: 'Not Found' }) };
  if (match === 'method') return { status: 405, body: options.errorBody({ status: 405, message: 'Method Not Allowed' }) };
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readJson(req) : {};
  return match.handler({ method, params: match.params, query: url.searchParams, headers: req.headers, body });
}

function injected(options: JsonServerOptions, failure: FailureAction): JsonReply {
  const status = failure.status!;
  return { status, body: failure.body ?? options.errorBody({ status, message: 'injected failure' }), ...(failure.headers ? { headers: failure.headers } : {}) };
}

function errorReply(options: JsonServerOptions, error: unknown): JsonReply {
  if (error instanceof DemoError) {
    const { status, message, field, detail } = error;
    return { status, body: options.errorBody({ status, message, field, detail }) };
  }
  // A bug in a demo system should be loud in the test output, not only a 500 somewhere.
  console.error('demo server error', error);
  return { status: 500, body: options.errorBody({ status: 500, message: 'Internal Server Error' }) };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new DemoError(400, 'body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DemoError(400, 'body is not valid JSON');
  }
}

function send(res: ServerResponse, reply: JsonReply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes the server and its keep-alive connections, so tests never wait on idle sockets. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
