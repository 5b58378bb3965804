/**
 * GET /metrics in the Prometheus text format, served by every role: the hub's series (see
 * src/ops/metrics.ts for what they are and why a scrape costs the same at any backlog) and the
 * process's own.
 */
import type { FastifyInstance } from 'fastify';
import type { HubMetrics } from '../ops/metrics.js';
import type { RouteDoc } from './route.js';

const openapi: RouteDoc = {
  summary: 'Metrics in the Prometheus text format',
  tag: 'health',
  responses: {
    200: {
      description: "the hub's series (hooks, transfers, backlog, circuits, feeds; see docs/operations.md) and the process's own",
      contentType: 'text/plain; version=0.0.4',
    },
  },
};

export async function metricsRoute(app: FastifyInstance, options: { metrics: HubMetrics }): Promise<void> {
  app.get('/metrics', { config: { openapi } }, async (_request, reply) => {
    const text = await options.metrics.text();
    reply.type(options.metrics.contentType);
    return text;
  });
}
