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
import { route } from './route.js';
import { afterPosition, feedSchema, limit, pageOf, slicePage } from './schemas.js';

const nameParam = z.strictObject({ name: z.string().min(1) });
const feedsQuery = z.strictObject({ connection: z.string().min(1).optional(), after: afterPosition, limit });

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

  const tag = 'feeds';

  route(
    app,
    {
      method: 'POST',
      url: '/api/connections/:name/initialize',
      tag,
      summary: "Start an initialization: every record of a type, read from the connection's system in the background",
      params: nameParam,
      body: initializeBody,
      status: 202,
      response: z.object({ initialization: z.object({ connection: z.string(), type: z.string() }), progress: z.string() }),
      responseDescription: 'started; progress names where GET /api/feeds shows it',
      errors: ['HY_ERR_CONNECTION_UNKNOWN', 'HY_ERR_INTEGRATION_UNSUPPORTED', 'HY_ERR_INITIALIZATION_RUNNING'],
    },
    async ({ params: { name }, body: { type } }) => {
      const connection = connectionOf(name);
      if (!connection.integration.list) throw new HyError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${connection.integration.id} cannot list records`);
      const key = `${name}|${type}`;
      if (running.has(key)) throw new HyError('HY_ERR_INITIALIZATION_RUNNING', `${name} ${type}`);
      running.add(key);
      void runInitialization(engine, name, type, () => options.wake())
        .catch(options.log)
        .finally(() => running.delete(key));
      return { initialization: { connection: name, type }, progress: `/api/feeds?connection=${encodeURIComponent(name)}` };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api/connections/:name/sync',
      tag,
      summary: 'A manual sync: transfer requests for exactly these ids (at most 3,000 per request)',
      params: nameParam,
      body: syncBody,
      status: 202,
      response: z.object({ queued: z.number().int(), absorbed: z.number().int() }),
      responseDescription: 'how many requests were queued, and how many were absorbed by requests already waiting',
      errors: ['HY_ERR_CONNECTION_UNKNOWN', 'HY_ERR_SYNC_TOO_MANY_IDS'],
    },
    async ({ params: { name }, body: { type, ids } }) => {
      connectionOf(name);
      const result = await queueBulk(engine, name, type, ids);
      options.wake();
      return result;
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/feeds',
      tag,
      summary: 'Polls and initializations: where each has got to, by connection, type and kind',
      querystring: feedsQuery,
      response: pageOf(feedSchema),
      responseDescription: 'a page of feeds (pass next as after)',
    },
    async ({ query }) => {
      const feeds = await engine.store.listFeeds();
      return slicePage(
        feeds.filter((feed) => !query.connection || feed.connection === query.connection),
        query,
      );
    },
  );
}
