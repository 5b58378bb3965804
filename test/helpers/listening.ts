/**
 * A hub listening on a real port in this process, the way `hookyard serve` assembles it (SQLite
 * in a temp directory, hooks appended on their own thread), for tests that need real sockets:
 * malformed requests, slow clients, keep-alive, backpressure.
 */
import type { HubConfig } from '../../src/config/load.js';
import { createHub, type Hub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { tempDir } from './hub.js';

export interface ListeningHub {
  hub: Hub;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dispose(): Promise<void>;
}

export async function startListeningHub(
  config: HubConfig,
  options: { workers?: boolean; adminToken?: string | null } = {},
): Promise<ListeningHub> {
  const dir = tempDir('hookyard-listening-');
  const store = await openStore({ dataDir: dir.path, durability: config.store.durability });
  let hub: Hub;
  try {
    hub = await createHub({ config, store, workers: options.workers ?? true, adminToken: options.adminToken ?? null });
  } catch (error) {
    await store.close();
    dir.remove();
    throw error;
  }
  let url: string;
  try {
    url = await hub.listen(0, '127.0.0.1');
  } catch (error) {
    await hub.close();
    dir.remove();
    throw error;
  }
  let disposed = false;
  return {
    hub,
    url,
    port: Number(new URL(url).port),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await hub.close();
      } finally {
        dir.remove();
      }
    },
  };
}
