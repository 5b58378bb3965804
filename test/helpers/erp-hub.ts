/**
 * A hub over the demo configuration on a fake clock, its workers driven by hand, with the real demo
 * ERP behind its `erp` connection (hooks held back: the test feeds the hub itself).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FakeClock } from '../../src/clock.js';
import { buildConfig } from '../../src/config/load.js';
import type { HubConfig } from '../../src/config/types.js';
import { startDemoErp, type DemoErp } from '../../src/demo/index.js';
import { createHub, type Hub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { tempDir } from './hub.js';
import { KEYS, type DemoConfig } from './world.js';

const DEMO_YAML = resolve(import.meta.dirname, '../../examples/demo.yaml');

/** examples/demo.yaml as `adjust` leaves it, with the ERP at `erpUrl` and no shop to reach. */
export function demoConfig(erpUrl: string, adjust: (data: DemoConfig) => void = () => {}): HubConfig {
  const data = parseYaml(readFileSync(DEMO_YAML, 'utf8')) as DemoConfig;
  adjust(data);
  return buildConfig(data, { file: DEMO_YAML, env: { SHOP_URL: 'http://127.0.0.1:9', ERP_URL: erpUrl } });
}

export interface ErpHub {
  hub: Hub;
  erp: DemoErp;
  clock: FakeClock;
  /** Closes the hub and the ERP, removes the data directory. */
  dispose(): Promise<void>;
}

export async function erpHubOnFakeClock(prefix: string, adjust: (data: DemoConfig) => void = () => {}): Promise<ErpHub> {
  const dir = tempDir(prefix);
  const erp = await startDemoErp({ hubUrl: 'http://127.0.0.1:9', webhookKey: KEYS.erpHook, apiToken: KEYS.erpToken, retryDelaysMs: [20] });
  erp.pauseHooks();
  const clock = new FakeClock();
  const hub = await createHub({ config: demoConfig(erp.url, adjust), store: await openStore({ dataDir: dir.path }), clock, workers: false });
  return {
    hub,
    erp,
    clock,
    async dispose() {
      await hub.close();
      await erp.close();
      dir.remove();
    },
  };
}
