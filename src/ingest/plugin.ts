/**
 * The ingest endpoint: POST /hooks/:connection[/*]. Find the connection, authenticate, keep the
 * raw bytes, append through group commit, answer 202 after the commit. Nothing else runs here:
 * reading the hook is the resolver's job.
 *
 * The credential is checked in onRequest, before the body is read, whenever the receiver
 * definition takes it from a header or the URL without an expression (the common case): a
 * stranger's body is then never buffered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectionConfig, HubConfig } from '../config/load.js';
import type { IncomingHook } from '../domain/types.js';
import { HyError } from '../errors.js';
import type { FieldSource } from '../integrations/types.js';
import { readField } from '../resolve/receiver.js';
import { parseBody } from '../resolve/resolve.js';
import { matchesDigest } from './credentials.js';
import type { GroupCommit } from './group-commit.js';

export interface IngestOptions {
  config: HubConfig;
  commit: GroupCommit;
}

interface HookParams {
  connection: string;
  '*'?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    hyConnection: ConnectionConfig | null;
  }
}

function segmentsOf(tail: string | undefined): string[] {
  if (!tail) return [];
  return tail.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
}

function headersOf(request: FastifyRequest, redact: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = name === redact ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The credential read without parsing the body, or undefined when the body is needed. */
function plainCredential(source: FieldSource, request: FastifyRequest<{ Params: HookParams }>): string | null | undefined {
  if (source.expression !== undefined) return undefined;
  let raw: string | string[] | undefined;
  if (source.from === 'header') raw = request.headers[source.name.toLowerCase()];
  else if (source.from === 'url') raw = segmentsOf(request.params['*'])[source.segment];
  else return undefined;
  if (Array.isArray(raw)) raw = raw[0];
  if (raw === undefined || raw === '') return null;
  if (source.prefix !== undefined) {
    if (!raw.startsWith(source.prefix)) return null;
    raw = raw.slice(source.prefix.length);
  }
  return raw;
}

function checkCredential(connection: ConnectionConfig, given: string | null): void {
  if (given === null) throw new HyError('HY_ERR_AUTH_MISSING', `connection ${connection.name}`);
  if (!matchesDigest(given, connection.apiKeyDigest)) throw new HyError('HY_ERR_AUTH_INVALID', `connection ${connection.name}`);
}

export async function ingestPlugin(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { config, commit } = options;

  // Hooks are kept as the bytes that were signed and sent: no parser runs on this path.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.server.bodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });
  app.decorateRequest('hyConnection', null);

  app.addHook('onRequest', async (request: FastifyRequest<{ Params: HookParams }>) => {
    const connection = config.connections.get(request.params.connection);
    if (!connection) throw new HyError('HY_ERR_CONNECTION_UNKNOWN', `"${request.params.connection}"`);
    request.hyConnection = connection;
    const given = plainCredential(connection.receiver.auth.source, request);
    if (given !== undefined) checkCredential(connection, given);
  });

  const receive = async (request: FastifyRequest<{ Params: HookParams }>) => {
    const connection = request.hyConnection!;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const segments = segmentsOf(request.params['*']);
    const auth = connection.receiver.auth;
    if (plainCredential(auth.source, request) === undefined) {
      const parsed = parseBody(body);
      const value = parsed.ok ? parsed.value : undefined;
      const headers = headersOf(request, null);
      let given: string | null;
      try {
        given = await readField(auth, { body: value, element: value, headers, segments });
      } catch {
        given = null;
      }
      checkCredential(connection, given);
    }
    const source = auth.source;
    const hook: IncomingHook = {
      connection: connection.name,
      // The credential is never stored: its header or URL segment is kept as "[redacted]".
      headers: headersOf(request, source.from === 'header' ? source.name.toLowerCase() : null),
      segments: source.from === 'url' ? segments.map((s, i) => (i === source.segment ? '[redacted]' : s)) : segments,
      contentType: request.headers['content-type'] ?? null,
      body,
    };
    return commit.append(hook);
  };

  // 202 for a hook taken; 200 with the first hook's id for a re-delivery, which creates nothing.
  const handler = async (request: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply) => {
    const { id, duplicate } = await receive(request);
    reply.code(duplicate ? 200 : 202);
    return duplicate ? { hook: id, duplicate: true } : { hook: id };
  };
  app.post<{ Params: HookParams }>('/hooks/:connection', handler);
  app.post<{ Params: HookParams }>('/hooks/:connection/*', handler);
}
