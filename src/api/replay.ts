/**
 * Dead letters and replay over the admin API. Nothing is deleted: a replayed request is queued
 * again on its own row (its history and last error kept); a replayed hook is read again; every
 * replay is recorded (GET /api/replays).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { TRANSFER_STATUSES } from '../domain/types.js';
import { HyError } from '../errors.js';
import { replayAll } from '../engine/replay.js';
import type { Store } from '../store/store.js';
import { route } from './route.js';
import { before, idParam, limit, pageOf, replaySchema, timeFilter, transferSchema } from './schemas.js';

export const replayFilterSchema = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  connection: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  since: timeFilter.optional().meta({ description: 'created at or after (ISO 8601 or epoch ms)' }),
  until: timeFilter.optional().meta({ description: 'created before (ISO 8601 or epoch ms)' }),
});

export async function replayRoutes(app: FastifyInstance, options: { store: Store; clock: Clock; wake: () => void }): Promise<void> {
  const { store, clock, wake } = options;
  const tag = 'replay and cancel';

  route(
    app,
    {
      method: 'POST',
      url: '/api/transfers/:id/retry',
      tag,
      summary: 'Queue a finished transfer request again, its attempts renewed',
      params: idParam,
      response: z.object({ transfer: transferSchema }),
      responseDescription: 'the request as queued again (or skipped as coalesced when another one waits for its record)',
      errors: ['HY_ERR_TRANSFER_NOT_FOUND', 'HY_ERR_TRANSFER_NOT_REPLAYABLE'],
    },
    async ({ params: { id } }) => {
      if (!(await store.getTransfer(id))) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
      const transfer = await store.retryTransfer(id, 'api', clock.now());
      if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_REPLAYABLE', String(id));
      wake();
      return { transfer };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/transfers/replayable',
      tag,
      summary: 'How many finished transfer requests a replay with this filter would queue again (what to confirm before it)',
      querystring: replayFilterSchema,
      response: z.object({ count: z.number().int() }),
      responseDescription: 'the count',
    },
    async ({ query }) => ({ count: await store.countReplayable(query) }),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api/transfers/replay',
      tag,
      summary: 'Queue again every finished transfer request a filter matches',
      body: replayFilterSchema,
      status: 202,
      response: z.object({ replay: z.number().int(), count: z.number().int() }),
      responseDescription: 'the replay (GET /api/replays) and how many requests it queued',
    },
    async ({ body }) => {
      const result = await replayAll(store, body, 'api', clock);
      wake();
      return result;
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api/hooks/:id/replay',
      tag,
      summary: 'Read a stored hook again',
      params: idParam,
      status: 202,
      response: z.object({ hook: z.number().int(), replay: z.number().int() }),
      responseDescription: 'the hook and the replay',
      errors: ['HY_ERR_HOOK_NOT_FOUND', 'HY_ERR_HOOK_NOT_REPLAYABLE'],
    },
    async ({ params: { id } }) => {
      if (!(await store.getHook(id))) throw new HyError('HY_ERR_HOOK_NOT_FOUND', String(id));
      const replay = await store.replayHook(id, 'api', clock.now());
      if (replay === null) throw new HyError('HY_ERR_HOOK_NOT_REPLAYABLE', String(id));
      wake();
      return { hook: id, replay };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/replays',
      tag,
      summary: 'Recorded replays, newest first',
      querystring: z.strictObject({ before, limit }),
      response: pageOf(replaySchema),
      responseDescription: 'a page of replays (pass next as before)',
    },
    async ({ query }) => store.listReplays(query),
  );
}
