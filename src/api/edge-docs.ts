/**
 * How GET /api/openapi.json describes the routes registered outside src/api — ingest (which sits
 * below the API and cannot import its route helper) and the health checks in server.ts — by
 * method and URL. A route of src/api carries its own description (route.ts).
 */
import { z } from 'zod';
import { HOOK_STATUSES, TRANSFER_STATUSES } from '../domain/types.js';
import type { ErrorCode } from '../errors.js';
import type { RouteDoc } from './route.js';
import { errorSchema } from './schemas.js';

const INGEST_ERRORS: readonly ErrorCode[] = [
  'HY_ERR_CONNECTION_UNKNOWN',
  'HY_ERR_AUTH_MISSING',
  'HY_ERR_AUTH_INVALID',
  'HY_ERR_SIGNATURE_MISSING',
  'HY_ERR_SIGNATURE_MALFORMED',
  'HY_ERR_SIGNATURE_INVALID',
  'HY_ERR_SIGNATURE_EXPIRED',
  'HY_ERR_BODY_TOO_LARGE',
  'HY_ERR_BODY_INVALID',
  'HY_ERR_BODY_EMPTY',
  'HY_ERR_BODY_ENCODING',
  'HY_ERR_BODY_NOT_JSON',
  'HY_ERR_BODY_TOO_DEEP',
  'HY_ERR_CONTENT_TYPE_UNSUPPORTED',
  'HY_ERR_BODY_CHARSET',
  'HY_ERR_CONTENT_ENCODING_UNSUPPORTED',
  'HY_ERR_BACKLOG_FULL',
  'HY_ERR_URL_TOO_LONG',
  'HY_ERR_REQUEST_TIMEOUT',
];

const connectionParam = z.object({ connection: z.string().meta({ description: 'the connection the hook is for (its name in the configuration)' }) });

const ingest = (withPath: boolean): RouteDoc => ({
  summary: withPath ? 'Receive a hook, with a URL tail the receiver definition may read' : 'Receive a hook',
  description:
    'Authenticated on the raw body (API key, basic, or the signature scheme the connection verifies), stored, answered: the hook is resolved afterwards. ' +
    'A body may be sent gzip- or deflate-compressed (Content-Encoding).',
  tag: 'ingest',
  params: connectionParam,
  ...(withPath ? { extraParams: { path: 'the rest of the URL: any number of segments, kept with the hook' } } : {}),
  body: {
    description: 'the hook as its sender sends it',
    content: {
      'application/json': { schema: {} },
      'application/x-www-form-urlencoded': { schema: { type: 'string' } },
    },
  },
  responses: {
    200: {
      description: 'a re-delivery (the first hook with its delivery id is kept, nothing new is made) or a ping',
      schema: z.union([z.object({ hook: z.number().int(), duplicate: z.literal(true) }), z.object({ hook: z.number().int(), ping: z.literal(true) })]),
    },
    202: { description: 'taken: stored, to be resolved', schema: z.object({ hook: z.number().int() }) },
  },
  errors: INGEST_ERRORS,
});

const circuits = z.record(z.string(), z.enum(['closed', 'open', 'half-open']));
const role = z.enum(['all', 'ingest', 'worker']);
const storeKind = z.enum(['sqlite', 'postgres']);

/** By `METHOD url` as Fastify registered it. */
export const EDGE_DOCS: Record<string, RouteDoc> = {
  'POST /hooks/:connection': ingest(false),
  'POST /hooks/:connection/*': ingest(true),
  // A process with --role worker takes no hooks: its one ingest route answers 404.
  'POST /hooks/*': {
    summary: 'Hooks sent to a worker process (--role worker) are refused',
    tag: 'ingest',
    extraParams: { path: 'the rest of the URL' },
    responses: {},
    errors: ['HY_ERR_INGEST_OFF'],
  },
  'GET /healthz': {
    summary: 'Liveness: the process answers',
    tag: 'health',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
  },
  'GET /readyz': {
    summary: 'Readiness: the store answers',
    tag: 'health',
    responses: {
      200: {
        description: 'ready, with the counts of hooks and transfer requests by status and each circuit',
        schema: z.object({
          status: z.literal('ready'),
          role,
          store: storeKind,
          storeAnswered: z.literal(true),
          counts: z.object({
            hooks: z.record(z.enum(HOOK_STATUSES), z.number().int()),
            transfers: z.record(z.enum(TRANSFER_STATUSES), z.number().int()),
            reasons: z.record(z.string(), z.number().int()),
          }),
          circuits,
        }),
      },
      503: {
        description: 'HY_ERR_STORE_UNAVAILABLE: the store did not answer (the process log has its error)',
        schema: errorSchema(['HY_ERR_STORE_UNAVAILABLE']).extend({ status: z.literal('not ready'), role, store: storeKind, storeAnswered: z.literal(false) }),
      },
    },
  },
};
