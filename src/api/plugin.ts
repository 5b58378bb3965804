/**
 * The admin API, read side: hooks with what they produced, transfer requests, connections.
 * Never returns a secret: the connection's key is not in any answer, and the header or URL
 * segment that carried a hook's credential was redacted before the hook was stored.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HubConfig } from '../config/types.js';
import { scopeEnablement } from '../domain/enablement.js';
import { dataTypeSchema } from './data-types.js';
import { HOOK_STATUSES, TRANSFER_STATUSES, type StoredHook } from '../domain/types.js';
import { HyError } from '../errors.js';
import { matchesDigest, secretDigest } from '../verify/digest.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../clock.js';
import { replayRoutes } from './replay.js';
import { cancelRoutes } from './cancel.js';
import { feedRoutes } from './feeds.js';
import { reloadRoutes } from './reload.js';
import type { ReloadResult } from '../reload.js';
import type { EngineDeps } from '../engine/deps.js';
import { openApiRoute, type CollectedRoute } from './openapi.js';
import { route } from './route.js';
import {
  activitySchema,
  afterId,
  afterPosition,
  before,
  connectionSchema,
  externalIdSchema,
  hookDetailSchema,
  hookSummarySchema,
  hubRecordSchema,
  idParam,
  limit,
  lineagePageSchema,
  notificationSchema,
  pageOf,
  slicePage,
  timeFilter,
  transferSchema,
} from './schemas.js';

export interface ApiOptions {
  /** The configuration in force, read at each request (a reload may swap it; see src/reload.ts). */
  config: () => HubConfig;
  store: Store;
  /** When set, every /api request must carry `Authorization: Bearer <token>`. */
  adminToken: string | null;
  clock: Clock;
  /** What starting an initialization in this process needs. */
  engine: EngineDeps;
  /** Why the API is closed right now, or null. */
  closedReason?: () => string | null;
  /** Tells the workers that replays queued work. */
  wake: () => void;
  /** Loads the configuration file again and swaps it in (POST /api/config/reload). */
  reload?: () => Promise<ReloadResult>;
  /** The hub's routes, for GET /api/openapi.json (src/api/openapi.ts collectRoutes). */
  routes: readonly CollectedRoute[];
}

const hooksQuery = z.strictObject({
  status: z.enum(HOOK_STATUSES).optional(),
  connection: z.string().min(1).optional(),
  externalId: z.string().min(1).optional().meta({ description: 'only hooks with a notification for this external id' }),
  since: timeFilter.optional().meta({ description: 'received at or after (ISO 8601 or epoch ms)' }),
  until: timeFilter.optional().meta({ description: 'received before (ISO 8601 or epoch ms)' }),
  before,
  limit,
});
const transfersQuery = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  scope: z.string().min(1).optional(),
  connection: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  since: timeFilter.optional().meta({ description: 'created at or after (ISO 8601 or epoch ms)' }),
  until: timeFilter.optional().meta({ description: 'created before (ISO 8601 or epoch ms)' }),
  before,
  limit,
});
const lineageQuery = z.strictObject({ after: afterId, limit });
const positionQuery = z.strictObject({ after: afterPosition, limit });

/** The body as text when it is valid UTF-8, else base64. */
export function bodyForDisplay(body: Buffer): { encoding: 'utf8' | 'base64'; data: string } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { encoding: 'utf8', data: text } : { encoding: 'base64', data: body.toString('base64') };
}

function hookForDisplay(hook: StoredHook): z.output<typeof hookDetailSchema> {
  const { id, connection, receivedAt, contentType, status, errorCode, errorMessage, resolvedAt, headers, segments, body } = hook;
  return { id, connection, receivedAt, contentType, status, errorCode, errorMessage, resolvedAt, headers, segments, bodyBytes: body.length, body: bodyForDisplay(body) };
}

export async function apiPlugin(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { store, adminToken } = options;
  // Data types are fixed at start (a reload that changes them is refused: src/config/reload.ts).
  const recordParams = z.strictObject({ type: dataTypeSchema(options.config().dataTypes), id: idParam.shape.id });

  app.addHook('onRequest', async () => {
    const closed = options.closedReason?.();
    if (closed) throw new HyError('HY_ERR_ADMIN_API_DISABLED', closed);
  });

  if (adminToken !== null) {
    const expected = secretDigest(adminToken);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!matchesDigest(given, expected)) throw new HyError('HY_ERR_ADMIN_TOKEN_INVALID');
    });
  }

  const tag = 'admin';
  route(
    app,
    { method: 'GET', url: '/api/hooks', tag, summary: 'Hooks, newest first', querystring: hooksQuery, response: pageOf(hookSummarySchema), responseDescription: 'a page of hooks (pass next as before)' },
    async ({ query }) => store.listHooks(query),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/hooks/:id',
      tag,
      summary: 'One hook with its notifications and the transfer requests it made',
      params: idParam,
      response: z.object({ hook: hookDetailSchema, notifications: z.array(notificationSchema), transfers: z.array(transferSchema) }),
      responseDescription: 'the hook, its body as text (UTF-8) or base64',
      errors: ['HY_ERR_HOOK_NOT_FOUND'],
    },
    async ({ params: { id } }) => {
      const hook = await store.getHook(id);
      if (!hook) throw new HyError('HY_ERR_HOOK_NOT_FOUND', String(id));
      const [notifications, transfers] = await Promise.all([store.notificationsOf(id), store.transfersOf(id)]);
      return { hook: hookForDisplay(hook), notifications, transfers };
    },
  );

  route(
    app,
    { method: 'GET', url: '/api/transfers', tag, summary: 'Transfer requests, newest first', querystring: transfersQuery, response: pageOf(transferSchema), responseDescription: 'a page of transfer requests (pass next as before)' },
    async ({ query }) => store.listTransfers(query),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/transfers/:id',
      tag,
      summary: 'One transfer request with its activity and children',
      params: idParam,
      response: z.object({ transfer: transferSchema, activity: z.array(activitySchema), children: z.array(transferSchema) }),
      responseDescription: 'the transfer request',
      errors: ['HY_ERR_TRANSFER_NOT_FOUND'],
    },
    async ({ params: { id } }) => {
      const transfer = await store.getTransfer(id);
      if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
      const [activity, children] = await Promise.all([store.activityOf(id), store.childrenOf(id)]);
      return { transfer, activity, children };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/records/:type/:id',
      tag,
      summary: "A hub record with the external ids it is known by",
      params: recordParams,
      response: z.object({ record: hubRecordSchema, externalIds: z.array(externalIdSchema) }),
      responseDescription: 'the hub record',
      errors: ['HY_ERR_RECORD_NOT_FOUND'],
    },
    async ({ params: { type, id } }) => {
      const record = await store.getHubRecord(id);
      if (!record || record.type !== type) throw new HyError('HY_ERR_RECORD_NOT_FOUND', `no hub ${type} ${id}`);
      return { record, externalIds: await store.externalIdsOfHubRecord(id) };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/records/:type/:id/lineage',
      tag,
      summary: 'The transfer requests that wrote a hub record in or out, oldest first',
      params: recordParams,
      querystring: lineageQuery,
      response: lineagePageSchema,
      responseDescription: 'a page of the lineage (pass next as after), with what retention pruned of it',
      errors: ['HY_ERR_RECORD_NOT_FOUND'],
    },
    async ({ params: { type, id }, query }) => {
      const record = await store.getHubRecord(id);
      if (!record || record.type !== type) throw new HyError('HY_ERR_RECORD_NOT_FOUND', `no hub ${type} ${id}`);
      return store.lineageOf(id, query);
    },
  );

  await replayRoutes(app, { store, clock: options.clock, wake: options.wake });
  await cancelRoutes(app, { store, clock: options.clock });
  await feedRoutes(app, { engine: options.engine, wake: options.wake, log: (error) => app.log.error({ err: error }, 'initialization failed') });

  if (options.reload) await reloadRoutes(app, { reload: options.reload });

  const connections = () =>
    [...options.config().connections.values()].map((connection) => ({
      name: connection.name,
      integration: { id: connection.integration.id, title: connection.integration.title },
      scopes: connection.integration.scopes.map((declaration) => {
        const scope = connection.declaredScopes.get(declaration.scope)!;
        const enablement = scopeEnablement(connection, scope);
        return {
          scope: scope.name,
          description: scope.description,
          hooks: declaration.hooks,
          enabled: enablement.enabled,
          ...(enablement.enabled ? {} : { reason: enablement.reason }),
        };
      }),
    }));
  route(
    app,
    {
      method: 'GET',
      url: '/api/connections',
      tag,
      summary: 'The configured connections with their scopes (never their secrets), in configuration order',
      querystring: positionQuery,
      response: pageOf(connectionSchema),
      responseDescription: 'a page of connections (pass next as after)',
    },
    async ({ query }) => slicePage(connections(), query),
  );

  await openApiRoute(app, { routes: options.routes });
}
