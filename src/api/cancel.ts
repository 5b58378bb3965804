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

const idParam = z.strictObject({ id: z.coerce.number().int().min(1) });
/** A time as epoch milliseconds or an ISO 8601 text. */
const time = z.union([z.number().int(), z.string().datetime({ offset: true }).transform((text) => Date.parse(text))]);
/** The replay filter, for waiting requests; at least one term, so that no empty body cancels everything. */
export const cancelFilterSchema: z.ZodType<CancelFilter> = z
  .strictObject({
    status: z.enum(['queued', 'retrying']).optional(),
    connection: z.string().min(1).optional(),
    scope: z.string().min(1).optional(),
    since: time.optional(),
    until: time.optional(),
  })
  .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
    message: 'give at least one of status (queued or retrying), connection, scope, since, until',
  });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new HyError('HY_ERR_QUERY_INVALID', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function cancelRoutes(app: FastifyInstance, options: { store: Store; clock: Clock }): Promise<void> {
  const { store, clock } = options;

  app.post('/api/transfers/:id/cancel', async (request) => {
    const { id } = parse(idParam, request.params);
    if (!(await store.getTransfer(id))) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
    const transfer = await store.cancelTransfer(id, 'api', clock.now());
    if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_CANCELLABLE', `transfer ${id} is ${(await store.getTransfer(id))?.status}`);
    return { transfer };
  });

  app.post('/api/transfers/cancel', async (request) => {
    const filter = parse(cancelFilterSchema, request.body);
    return cancelAll(store, filter, 'api', clock);
  });

  app.get('/api/cancels', async () => ({ items: await store.listCancels(100) }));
}
