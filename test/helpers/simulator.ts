/**
 * The plumbing under every provider simulator: a real node:http server on 127.0.0.1 (port 0
 * unless told), each request read whole, logged, and answered by the simulator's own function
 * with a status, a JSON body and headers. What a provider answers — paths, wrappers, paging,
 * rate-limit headers, error bodies — stays in the simulator; this file only carries it. And
 * closeAfterEach, so that no test leaves a server (or a hub) behind.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterEach } from 'vitest';

export interface SimulatorRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request the simulator received, with its answer once given. */
export interface Exchange extends SimulatorRequest {
  /** The status it was answered with (0 while it is being answered). */
  status: number;
  /** Every header it was answered with, lower-cased names. */
  answered: Record<string, string>;
  /** When it was answered (epoch ms). */
  at: number;
}

export interface Reply {
  status: number;
  /** Sent as JSON; none: an empty body (and no content-type unless `headers` names one). */
  json?: unknown;
  headers?: Record<string, string>;
}

/** A reply: `status` with `json` as its body. */
export function reply(status: number, json?: unknown, headers: Record<string, string> = {}): Reply {
  return { status, json, headers };
}

export interface Simulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Every request, in the order received. */
  received: Exchange[];
  close(): Promise<void>;
}

/**
 * Starts a server answering each request with `answer`. A thrown error (or rejected promise) is
 * answered 500 with the message, so a simulator's own bug shows up in the test, never as a hang.
 */
export async function startSimulator(answer: (request: SimulatorRequest) => Reply | Promise<Reply>, options: { port?: number } = {}): Promise<Simulator> {
  const received: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsed = new URL(req.url!, 'http://simulator');
      const request: SimulatorRequest = { method: req.method!, url: req.url!, path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const exchange: Exchange = { ...request, status: 0, answered: {}, at: 0 };
      received.push(exchange);
      const write = ({ status, json, headers = {} }: Reply) => {
        const text = json === undefined ? '' : JSON.stringify(json);
        const answered: Record<string, string> = text ? { 'content-type': 'application/json' } : {};
        for (const [name, value] of Object.entries(headers)) answered[name.toLowerCase()] = value;
        Object.assign(exchange, { status, answered, at: Date.now() });
        res.writeHead(status, answered);
        res.end(text);
      };
      Promise.resolve()
        .then(() => answer(request))
        .then(write, (error: unknown) => write(reply(500, { error: `simulator failed: ${(error as Error).message}` })));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Closable = { close(): Promise<void> | void } | { dispose(): Promise<void> | void };

/**
 * For a test file that starts servers and hubs inside its tests: call once at the top level; the
 * function it gives keeps what a test started and closes it after that test, last started first.
 */
export function closeAfterEach(): <T extends Closable>(started: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const started of open.splice(0).reverse()) await ('close' in started ? started.close() : started.dispose());
  });
  return (started) => {
    open.push(started);
    return started;
  };
}
