/**
 * GET /metrics in the Prometheus text format: what an operator alerts on — the inbox backlog and
 * the transfer requests due (what backpressure weighs), hooks and transfer requests by status, finished requests by reason (echoes dropped, requests
 * coalesced, …) and each connection's circuit.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Guards } from '../engine/guard.js';
import type { Store } from '../store/store.js';
import type { RouteDoc } from './route.js';

const escape = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

export async function metricsRoute(app: FastifyInstance, options: { store: Store; guards: Guards; clock: Clock }): Promise<void> {
  const openapi: RouteDoc = {
    summary: 'Metrics in the Prometheus text format',
    tag: 'health',
    responses: { 200: { description: 'gauges: inbox backlog, transfers due, hooks and transfer requests by status and reason, circuits', contentType: 'text/plain; version=0.0.4' } },
  };
  app.get('/metrics', { config: { openapi } }, async (_request, reply) => {
    const [counts, waiting] = await Promise.all([options.store.counts(), options.store.waitingWork(options.clock.now())]);
    const lines: string[] = [];
    const family = (name: string, help: string, samples: Array<[Record<string, string>, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of samples) {
        const text = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
        lines.push(`${name}${text ? `{${text}}` : ''} ${value}`);
      }
    };
    family('hookyard_inbox_backlog', 'Hooks stored but not read yet (backpressure: server.maxBacklog).', [[{}, waiting.hooks]]);
    family('hookyard_transfers_due', 'Transfer requests due to run and not yet running (backpressure: server.maxQueuedTransfers).', [[{}, waiting.transfers]]);
    family('hookyard_hooks', 'Hooks by status.', Object.entries(counts.hooks).map(([status, n]) => [{ status }, n]));
    family('hookyard_transfers', 'Transfer requests by status.', Object.entries(counts.transfers).map(([status, n]) => [{ status }, n]));
    family('hookyard_transfers_by_reason', 'Finished transfer requests by reason code (echo, coalesced, filtered, …).', Object.entries(counts.reasons).map(([reason, n]) => [{ reason }, n]));
    family(
      'hookyard_circuit_open',
      "1 when a connection's circuit is open or half-open (calls to its system are held back).",
      Object.entries(options.guards.states()).map(([connection, state]) => [{ connection, state }, state === 'closed' ? 0 : 1]),
    );
    reply.type('text/plain; version=0.0.4');
    return `${lines.join('\n')}\n`;
  });
}
