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

const idParam = z.strictObject({ id: z.coerce.number().int().min(1) });
/** A time as epoch milliseconds or an ISO 8601 text. */
const time = z.union([z.number().int(), z.string().datetime({ offset: true }).transform((text) => Date.parse(text))]);
export const replayFilterSchema = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  connection: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  since: time.optional(),
  until: time.optional(),
});

/** The replay filter as a query string (GET /api/transfers/replayable): times as digits or ISO 8601. */
const queryTime = z.union([z.string().regex(/^\d+$/).transform(Number), z.string().datetime({ offset: true }).transform((text) => Date.parse(text))]);
const replayQuerySchema = replayFilterSchema.extend({ since: queryTime.optional(), until: queryTime.optional() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new HyError('HY_ERR_QUERY_INVALID', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function replayRoutes(app: FastifyInstance, options: { store: Store; clock: Clock; wake: () => void }): Promise<void> {
  const { store, clock, wake } = options;

  app.post('/api/transfers/:id/retry', async (request) => {
    const { id } = parse(idParam, request.params);
    if (!(await store.getTransfer(id))) throw new HyError('HY_ERR_TRANSFER_NOT_FOUND', String(id));
    const transfer = await store.retryTransfer(id, 'api', clock.now());
    if (!transfer) throw new HyError('HY_ERR_TRANSFER_NOT_REPLAYABLE', String(id));
    wake();
    return { transfer };
  });

  // How many requests a replay with this filter would queue again: what to confirm before it.
  app.get('/api/transfers/replayable', async (request) => ({ count: await store.countReplayable(parse(replayQuerySchema, request.query)) }));

  app.post('/api/transfers/replay', async (request, reply) => {
    const filter = parse(replayFilterSchema, request.body);
    const result = await replayAll(store, filter, 'api', clock);
    wake();
    reply.code(202);
    return result;
  });

  app.post('/api/hooks/:id/replay', async (request, reply) => {
    const { id } = parse(idParam, request.params);
    if (!(await store.getHook(id))) throw new HyError('HY_ERR_HOOK_NOT_FOUND', String(id));
    const replay = await store.replayHook(id, 'api', clock.now());
    if (replay === null) throw new HyError('HY_ERR_HOOK_NOT_REPLAYABLE', String(id));
    wake();
    reply.code(202);
    return { hook: id, replay };
  });

  app.get('/api/replays', async () => ({ items: await store.listReplays(100) }));
}
