/**
 * One way to declare an HTTP route: its zod schemas (params, query, body, answer) parse the
 * request, encode the answer (times become ISO 8601 texts, see schemas.ts) and, kept on the route
 * as `config.openapi`, describe it in GET /api/openapi.json. Fastify itself gets no JSON Schema:
 * it neither validates nor serializes with it, so bad input is answered by us (HY_ERR_QUERY_INVALID
 * naming the parameter) and no field is dropped by a serializer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HyError, type ErrorCode } from '../errors.js';

/** One documented answer: JSON with a schema, or another content type described in words. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/** What GET /api/openapi.json says about a route; kept on the route as `config.openapi`. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  /** Behind the admin token (every /api route). */
  admin?: boolean;
  params?: z.ZodType;
  querystring?: z.ZodType;
  /** A JSON body, or other content types described by hand (ingest). */
  body?: z.ZodType | { description: string; content: Record<string, { schema: Record<string, unknown> }> };
  /** Path parameters that are not in params (the wildcard of /hooks/:connection/*), by name. */
  extraParams?: Record<string, string>;
  responses: Record<number, ResponseDoc>;
  /** Error codes the route answers with (their statuses become documented error answers). */
  errors?: readonly ErrorCode[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
}

/** Errors every admin route may answer with. */
export const ADMIN_ERRORS: readonly ErrorCode[] = ['HY_ERR_ADMIN_TOKEN_INVALID', 'HY_ERR_ADMIN_API_DISABLED'];

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P, Q, B, R extends z.ZodType> {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  querystring?: Q;
  body?: B;
  /** The success status (default 200) and its answer. */
  status?: 200 | 202;
  response: R;
  responseDescription: string;
  errors?: readonly ErrorCode[];
}

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Parses a request part; a bad one is HY_ERR_QUERY_INVALID naming each parameter and what it expects. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body' | 'path'): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues.map((issue) => `${where}${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`).join('; ');
  throw new HyError('HY_ERR_QUERY_INVALID', detail);
}

/** An admin API route (behind the admin token), declared with its schemas. */
export function route<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends z.ZodType>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B, R>,
  handler: (input: RouteInput<P, Q, B>) => Promise<z.output<R>>,
): void {
  const status = spec.status ?? 200;
  const codes: ErrorCode[] = [...ADMIN_ERRORS, ...(spec.params || spec.querystring || spec.body ? (['HY_ERR_QUERY_INVALID'] as const) : []), ...(spec.errors ?? [])];
  const doc: RouteDoc = {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tag: spec.tag,
    admin: true,
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.querystring ? { querystring: spec.querystring } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    responses: { [status]: { description: spec.responseDescription, schema: spec.response } },
    errors: codes,
  };
  app.route({
    method: spec.method,
    url: spec.url,
    config: { openapi: doc },
    handler: async (request, reply) => {
      const input = {
        params: (spec.params ? parseInput(spec.params, request.params, 'path') : undefined) as Out<P>,
        query: (spec.querystring ? parseInput(spec.querystring, request.query, 'query') : undefined) as Out<Q>,
        body: (spec.body ? parseInput(spec.body, request.body, 'body') : undefined) as Out<B>,
        request,
        reply,
      };
      const answer = await handler(input);
      reply.code(status);
      return z.encode(spec.response, answer);
    },
  });
}
