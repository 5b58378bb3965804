/**
 * A manual sync takes at most 3,000 ids per request (the cap iPaaS.com puts on one); the CLI
 * splits a longer id file into requests of at most 3,000 and shows its progress.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncCommand } from '../src/cli/sync.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, startTestHub, tempDir, type TestHub } from './helpers/hub.js';

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: super-secret-key }
    scopes: [product/updated]
`;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const idsFrom = (n: number, prefix = 'P') => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

describe('a manual sync over the API', () => {
  it('takes up to 3,000 ids and refuses more with HY_ERR_SYNC_TOO_MANY_IDS naming the cap', async () => {
    const hub: TestHub = await startTestHub(fixtureConfig(CONFIG));
    cleanup.push(() => hub.dispose());
    const sync = (ids: string[]) => hub.app.inject({ method: 'POST', url: '/api/connections/std/sync', payload: { type: 'product', ids } });

    const tooMany = await sync(idsFrom(3_001));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: 'HY_ERR_SYNC_TOO_MANY_IDS' });
    expect(tooMany.json().message).toContain('3,000');
    expect(tooMany.json().message).toContain('3001 ids given');
    expect((await hub.store.counts()).transfers.queued).toBe(0); // nothing of it was queued

    const full = await sync(idsFrom(3_000));
    expect(full.statusCode).toBe(202);
    expect(full.json()).toEqual({ queued: 3_000, absorbed: 0 });
  });
});

describe('hookyard sync with an id file', () => {
  it('splits 7,000 ids into requests of at most 3,000, with progress', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const file = join(dir.path, 'ids.txt');
    writeFileSync(file, `# products to sync\n${idsFrom(7_000, 'Item').join('\n')}\n`);
    const lines: string[] = [];
    const output = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const data = join(dir.path, 'data');
    await (await openStore({ dataDir: data })).close(); // sync works on the store a hub made: make it

    const code = await syncCommand({ config: 'examples/demo.yaml', data, connection: 'erp', type: 'product', file, ids: [] }, output, false);
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/ 3000\/7000 43%$/),
      expect.stringMatching(/ 6000\/7000 86%$/),
      '[##############################] 7000/7000 100%',
    ]);
    expect(lines.at(-1)).toBe('7000 bulk request(s) queued for erp product (3 syncs of at most 3000 ids)');

    const store = await openStore({ dataDir: data });
    cleanup.push(() => store.close());
    expect((await store.counts()).transfers.queued).toBe(7_000);
  });
});
