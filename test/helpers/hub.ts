/** Builds hubs for tests: a real SQLite file in a temp directory, config from YAML text. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig, type HubConfig } from '../../src/config/load.js';
import { createHub, type Hub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { FakeClock } from '../../src/clock.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

export function tempDir(prefix = 'hookyard-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Parses config text as if it were a file in test/fixtures (so relative integration paths work). */
export function fixtureConfig(yaml: string, env: Record<string, string> = {}): HubConfig {
  return parseConfig(yaml, { file: join(FIXTURES, 'config.yaml'), env });
}

export interface TestHub extends Hub {
  clock: FakeClock;
  /** Resolves every received hook now (the background worker is off in tests). */
  resolveAll(): Promise<number>;
  dispose(): Promise<void>;
}

export async function startTestHub(config: HubConfig, options: { adminToken?: string } = {}): Promise<TestHub> {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore({ dataDir: dir.path });
  const hub = await createHub({ config, store, clock, workers: false, adminToken: options.adminToken ?? null });
  return Object.assign(hub, {
    clock,
    async resolveAll() {
      let total = 0;
      for (let n = await hub.resolver.runOnce(); n > 0; n = await hub.resolver.runOnce()) total += n;
      return total;
    },
    async dispose() {
      await hub.close();
      dir.remove();
    },
  });
}
