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
}

const limit = z.coerce.number().int().min(1).max(500).default(50);
const before = z.coerce.number().int().min(1).optional();
const hooksQuery = z.strictObject({ status: z.enum(HOOK_STATUSES).optional(), connection: z.string().optional(), before, limit });
const transfersQuery = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  scope: z.string().optional(),
  connection: z.string().optional(),
  before,
  limit,
});
const lineageQuery = z.strictObject({ after: z.coerce.number().int().min(1).optional(), limit });
const idParam = z.strictObject({ id: z.coerce.number().int().min(1) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
  throw new HyError('HY_ERR_QUERY_INVALID', detail);
}

/** The body as text when it is valid UTF-8, else base64. */
export function bodyForDisplay(body: Buffer): { encoding: 'utf8' | 'base64'; data: string } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { encoding: 'utf8', data: text } : { encoding: 'base64', data: body.toString('base64') };
}

function hookForDisplay(hook: StoredHook) {
  const { body, ...rest } = hook;
  return { ...rest, bodyBytes: body.length, body: bodyForDisplay(body) };
}

export async function apiPlugin(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { store, adminToken } = options;
  // Data types are fixed at start (a reload that changes them is refused: src/config/reload.ts).
  const recordParams = z.strictObject({ type: dataTypeSchema(options.config().dataTypes), id: z.coerce.number().int().min(1) });

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

  app.get('/api/hooks', async (request) => store.listHooks(parse(hooksQuery, request.query)));

  app.get('/api/hooks/:id', async (request) => {
    const { id } = parse(idParam, request.params);
    const hook = await store.getHook(id);
    if (!hook) throw new HyError('HY_ERR_HOOK_NOT_FOUND', String(id));
    const [notifications, transfers] = await Promise.all([store.notificationsOf(id), store.transfersOf(id)]);
    return { hook: hookForDisplay(hook), notifications, transfers };
  });

  app.get('/api/transfers', async (request) => store.listTransfers(parse(transfersQuery, request.query)));

  app.get('/api/transfers/:id', async (request) => {
    const { id } = parse(idParam, request.params);
    const transfer = await store.getTransfer(id);
    if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
    const [activity, children] = await Promise.all([store.activityOf(id), store.childrenOf(id)]);
    return { transfer, activity, children };
  });

  app.get('/api/records/:type/:id', async (request) => {
    const { type, id } = parse(recordParams, request.params);
    const record = await store.getHubRecord(id);
    if (!record || record.type !== type) throw new HyError('HY_ERR_RECORD_NOT_FOUND', `no hub ${type} ${id}`);
    return { record, externalIds: await store.externalIdsOfHubRecord(id) };
  });

  app.get('/api/records/:type/:id/lineage', async (request) => {
    const { type, id } = parse(recordParams, request.params);
    const filter = parse(lineageQuery, request.query);
    const record = await store.getHubRecord(id);
    if (!record || record.type !== type) throw new HyError('HY_ERR_RECORD_NOT_FOUND', `no hub ${type} ${id}`);
    return store.lineageOf(id, filter);
  });

  await replayRoutes(app, { store, clock: options.clock, wake: options.wake });
  await cancelRoutes(app, { store, clock: options.clock });
  await feedRoutes(app, { engine: options.engine, wake: options.wake, log: (error) => app.log.error({ err: error }, 'initialization failed') });

  if (options.reload) await reloadRoutes(app, { reload: options.reload });

  app.get('/api/connections', async () => ({
    items: [...options.config().connections.values()].map((connection) => ({
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
    })),
  }));
}
