/**
 * A tiny real webhook receiver for the demo-system tests: a node:http server that records every
 * request and answers 202, or the statuses it is told to answer with next.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent. */
  raw: string;
  json: unknown;
  /** The status this receiver answered with. */
  status: number;
}

export interface Receiver {
  url: string;
  hooks: ReceivedHook[];
  /** The next requests are answered with these statuses, in order; then 202 again. */
  answerNext(...statuses: number[]): void;
  /** Every request is answered with this status until changed; null restores 202. */
  answerAlways(status: number | null): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hooks: ReceivedHook[] = [];
  const next: number[] = [];
  let always: number | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = next.shift() ?? always ?? 202;
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        // recorded as null; the tests assert on it
      }
      hooks.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 202 ? { hook: hooks.length } : { error: 'test receiver says no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    answerNext: (...statuses) => next.push(...statuses),
    answerAlways: (status) => {
      always = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A JSON request to a demo system; returns the status and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** Polls until `check` holds, at most `timeoutMs`; for waiting on things without a settle(). */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
