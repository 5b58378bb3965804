/**
 * HTTP at the byte level, for tests that send what fetch refuses to: any method, path, header
 * bytes and framing. `exchange` writes raw bytes on a fresh socket and parses whatever comes back;
 * `send` goes through node:http (keep-alive agents, duplicate headers, chunked bodies).
 */
import http from 'node:http';
import net from 'node:net';

export interface WireResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface ExchangeResult {
  /** Every complete response read, in order (1xx interim responses skipped). */
  responses: WireResponse[];
  /** Bytes after the last complete response (a truncated answer), if any. */
  rest: Buffer;
  /** The socket closed (by either side) before the deadline. */
  closed: boolean;
  timedOut: boolean;
  error: string | null;
  elapsedMs: number;
}

function indexOfCrlfCrlf(buffer: Buffer, from: number): number {
  return buffer.indexOf('\r\n\r\n', from, 'latin1');
}

/** Decodes a chunked body starting at `at`; null when it is incomplete. */
function dechunk(buffer: Buffer, at: number): { body: Buffer; end: number } | null {
  const parts: Buffer[] = [];
  let pos = at;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', pos, 'latin1');
    if (lineEnd === -1) return null;
    const size = Number.parseInt(buffer.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size)) return null;
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers, then an empty line.
      const end = indexOfCrlfCrlf(buffer, pos - 2);
      if (end === -1) return null;
      return { body: Buffer.concat(parts), end: end + 4 };
    }
    if (buffer.length < pos + size + 2) return null;
    parts.push(buffer.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/**
 * Parses every complete HTTP/1.x response in `buffer`. `bodiless[i]` says that the i-th request
 * was a HEAD (its answer has no body whatever its headers say). A response without length or
 * chunking runs to the end of the stream when `ended`.
 */
export function parseResponses(buffer: Buffer, ended: boolean, bodiless: readonly boolean[] = []): { responses: WireResponse[]; rest: Buffer } {
  const responses: WireResponse[] = [];
  let pos = 0;
  for (;;) {
    const headEnd = indexOfCrlfCrlf(buffer, pos);
    if (headEnd === -1) break;
    const lines = buffer.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const match = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
    if (!match) break;
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      pos = bodyStart;
      continue;
    }
    const noBody = bodiless[responses.length] === true || status === 204 || status === 304;
    let body: Buffer;
    if (noBody) {
      body = Buffer.alloc(0);
    } else if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
      const decoded = dechunk(buffer, bodyStart);
      if (!decoded) break;
      body = decoded.body;
      bodyStart = decoded.end;
      responses.push({ status, headers, body });
      pos = bodyStart;
      continue;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (buffer.length < bodyStart + length) break;
      body = buffer.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    } else {
      if (!ended) break;
      body = buffer.subarray(bodyStart);
      bodyStart = buffer.length;
    }
    responses.push({ status, headers, body });
    pos = bodyStart;
  }
  return { responses, rest: buffer.subarray(pos) };
}

export interface ExchangeOptions {
  /** Give up (and destroy the socket) after this long. */
  timeoutMs?: number;
  /** Half-close the socket after writing (the server sees EOF). */
  end?: boolean;
  /** Which of the pipelined requests are HEAD requests. */
  bodiless?: readonly boolean[];
}

/** Writes `bytes` on a new connection and reads until the server closes it (or the deadline). */
export function exchange(port: number, bytes: Buffer | string, options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const { responses, rest } = parseResponses(Buffer.concat(chunks), true, options.bodiless);
      resolve({ responses, rest, closed: !timedOut, timedOut, error, elapsedMs: Date.now() - started });
    });
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    if (options.end) socket.end();
  });
}

export interface SendRequest {
  method: string;
  path: string;
  /** In order; a name may repeat. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
}

/** What the last answer on a reused keep-alive socket was, when a request on it failed. */
export interface PreviousAnswer {
  request: string;
  status: number;
  /** Its Connection header (undefined: none, so the client kept the socket for the next request). */
  connection: string | undefined;
}

export type SendResult =
  | { ok: true; response: WireResponse; elapsedMs: number }
  | { ok: false; error: string; elapsedMs: number; previous: PreviousAnswer | null };

const LAST_ANSWER = Symbol('last answer on this socket');

/** One request through node:http; never rejects (a transport failure is `{ ok: false }`). */
export function send(port: number, agent: http.Agent, request: SendRequest, timeoutMs = 15_000): Promise<SendResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(result);
    };
    const has = (name: string) => request.headers.some(([given]) => given.toLowerCase() === name);
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: '127.0.0.1',
        port,
        agent,
        method: request.method,
        path: request.path,
        // Headers as a raw list keep their order and repeats; node then adds no Host of its own.
        // A body always gets a Content-Length: node sends a GET's or HEAD's body unframed
        // otherwise, and the server reads it as the start of the next request on the connection.
        headers: [
          ...(has('host') ? [] : ['host', `127.0.0.1:${port}`]),
          ...request.headers.flat(),
          ...(request.body && request.body.length > 0 && !has('content-length') && !has('transfer-encoding') ? ['content-length', String(request.body.length)] : []),
        ] as unknown as http.OutgoingHttpHeaders,
      });
    } catch (error) {
      // node:http refused to send it (an invalid method, path or header): nothing reached the server.
      settle({ ok: false, error: `refused by node:http: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, elapsedMs: 0, previous: null });
      return;
    }
    timer = setTimeout(() => {
      req.destroy(new Error('client timeout'));
    }, timeoutMs);
    let previous: PreviousAnswer | null = null;
    req.on('socket', (socket) => {
      previous = (socket as unknown as Record<symbol, PreviousAnswer | undefined>)[LAST_ANSWER] ?? null;
    });
    req.on('response', (res) => {
      if (req.socket) {
        (req.socket as unknown as Record<symbol, PreviousAnswer>)[LAST_ANSWER] = {
          request: `${request.method} ${request.path.slice(0, 200)}`,
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
        };
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        settle({ ok: true, response: { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) }, elapsedMs: Date.now() - started });
      });
      res.on('error', (e: NodeJS.ErrnoException) => settle({ ok: false, error: `response: ${e.code ?? e.message}`, elapsedMs: Date.now() - started, previous }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => settle({ ok: false, error: e.code ?? e.message, elapsedMs: Date.now() - started, previous }));
    if (request.body && request.body.length > 0) req.end(request.body);
    else req.end();
  });
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}
