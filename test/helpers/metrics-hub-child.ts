/**
 * A process that makes two hubs on one SQLite directory, scrapes /metrics on each, closes both and
 * then simply ends its script: run with `node --import tsx metrics-hub-child.ts DIR`. It never
 * calls process.exit, so it exits only if nothing (a timer, a monitor, a socket) keeps it alive.
 */
import { fixtureConfig } from './hub.js';
import { createHub } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: metrics-hub-child.ts DIR');
const config = fixtureConfig(`
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
`);
const hubs = [await createHub({ config, store: await openStore({ dataDir: dir }) }), await createHub({ config, store: await openStore({ dataDir: dir }), role: 'worker' })];
let scrapes = 0;
for (const hub of hubs) {
  const response = await hub.app.inject({ method: 'GET', url: '/metrics' });
  if (response.statusCode !== 200 || !response.body.includes('hookyard_process_cpu_user_seconds_total')) throw new Error(`scrape failed: ${response.statusCode}`);
  scrapes += 1;
}
for (const hub of hubs) await hub.close();
console.log(`closed ${hubs.length} hubs after ${scrapes} scrapes`);
