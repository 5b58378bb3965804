import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k }
`;

describe('the resolver worker', () => {
  let hub: Hub | null = null;
  let dir = tempDir();
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await hub?.close();
    hub = null;
    dir.remove();
  });

  it('resolves committed hooks by itself, woken by the commit', async () => {
    const store = await openStore({ dataDir: dir.path });
    // A 10-minute idle period: only the wake-up after the commit can resolve the hook within the 2 s below.
    hub = await createHub({ config: fixtureConfig(CONFIG), store, resolveIdleMs: 600_000 });
    const response = await hub.app.inject({
      method: 'POST',
      url: '/hooks/std',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      payload: { notifications: [{ scope: 'product/updated', external_id: 'W1' }] },
    });
    const { hook } = response.json() as { hook: number };
    let status = 'received';
    for (let i = 0; i < 200 && status === 'received'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await store.getHook(hook))!.status;
    }
    expect(status).toBe('resolved');
    expect((await store.transfersOf(hook)).map((t) => t.externalId)).toEqual(['W1']);
  });

  it('commits what was taken before it closes', async () => {
    const store = await openStore({ dataDir: dir.path });
    hub = await createHub({ config: fixtureConfig(CONFIG), store, workers: false });
    const pending = Array.from({ length: 20 }, (_, i) =>
      hub!.app.inject({
        method: 'POST',
        url: '/hooks/std',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        payload: { notifications: [{ scope: 'product/updated', external_id: `c${i}` }] },
      }),
    );
    const answers = await Promise.all(pending);
    await hub.close();
    hub = null;
    const reopened = await openStore({ dataDir: dir.path });
    for (const answer of answers) {
      expect(answer.statusCode).toBe(202);
      expect(await reopened.getHook((answer.json() as { hook: number }).hook)).not.toBeNull();
    }
    await reopened.close();
  });
});
