/**
 * Cancelling waiting work over the admin API: queued and retrying requests end as skipped with
 * reason code `cancelled`, by id or by filter. A running request is never cancelled (its attempt
 * finishes). Nothing is deleted: a cancelled request keeps its row and can be replayed; every
 * cancel is recorded (GET /api/cancels).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { cancelAll } from '../engine/cancel.js';
import { HyError } from '../errors.js';
import type { CancelFilter, Store } from '../store/store.js';
import { route } from './route.js';
import { before, cancelSchema, idParam, limit, pageOf, timeFilter, transferSchema } from './schemas.js';

/** The replay filter, for waiting requests; at least one term, so that no empty body cancels everything. */
export const cancelFilterSchema = z
  .strictObject({
    status: z.enum(['queued', 'retrying']).optional(),
    connection: z.string().min(1).optional(),
    scope: z.string().min(1).optional(),
    since: timeFilter.optional().meta({ description: 'created at or after (ISO 8601 or epoch ms)' }),
    until: timeFilter.optional().meta({ description: 'created before (ISO 8601 or epoch ms)' }),
  })
  .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
    message: 'give at least one of status (queued or retrying), connection, scope, since, until',
  }) satisfies z.ZodType<CancelFilter>;

export async function cancelRoutes(app: FastifyInstance, options: { store: Store; clock: Clock }): Promise<void> {
  const { store, clock } = options;
  const tag = 'replay and cancel';

  route(
    app,
    {
      method: 'POST',
      url: '/api/transfers/:id/cancel',
      tag,
      summary: 'End a queued or retrying transfer request without running it (skipped, reason code cancelled)',
      params: idParam,
      response: z.object({ transfer: transferSchema }),
      responseDescription: 'the request as cancelled',
      errors: ['HY_ERR_TRANSFER_NOT_FOUND', 'HY_ERR_TRANSFER_NOT_CANCELLABLE'],
    },
    async ({ params: { id } }) => {
      if (!(await store.getTransfer(id))) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
      const transfer = await store.cancelTransfer(id, 'api', clock.now());
      if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_CANCELLABLE', `transfer ${id} is ${(await store.getTransfer(id))?.status}`);
      return { transfer };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api/transfers/cancel',
      tag,
      summary: 'Cancel every waiting transfer request a filter matches',
      body: cancelFilterSchema,
      response: z.object({ cancel: z.number().int(), count: z.number().int() }),
      responseDescription: 'the cancel (GET /api/cancels) and how many requests it ended',
    },
    async ({ body }) => cancelAll(store, body, 'api', clock),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/cancels',
      tag,
      summary: 'Recorded cancels, newest first',
      querystring: z.strictObject({ before, limit }),
      response: pageOf(cancelSchema),
      responseDescription: 'a page of cancels (pass next as before)',
    },
    async ({ query }) => store.listCancels(query),
  );
}
