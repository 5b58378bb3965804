/**
 * POST /api/config/reload: load the configuration file again and swap it in (src/reload.ts).
 * 200 with what changed; a file that cannot be read, is invalid or changes a setting that needs a
 * restart is answered 4xx with its code, and the running configuration stays in force. The file
 * is always the one the hub runs from: the API takes no path (it would read any file the process
 * can).
 */
import type { FastifyInstance } from 'fastify';
import type { ReloadResult } from '../reload.js';

export async function reloadRoutes(app: FastifyInstance, options: { reload: () => Promise<ReloadResult> }): Promise<void> {
  app.post('/api/config/reload', async () => options.reload());
}
