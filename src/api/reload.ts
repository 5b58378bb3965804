/**
 * POST /api/config/reload: load the configuration file again and swap it in (src/reload.ts).
 * 200 with what changed; a file that cannot be read, is invalid or changes a setting that needs a
 * restart is answered 4xx with its code, and the running configuration stays in force. The file
 * is always the one the hub runs from: the API takes no path (it would read any file the process
 * can).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReloadResult } from '../reload.js';
import { route } from './route.js';

const reloadAnswer = z.object({
  reloaded: z.literal(true),
  file: z.string().meta({ description: 'the file it was loaded from' }),
  settings: z.array(z.string()).meta({ description: 'top-level settings that changed and took effect (e.g. server.maxBacklog)' }),
  warnings: z.array(z.string()).meta({ description: "the new configuration's warnings, as hookyard check prints them" }),
  connections: z.array(z.string()).meta({ description: 'every connection of the new configuration, in file order' }),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()).meta({ description: 'in both, built from a different section of the file or a different integration' }),
});

export async function reloadRoutes(app: FastifyInstance, options: { reload: () => Promise<ReloadResult> }): Promise<void> {
  route(
    app,
    {
      method: 'POST',
      url: '/api/config/reload',
      tag: 'configuration',
      summary: 'Load the configuration file again and swap it in',
      response: reloadAnswer,
      responseDescription: 'reloaded: what changed',
      errors: ['HY_ERR_CONFIG_UNREADABLE', 'HY_ERR_CONFIG_INVALID', 'HY_ERR_CONFIG_RESTART_REQUIRED', 'HY_ERR_CONFIG_NO_FILE'],
    },
    async () => options.reload(),
  );
}
