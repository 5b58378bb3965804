/**
 * The `api` section of an integration file: how to read and write records of a JSON API over
 * HTTP, as data. Its parts, in the order a request is built: where the system is (`baseUrl`) and
 * how to sign in (`auth`), default `headers`, and per data type the operations it supports, each
 * one HTTP request (method, path, query, body) plus where the answer keeps what hookyard needs.
 *
 * Text values that name a connection's settings or a request's values are templates:
 * `{settings.baseUrl}`, `{presets.region}`, `{externalId}`, `{cursor}`, `{field}`, `{value}`; a poll
 * cursor that is a JSON object also gives its fields, `{cursor.changedSince}`.
 * Where an answer keeps something (`record`, `records`, `id`, `total`, `next`, `cursor`, `pages`)
 * is a JSONata expression over the parsed answer; a dotted path such as `data.items` is one.
 * `$headers` holds the answer's headers by lower-case name (`$headers."x-wp-totalpages"`).
 */
import { z } from 'zod';
import { durationSchema } from '../../domain/duration.js';
import { isDataTypeName } from '../../domain/scope.js';

const template = z.string().min(1);
/** JSONata over the answer (or, for `body`, over the mapped record). */
const selector = z.string().min(1);
const stringMap = z.record(z.string().min(1), z.string());

export const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bearer'), token: template }),
  z.strictObject({ kind: z.literal('basic'), username: template, password: template }),
  z.strictObject({ kind: z.literal('apiKey'), in: z.enum(['header', 'query']), name: z.string().min(1), value: template }),
  z.strictObject({
    kind: z.literal('oauth2'),
    /** The client credentials grant (RFC 6749 §4.4). */
    tokenUrl: template,
    clientId: template,
    clientSecret: template,
    scope: template.optional(),
    /** How the client authenticates at the token URL: in the form body (default) or as basic auth. */
    clientAuth: z.enum(['body', 'basic']).optional(),
  }),
]);

/** A header that says how long to wait: seconds or ms from now, or the epoch second it ends at. */
const waitHeaderSchema = z.strictObject({ header: z.string().min(1), unit: z.enum(['seconds', 'ms', 'epoch']).optional() });

/**
 * How the system tells its rate limit, beyond 429 with Retry-After (always honoured):
 * `remaining` is what is left (a count, or "used/limit" as Shopify's call limit); when none is
 * left the next call waits until `reset` says (or one interval of `rate`, or 1 s). `reset` also
 * gives the wait of a 429 without Retry-After. `statuses` are other answers that are a rate limit
 * when `remaining` says none is left, or when they carry Retry-After (GitHub answers 403 to both
 * its primary and its secondary limits).
 */
export const rateLimitSchema = z.strictObject({
  remaining: z.strictObject({ header: z.string().min(1) }).optional(),
  reset: waitHeaderSchema.optional(),
  statuses: z.array(z.number().int().min(400).max(499)).optional(),
});

export const pagingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('offset'),
    limit: z.number().int().min(1),
    offsetParam: z.string().min(1).optional(),
    limitParam: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('page'),
    size: z.number().int().min(1),
    pageParam: z.string().min(1).optional(),
    sizeParam: z.string().min(1).optional(),
    /** The number of the first page; default 1. */
    first: z.number().int().min(0).optional(),
    /** How many pages there are, where the answer says: JSONata over it, e.g. `meta.pagination.total_pages` or `$number($headers."x-wp-totalpages")`. */
    pages: selector.optional(),
  }),
  z.strictObject({
    kind: z.literal('cursor'),
    /** Where the answer keeps the next page's cursor; empty or missing: that was the last page. */
    next: selector,
    param: z.string().min(1).optional(),
    size: z.number().int().min(1).optional(),
    sizeParam: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('link'),
    size: z.number().int().min(1).optional(),
    sizeParam: z.string().min(1).optional(),
  }),
]);

const request = {
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  path: template,
  query: stringMap.optional(),
  headers: stringMap.optional(),
};

/** How a create or update sends the record: JSON (default), or a form with nested keys (`metadata[plan]=pro`, Stripe). */
const encoding = z.enum(['json', 'form']);

export const operationsSchema = z.strictObject({
  get: z
    .strictObject({
      ...request,
      record: selector.optional(),
      /** True over a 200 answer that says the record does not exist (a read by filter answering an empty list). */
      gone: selector.optional(),
    })
    .optional(),
  list: z
    .strictObject({ ...request, records: selector, id: selector.optional(), total: selector.optional(), paging: pagingSchema.optional() })
    .optional(),
  find: z.strictObject({ ...request, fields: z.array(z.string().min(1)).min(1), records: selector, id: selector.optional() }).optional(),
  create: z.strictObject({ ...request, body: selector.optional(), id: selector.optional(), encoding: encoding.optional() }).optional(),
  update: z.strictObject({ ...request, body: selector.optional(), encoding: encoding.optional() }).optional(),
  delete: z.strictObject(request).optional(),
  poll: z
    .strictObject({
      ...request,
      records: selector,
      id: selector.optional(),
      /** The next cursor: JSONata over the answer (`$cursor` is the one asked with); an object is kept as its JSON. */
      cursor: selector,
      more: selector.optional(),
      /** The cursor of the first poll, when the system needs one (e.g. '{"changedSince": 0}'). */
      start: z.string().min(1).optional(),
    })
    .optional(),
});

export const apiSchema = z.strictObject({
  baseUrl: template,
  auth: authSchema.optional(),
  headers: stringMap.optional(),
  /** Per request; default 10 s. */
  timeout: durationSchema.optional(),
  /** The rate the system allows; a connection's own `throttle.calls`/`per` replaces it. */
  rate: z.strictObject({ calls: z.number().int().min(1), per: durationSchema }).optional(),
  /** How creates and updates send the record, unless the operation says: json (default) or form. */
  encoding: encoding.optional(),
  /** How the system announces its rate limit in headers (see rateLimitSchema). */
  rateLimit: rateLimitSchema.optional(),
  /** The header that carries the idempotency key on creates, e.g. Idempotency-Key. */
  idempotencyHeader: z.string().min(1).optional(),
  types: z.record(z.string().refine(isDataTypeName, { message: 'a data type is lower snake case (e.g. product, issue_comment)' }), operationsSchema),
});

export type ApiSpec = z.infer<typeof apiSchema>;
export type AuthSpec = z.infer<typeof authSchema>;
export type RateLimitSpec = z.infer<typeof rateLimitSchema>;
export type PagingSpec = z.infer<typeof pagingSchema>;
export type OperationsSpec = z.infer<typeof operationsSchema>;
export type OperationName = keyof OperationsSpec;
export type RequestSpec = { method?: string; path: string; query?: Record<string, string>; headers?: Record<string, string> };
