/**
 * What a reload compares (src/config/reload.ts), as a table of cases over the demo
 * configuration: which settings need a restart (shown without passwords), and which connections
 * were added, removed or changed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig, type HubConfig } from '../src/config/load.js';
import { connectionChanges, liveSettingChanges, restartOnlyChanges } from '../src/config/reload.js';
import { projectRoot } from './helpers/process.js';

const DEMO = resolve(projectRoot, 'examples/demo.yaml');

function demo(adjust: (config: any) => void = () => {}): HubConfig {
  const data = parseYaml(readFileSync(DEMO, 'utf8'));
  adjust(data);
  return buildConfig(data, { file: DEMO, env: {} });
}

describe('restartOnlyChanges', () => {
  const cases: Array<[string, (config: any) => void, string[]]> = [
    ['nothing changed', () => {}, []],
    ['a mapping and a base URL (both take effect at once)', (c) => {
      c.connections.erp.settings.baseUrl = 'http://127.0.0.1:9';
      c.connections.erp.mappings.product.from_hub.fields.name = 'sku';
    }, []],
    ['the port and the body limit', (c) => {
      c.server.port = 9090;
      c.server.bodyLimitBytes = 1024;
    }, ['server.port: 8080 → 9090', expect.stringMatching(/^server\.bodyLimitBytes: \d+ → 1024$/)]],
    ['the worker slots and the lease', (c) => {
      c.engine.concurrency = 2;
      c.engine.lease = '90s';
    }, ['engine.concurrency: 8 → 2', expect.stringMatching(/^engine\.lease: \d+ ms → 90000 ms$/)]],
    ['the store, whose password is never shown', (c) => {
      c.store = { url: 'postgres://hub:s3cret@db.example:5432/hookyard' };
    }, [expect.stringMatching(/^store\.url: \(SQLite in the data directory\) → postgres:\/\/hub:\*+@db\.example:5432\/hookyard$/)]],
    ['a declared data type', (c) => {
      c.types = { voucher: {} };
    }, ['types: added voucher']],
  ];
  it.each(cases)('%s', (_name, adjust, expected) => {
    const changes = restartOnlyChanges(demo(), demo(adjust));
    expect(changes).toEqual(expected);
    expect(changes.join(' ')).not.toContain('s3cret');
  });
});

describe('connectionChanges and liveSettingChanges', () => {
  it('names the connections added, removed and changed, and the settings that take effect at once', () => {
    const running = demo((c) => {
      delete c.connections.erp;
    });
    const next = demo((c) => {
      c.connections.shop.settings.baseUrl = 'http://127.0.0.1:9';
      c.server.maxBacklog = 10;
    });
    expect(connectionChanges(running, next)).toEqual({ connections: ['shop', 'erp'], added: ['erp'], removed: [], changed: ['shop'] });
    expect(connectionChanges(next, running)).toEqual({ connections: ['shop'], added: [], removed: ['erp'], changed: ['shop'] });
    expect(connectionChanges(next, demo((c) => (c.connections.shop.settings.baseUrl = 'http://127.0.0.1:9'))).changed).toEqual([]);
    expect(liveSettingChanges(running, next)).toEqual(['server.maxBacklog']);
  });
});
