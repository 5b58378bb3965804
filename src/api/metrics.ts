/**
 * GET /metrics in the Prometheus text format, served by every role: the hub's series (see
 * src/ops/metrics.ts for what they are and why a scrape costs the same at any backlog) and the
 * process's own.
 */
import type { FastifyInstance } from 'fastify';
import type { HubMetrics } from '../ops/metrics.js';

export async function metricsRoute(app: FastifyInstance, options: { metrics: HubMetrics }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.text();
    reply.type(options.metrics.contentType);
    return text;
  });
}
