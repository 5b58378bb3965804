/**
 * Initialization, manual sync and feed progress over the admin API. An initialization runs in the
 * background of this process; GET /api/feeds shows how far it (and every poll) has got.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dataTypeSchema } from './data-types.js';
import { queueBulk, runInitialization } from '../engine/feeds.js';
import type { EngineDeps } from '../engine/deps.js';
import { HyError } from '../errors.js';

const nameParam = z.strictObject({ name: z.string().min(1) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new HyError('HY_ERR_QUERY_INVALID', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function feedRoutes(app: FastifyInstance, options: { engine: EngineDeps; wake: () => void; log: (error: unknown) => void }): Promise<void> {
  const { engine } = options;
  const type = dataTypeSchema(engine.config.dataTypes);
  const initializeBody = z.strictObject({ type });
  const syncBody = z.strictObject({ type, ids: z.array(z.string().min(1)).min(1) }); // at most MANUAL_SYNC_MAX_IDS: queueBulk refuses more with its own code
  const running = new Set<string>();

  const connectionOf = (name: string) => {
    const connection = engine.config.connections.get(name);
    if (!connection) throw new HyError('HY_ERR_CONNECTION_UNKNOWN', `"${name}"`);
    return connection;
  };

  app.post('/api/connections/:name/initialize', async (request, reply) => {
    const { name } = parse(nameParam, request.params);
    const { type } = parse(initializeBody, request.body);
    const connection = connectionOf(name);
    if (!connection.integration.list) throw new HyError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${connection.integration.id} cannot list records`);
    const key = `${name}|${type}`;
    if (running.has(key)) throw new HyError('HY_ERR_INITIALIZATION_RUNNING', `${name} ${type}`);
    running.add(key);
    void runInitialization(engine, name, type, () => options.wake())
      .catch(options.log)
      .finally(() => running.delete(key));
    reply.code(202);
    return { initialization: { connection: name, type }, progress: `/api/feeds?connection=${encodeURIComponent(name)}` };
  });

  app.post('/api/connections/:name/sync', async (request, reply) => {
    const { name } = parse(nameParam, request.params);
    const { type, ids } = parse(syncBody, request.body);
    connectionOf(name);
    const result = await queueBulk(engine, name, type, ids);
    options.wake();
    reply.code(202);
    return result;
  });

  app.get('/api/feeds', async (request) => {
    const { connection } = parse(z.strictObject({ connection: z.string().optional() }), request.query);
    const feeds = await engine.store.listFeeds();
    return { items: feeds.filter((feed) => !connection || feed.connection === connection) };
  });
}
