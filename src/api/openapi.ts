/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of every route, built from the zod schemas the
 * routes parse and answer with (their `config.openapi`, see route.ts). Routes are collected as
 * Fastify registers them (`collectRoutes`, called before the first route), with the descriptions of
 * edge-docs.ts for those registered outside src/api; HEAD routes (Fastify adds one per GET) and
 * routes without a description (the web console's files) are left out.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.js';
import { EDGE_DOCS } from './edge-docs.js';
import type { RouteDoc } from './route.js';
import { errorSchema } from './schemas.js';

export interface CollectedRoute {
  method: string;
  url: string;
  doc: RouteDoc | undefined;
}

/** Starts collecting the routes registered on `app` from now on; the list fills as they are added. */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: options.url, doc: options.config?.openapi ?? EDGE_DOCS[`${method} ${options.url}`] });
    }
  });
  return routes;
}

const packageVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

type JsonSchema = Record<string, unknown>;

/** The wire side of a schema (what a request carries, what an answer holds), as JSON Schema 2020-12. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    // format: date-time says it; zod's long pattern for it would only bury the document.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    },
  }) as JsonSchema;
  return rest;
}

/** `/api/hooks/:id` → `/api/hooks/{id}`; the wildcard `*` → `{path}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

function parameters(doc: RouteDoc): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [['path', doc.params], ['query', doc.querystring]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = property as { description?: string };
      list.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  for (const [name, description] of Object.entries(doc.extraParams ?? {})) list.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  return list;
}

function responses(doc: RouteDoc): Record<string, JsonSchema> {
  const answers: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    answers[status] = {
      description: answer.description,
      ...(answer.schema || answer.contentType ? { content: { [answer.contentType ?? 'application/json']: answer.schema ? { schema: jsonSchema(answer.schema) } : {} } } : {}),
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of doc.errors ?? []) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (answers[status]) continue;
    answers[status] = {
      description: codes.map((code) => `${code}: ${ERRORS[code].message}`).join('; '),
      content: { 'application/json': { schema: jsonSchema(errorSchema(codes)) } },
    };
  }
  return answers;
}

/** The OpenAPI 3.1 document of the collected routes. */
export function openApiDocument(routes: readonly CollectedRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  for (const { method, url, doc } of routes) {
    if (!doc) continue;
    tags.add(doc.tag);
    const body = doc.body;
    const operation: JsonSchema = {
      operationId: `${method.toLowerCase()}${openApiPath(url).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      tags: [doc.tag],
      ...(doc.admin ? { security: [{ adminToken: [] }] } : {}),
      parameters: parameters(doc),
      ...(body
        ? {
            requestBody:
              body instanceof z.ZodType ? { required: true, content: { 'application/json': { schema: jsonSchema(body) } } } : { required: true, description: body.description, content: body.content },
          }
        : {}),
      responses: responses(doc),
    };
    (paths[openApiPath(url)] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hookyard',
      version: packageVersion,
      description:
        'Ingest (POST /hooks/…), health, metrics and the admin API (/api/…, behind the admin token). Times in answers are ISO 8601 (UTC); ' +
        'time filters take ISO 8601 or epoch milliseconds. Lists answer { items, next }: pass next as before (newest-first lists) or after (the others).',
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'HOOKYARD_ADMIN_TOKEN, when set' },
      },
    },
  };
}

/** Serves the document of `routes` (built once, at the first request: every route is registered by then). */
export async function openApiRoute(app: FastifyInstance, options: { routes: readonly CollectedRoute[] }): Promise<void> {
  let document: JsonSchema | null = null;
  app.get(
    '/api/openapi.json',
    {
      config: {
        openapi: {
          summary: 'This OpenAPI document',
          tag: 'admin',
          admin: true,
          responses: { 200: { description: 'the OpenAPI 3.1 document of every route', schema: z.record(z.string(), z.unknown()) } },
          errors: ['HY_ERR_ADMIN_TOKEN_INVALID', 'HY_ERR_ADMIN_API_DISABLED'],
        },
      },
    },
    async () => (document ??= openApiDocument(options.routes)),
  );
}
