/**
 * The ingest endpoint: POST /hooks/:connection[/*]. Find the connection, authenticate, check the
 * body, keep its bytes, append through group commit, answer 202 after the commit (200 with the
 * first hook's id for a re-delivery or, with the replay guard, a copy of a stored body). Reading
 * the hook is the resolver's job.
 *
 * Before the body is read (onRequest): unknown connection 404, unsupported Content-Type, charset
 * or Content-Encoding 415, a full backlog 429, and — when the receiver definition takes a key
 * from a header or the URL without an expression (the common case) — the key itself, so a
 * stranger's body is never buffered. After: signatures over the bytes as sent, then a compressed
 * body decoded (within the body limit), then the body's own checks (JSON, UTF-8, depth). Headers
 * that carry credentials are redacted only after every check has seen them.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { IncomingHook } from '../domain/types.js';
import { answerCodeOf, HyError } from '../errors.js';
import type { FieldSource } from '../integrations/types.js';
import { readField } from '../resolve/receiver.js';
import { parseBody } from '../resolve/resolve.js';
import type { BacklogGauge } from './backlog.js';
import { bodyKind, checkBody, checkCharset, type CheckedBody } from './body.js';
import { REDACTED, redactHeaders } from './credentials.js';
import { contentCoding, decodeBody } from './encoding.js';
import type { GroupCommit } from './group-commit.js';
import type { HookAnswer, HookAnswered, IngestConfig, IngestConnection } from './types.js';
import { matchesDigest } from '../verify/digest.js';

export interface IngestOptions {
  /** The configuration in force, read at each request (a reload may swap it; see src/reload.ts). */
  config: () => IngestConfig;
  commit: GroupCommit;
  backlog: BacklogGauge;
  clock: Clock;
  /** Told how each hook was answered, after the answer went out (the hub's logs and metrics listen). */
  onAnswered?: (answered: HookAnswered) => void;
}

interface HookParams {
  connection: string;
  '*'?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    hyConnection: IngestConnection | null;
    /** The HY_ERR_* code the hook was refused with, or null. */
    hyRefused: string | null;
    /** How the handler answered a hook it took, or null. */
    hyAnswer: HookAnswer | null;
  }
}

/** Seconds a sender is asked to wait when the backlog is full. */
const BACKLOG_RETRY_AFTER_S = 30;

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

function headersOf(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The key read without parsing the body, or undefined when the body is needed to find it. */
function plainKey(source: FieldSource, request: FastifyRequest<{ Params: HookParams }>): string | null | undefined {
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

function checkKey(connection: IngestConnection, digest: Buffer, given: string | null): void {
  if (given === null) throw new HyError('HY_ERR_AUTH_MISSING', `connection ${connection.name}`);
  if (!matchesDigest(given, digest)) throw new HyError('HY_ERR_AUTH_INVALID', `connection ${connection.name}`);
}

export async function ingestPlugin(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { commit, backlog, clock } = options;

  // Hooks are kept as the bytes that were signed and sent: no parser runs on them here. The body
  // limit is fixed at start (a reload cannot change it: src/config/reload.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.config().server.bodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });
  app.decorateRequest('hyConnection', null);
  app.decorateRequest('hyRefused', null);
  app.decorateRequest('hyAnswer', null);
  const { onAnswered } = options;
  if (onAnswered) {
    app.addHook('onError', async (request, _reply, error) => {
      request.hyRefused = answerCodeOf(error);
    });
    app.addHook('onResponse', async (request, reply) => {
      const status = reply.statusCode;
      const answer: HookAnswer = status < 300 ? (request.hyAnswer ?? 'accepted') : 'rejected';
      onAnswered({
        connection: request.hyConnection?.name ?? null,
        answer,
        status,
        code: answer === 'rejected' ? (request.hyRefused ?? `HTTP_${status}`) : null,
        ms: reply.elapsedTime,
      });
    });
  }

  app.addHook('onRequest', async (request: FastifyRequest<{ Params: HookParams }>, reply) => {
    const config = options.config();
    // The request keeps this connection to its end, whatever a reload swaps in meanwhile.
    const connection = config.connections.get(request.params.connection);
    if (!connection) throw new HyError('HY_ERR_CONNECTION_UNKNOWN', `"${request.params.connection}"`);
    request.hyConnection = connection;
    if (bodyKind(request.headers['content-type']) === null) {
      throw new HyError('HY_ERR_CONTENT_TYPE_UNSUPPORTED', `got "${request.headers['content-type']}"`);
    }
    checkCharset(request.headers['content-type']);
    contentCoding(request.headers['content-encoding']);
    if (backlog.value + commit.waiting >= config.server.maxBacklog) {
      reply.header('retry-after', String(BACKLOG_RETRY_AFTER_S));
      throw new HyError('HY_ERR_BACKLOG_FULL', `${backlog.value} hooks waiting to be read, limit ${config.server.maxBacklog} (server.maxBacklog)`);
    }
    if (backlog.transfers >= config.server.maxQueuedTransfers) {
      reply.header('retry-after', String(BACKLOG_RETRY_AFTER_S));
      throw new HyError('HY_ERR_BACKLOG_FULL', `${backlog.transfers} transfer requests due to run, limit ${config.server.maxQueuedTransfers} (server.maxQueuedTransfers)`);
    }
    if (connection.auth.kind === 'key') {
      const given = plainKey(connection.receiver.auth.source, request);
      if (given !== undefined) checkKey(connection, connection.auth.digest, given);
    }
  });

  const receive = async (request: FastifyRequest<{ Params: HookParams }>) => {
    const connection = request.hyConnection!;
    const sent = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const segments = segmentsOf(request.params['*']);
    const kind = bodyKind(request.headers['content-type'])!;
    const coding = contentCoding(request.headers['content-encoding']);
    const headers = headersOf(request);
    const { auth } = connection;
    let deliveryId: string | null = null;
    let ping = false;
    let redactSegment: number | null = null;
    let body: Buffer;
    let checked: CheckedBody;

    if (auth.kind === 'signature') {
      // The signature covers the bytes as sent (compressed, if they are): checked before anything reads them.
      const verdict = auth.verifier({ headers, body: sent, now: clock.now() });
      if (!verdict.ok) throw new HyError(verdict.code, `connection ${connection.name}: ${verdict.message}`);
      deliveryId = verdict.deliveryId;
      ping = verdict.ping === true;
      body = coding === null ? sent : await decodeBody(sent, coding, options.config().server.bodyLimitBytes);
      checked = checkBody(body, kind);
    } else {
      body = coding === null ? sent : await decodeBody(sent, coding, options.config().server.bodyLimitBytes);
      checked = checkBody(body, kind);
      const source = connection.receiver.auth.source;
      if (plainKey(source, request) === undefined) {
        const parsed = parseBody(body, request.headers['content-type'] ?? null);
        const value = parsed.ok ? parsed.value : undefined;
        let given: string | null;
        try {
          given = await readField(connection.receiver.auth, { body: value, element: value, headers, segments });
        } catch {
          given = null;
        }
        checkKey(connection, auth.digest, given);
      }
      // The key is never stored: a URL segment that carried it is kept as "[redacted]" (a header is in redactHeaders).
      if (source.from === 'url') redactSegment = source.segment;
    }
    if (deliveryId === null && connection.deliveryIdHeader) {
      const value = request.headers[connection.deliveryIdHeader];
      deliveryId = (Array.isArray(value) ? value[0] : value) || null;
    }
    const { dedupe } = connection;
    const hook: IncomingHook = {
      connection: connection.name,
      headers: redactHeaders(headers, connection.redactHeaders),
      segments: redactSegment === null ? segments : segments.map((s, i) => (i === redactSegment ? REDACTED : s)),
      contentType: request.headers['content-type'] ?? null,
      body,
      deliveryId,
      // Hashed only when the connection asks for the replay guard: the hot path stays free of it.
      bodyGuard: dedupe === null ? null : { hash: createHash('sha256').update(body).digest(), windowMs: dedupe.windowMs },
    };
    // The body as parsed here goes with the hook to the resolver: it is parsed once.
    const appended = await commit.append(hook, checked.parsed ? { value: checked.value } : undefined);
    return { ...appended, ping };
  };

  // 202 for a hook taken; 200 with the first hook's id for a re-delivery, which creates nothing;
  // 200 for a sender's ping, kept like any hook (it names no record), since its sender wants 200.
  const handler = async (request: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply) => {
    const { id, duplicate, ping } = await receive(request);
    request.hyAnswer = ping ? 'ping' : duplicate ? 'duplicate' : 'accepted';
    if (ping) {
      reply.code(200);
      return { hook: id, ping: true };
    }
    reply.code(duplicate ? 200 : 202);
    return duplicate ? { hook: id, duplicate: true } : { hook: id };
  };
  app.post<{ Params: HookParams }>('/hooks/:connection', handler);
  app.post<{ Params: HookParams }>('/hooks/:connection/*', handler);
}
