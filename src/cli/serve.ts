/** `hookyard serve` and `hookyard demo`: run a hub until SIGTERM or SIGINT. */
import { fileURLToPath } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { loadConfigFile, type HubConfig } from '../config/load.js';
import { createHub, type Hub } from '../server.js';
import { openStore } from '../store/index.js';
import { reportLoadError, type Output } from './commands.js';

export interface ServeOptions {
  config: string;
  data: string;
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
}

/** Starts a hub; resolves with it once it listens, or with an exit code when it cannot start. */
export async function startServe(options: ServeOptions, output: Output): Promise<{ hub: Hub; address: string; config: HubConfig } | number> {
  let config: HubConfig;
  try {
    config = loadConfigFile(options.config, { env: options.env });
  } catch (error) {
    return reportLoadError(error, options.config, output);
  }
  for (const warning of config.warnings) output.err(`warning: ${warning}`);
  const env = options.env ?? process.env;
  const store = await openStore({ dataDir: options.data, durability: config.store.durability, appendThread: true });
  const hub = await createHub({ config, store, logger: true, adminToken: env.HOOKYARD_ADMIN_TOKEN || null });
  const address = await hub.listen(options.port ?? config.server.port, options.host ?? config.server.host);
  output.out(`hookyard listening on ${address} — store: sqlite in ${resolvePath(options.data)}, ${config.connections.size} connection(s)`);
  return { hub, address, config };
}

/** Resolves when a signal has closed the hub. SIGTERM and SIGINT both drain and exit 0. */
function untilSignal(hub: Hub, output: Output): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      output.out(`${signal}: stopping — no new hooks; committing what was taken`);
      hub.close().then(
        () => resolve(0),
        (error: unknown) => {
          output.err(`error while stopping: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

export async function serveCommand(options: ServeOptions, output: Output): Promise<number> {
  const started = await startServe(options, output);
  if (typeof started === 'number') return started;
  return untilSignal(started.hub, output);
}

const projectRoot = resolvePath(fileURLToPath(import.meta.url), '../../..');

/** The demo configuration's secrets; the demo config reads them from the environment with these as defaults. */
export const DEMO_KEYS = { shop: 'demo-shop-key', erp: 'demo-erp-key' } as const;

export async function runDemo(output: Output): Promise<number> {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  const data = process.env.HOOKYARD_DATA ?? '.hookyard';
  const started = await startServe({ config: resolvePath(projectRoot, 'examples/demo.yaml'), data, port, host: '127.0.0.1' }, output);
  if (typeof started === 'number') return started;
  const base = started.address;
  output.out(
    [
      '',
      'Send it a hook:',
      `  curl -s -X POST ${base}/hooks/shop -H 'X-Shop-Webhook-Key: ${DEMO_KEYS.shop}' \\`,
      `       -H 'X-Shopify-Topic: products/update' -H 'Content-Type: application/json' -d '{"id": 1001, "title": "Mug"}'`,
      `  curl -s -X POST ${base}/hooks/erp -H 'Authorization: Bearer ${DEMO_KEYS.erp}' \\`,
      `       -H 'Content-Type: application/json' -d @examples/hooks/erp-notifications.json`,
      'Then look:',
      `  ${base}/api/hooks        what arrived, newest first`,
      `  ${base}/api/transfers    the transfer requests they produced`,
      `  ${base}/api/connections  each connection's scopes`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  return untilSignal(started.hub, output);
}
