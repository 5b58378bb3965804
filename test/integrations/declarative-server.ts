/**
 * For the declarative api tests: a real JSON API on 127.0.0.1 (node:http, port 0) whose routes a
 * test writes as plain handlers, recording every request it receives; and an integration built
 * from YAML text the way a connection's file is loaded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIntegrationFile } from '../../src/integrations/registry.js';
import type { Integration } from '../../src/integrations/types.js';
import { tempDir } from '../helpers/hub.js';

export interface Received {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
}

export type Route = (request: Received & { query: URLSearchParams; path: string; json: () => any }) => Answer | undefined;

export interface ApiServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startApi(route: Route): Promise<ApiServer> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(entry);
      const parsed = new URL(req.url!, 'http://x');
      const answer = route({ ...entry, query: parsed.searchParams, path: parsed.pathname, json: () => JSON.parse(body) }) ?? {
        status: 404,
        json: { error: 'not_found' },
      };
      const text = answer.json === undefined ? '' : JSON.stringify(answer.json);
      res.writeHead(answer.status ?? 200, { ...(text ? { 'content-type': 'application/json' } : {}), ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Loads YAML text as an integration file; throws with the problems when it does not load. */
export function integrationFromYaml(yaml: string): Integration {
  const result = loadYaml(yaml);
  if (!result.integration) throw new Error(JSON.stringify(result.problems));
  return result.integration;
}

export function loadYaml(yaml: string): ReturnType<typeof loadIntegrationFile> {
  const dir = tempDir('hookyard-declarative-');
  try {
    const file = join(dir.path, 'integration.yaml');
    writeFileSync(file, yaml);
    return loadIntegrationFile(file);
  } finally {
    dir.remove();
  }
}

/** The header a request carried (node lower-cases names). */
export function header(request: Received, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
