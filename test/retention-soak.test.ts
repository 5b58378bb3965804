/**
 * Retention under steady traffic: a real hub on a real SQLite file takes the same stream of shop
 * hooks round after round (one simulated minute each, on an injected clock) and carries each hook's
 * record into the hub. With a retention of a few minutes, the store's size levels off while the
 * hooks taken keep growing; with `retention: false` and the same traffic, it keeps growing. Sizes
 * and counts only, never times.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import type { OpsEvent } from '../src/ops/events.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';

const MINUTE = 60_000;
const HOOKS_PER_ROUND = 40;
const PRODUCTS = 20; // hooks cycle through these records: the hub keeps 20, the hooks and requests keep coming
const PADDING = 'x'.repeat(1_200); // a hook of about 1.3 KB, as real ones are

function config(retention: string) {
  return fixtureConfig(`
connections:
  shop:
    integration: shopify
    webhook: { apiKey: shop-key, deliveryIdHeader: x-delivery }
    settings: { baseUrl: "http://127.0.0.1:9", accessToken: shop-token }
    scopes: [product/created, product/updated]
    receiver:
      auth: { from: header, name: x-shop-webhook-key }
      record: { path: product, version: updated_at }
    mappings:
      product:
        to_hub:
          sync: add_and_update
          fields: { title: title }
${retention}
`);
}

interface Soak {
  hub: Hub;
  clock: FakeClock;
  file: string;
  hooksTaken: number;
  /** The store's methods, in the order the hub called them (appends and prune batches, for one test). */
  calls: string[];
  dispose(): Promise<void>;
}

const open: Soak[] = [];
afterEach(async () => {
  for (const soak of open.splice(0)) await soak.dispose();
});

async function startSoak(retention: string): Promise<Soak> {
  const dir = tempDir('hookyard-soak-');
  const clock = new FakeClock();
  const store = await openStore({ dataDir: dir.path });
  const calls: string[] = [];
  // The real store, each call of these noted before it runs.
  const noted = new Set(['appendHooks', 'pruneTransfers', 'pruneHooks']);
  const watched = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (noted.has(String(name))) calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
  // The workers are driven by hand, a round at a time, so that the rounds are the same in both runs.
  const hub = await createHub({ config: config(retention), store: watched, clock, workers: false });
  const soak: Soak = {
    hub,
    clock,
    file: join(dir.path, 'hookyard.db'),
    hooksTaken: 0,
    calls,
    async dispose() {
      await hub.close();
      dir.remove();
    },
  };
  open.push(soak);
  return soak;
}

async function post(soak: Soak, product: number, headers: Record<string, string> = {}) {
  const response = await soak.hub.app.inject({
    method: 'POST',
    url: '/hooks/shop',
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'products/update', 'x-shop-webhook-key': 'shop-key', ...headers },
    payload: JSON.stringify({ id: product, product: { id: product, title: `Product ${product}`, updated_at: new Date(soak.clock.now()).toISOString(), notes: PADDING } }),
  });
  expect(response.statusCode).toBe(202);
  soak.hooksTaken += 1;
  return response.json() as { hook: number };
}

/** One simulated minute: the round's hooks, read and carried into the hub, then the pruner's pass. */
async function round(soak: Soak): Promise<void> {
  for (let i = 0; i < HOOKS_PER_ROUND; i++) {
    await post(soak, 1 + (i % PRODUCTS));
    soak.clock.advance(MINUTE / HOOKS_PER_ROUND);
  }
  while ((await soak.hub.resolver.runOnce()) > 0);
  while ((await soak.hub.transfers.runOnce()) > 0);
  await soak.hub.pruner.pass();
}

/** Pages in use (page_count − freelist_count) and pages in the file, read from the file itself. */
function pages(file: string): { live: number; file: number } {
  const db = new Database(file, { readonly: true });
  try {
    const total = Number(db.pragma('page_count', { simple: true }));
    const free = Number(db.pragma('freelist_count', { simple: true }));
    return { live: total - free, file: total };
  } finally {
    db.close();
  }
}

async function soakFor(soak: Soak, rounds: number[]): Promise<Array<{ live: number; file: number; hooks: number }>> {
  const sizes: Array<{ live: number; file: number; hooks: number }> = [];
  let done = 0;
  for (const until of rounds) {
    for (; done < until; done++) await round(soak);
    sizes.push({ ...pages(soak.file), hooks: soak.hooksTaken });
  }
  return sizes;
}

describe('retention under steady traffic (SQLite)', () => {
  it('levels the store off while the hooks taken keep growing; without retention it keeps growing', async () => {
    const kept = await startSoak('retention: { hooks: 5m, transfers: 5m, dead: 10m, batch: 50 }');
    const [at10, at20, at30] = await soakFor(kept, [10, 20, 30]);
    expect([at10!.hooks, at20!.hooks, at30!.hooks]).toEqual([10, 20, 30].map((n) => n * HOOKS_PER_ROUND));
    // Twice and three times the hooks, within 10 % of the size: the pruned pages are used again.
    expect(at20!.live).toBeLessThanOrEqual(at10!.live * 1.1);
    expect(at30!.live).toBeLessThanOrEqual(at10!.live * 1.1);
    expect(at30!.file).toBeLessThanOrEqual(at10!.file * 1.1);
    expect(kept.hub.pruner.pruned()).toBeGreaterThan(0);
    const counts = await kept.hub.store.counts();
    // About the last five minutes of hooks are left (five rounds, give or take the one being cut).
    expect(counts.hooks.resolved).toBeLessThanOrEqual(7 * HOOKS_PER_ROUND);
    expect(counts.transfers.succeeded + counts.transfers.skipped).toBeLessThanOrEqual(7 * HOOKS_PER_ROUND);

    const everything = await startSoak('retention: false');
    const [all10, , all30] = await soakFor(everything, [10, 20, 30]);
    expect(all30!.live).toBeGreaterThan(all10!.live * 2);
    expect(all30!.live).toBeGreaterThan(at30!.live * 2);
    expect(everything.hub.pruner.pruned()).toBe(0);
    expect((await everything.hub.store.counts()).hooks.resolved).toBe(30 * HOOKS_PER_ROUND);
  });

  it('keeps hub records and their cross-references, sums pruned steps up in lineage, and still refuses a re-delivery within its window', async () => {
    const soak = await startSoak('retention: { hooks: 5m, transfers: 5m, batch: 20 }');
    const first = await post(soak, 1, { 'x-delivery': 'delivery-1' });
    await soakFor(soak, [12]);
    const api = async (url: string) => (await soak.hub.app.inject({ method: 'GET', url })).json();
    const hubId = (await soak.hub.store.hubRecordByExternalId('shop', 'product', '1'))!.id;

    const record = await api(`/api/records/product/${hubId}`);
    expect(record.externalIds.map((x: { connection: string; externalId: string }) => [x.connection, x.externalId])).toEqual([['shop', '1']]);
    const lineage = await api(`/api/records/product/${hubId}/lineage?limit=500`);
    // Product 1's requests of the last minutes are listed, the older ones summed up: at least one
    // per round (two hooks a round for it, which may fold into one request).
    expect(lineage.pruned.steps).toBeGreaterThan(0);
    expect(lineage.pruned.steps + lineage.items.length).toBeGreaterThanOrEqual(12);
    expect(lineage.pruned.byStatus.succeeded + (lineage.pruned.byStatus.skipped ?? 0)).toBe(lineage.pruned.steps);
    expect(lineage.pruned.byDirection).toEqual({ to_hub: lineage.pruned.steps });
    expect(lineage.pruned.byConnection).toEqual({ shop: lineage.pruned.steps });
    expect(Date.parse(lineage.pruned.from)).toBeLessThan(Date.parse(lineage.pruned.to));
    expect(lineage.items.every((step: { transfer: { createdAt: string } }) => Date.parse(step.transfer.createdAt) >= soak.clock.now() - 6 * MINUTE)).toBe(true);

    // The first hook's requests are gone, but its delivery id still deduplicates (72 h): it stays.
    expect((await soak.hub.store.transfersOf(first.hook)).length).toBe(0);
    expect(await soak.hub.store.getHook(first.hook)).not.toBeNull();
    const again = await soak.hub.app.inject({
      method: 'POST',
      url: '/hooks/shop',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'products/update', 'x-shop-webhook-key': 'shop-key', 'x-delivery': 'delivery-1' },
      payload: JSON.stringify({ id: 1 }),
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ hook: first.hook, duplicate: true });
  });

  it('takes hooks while a prune is between its batches, and tells what it pruned', async () => {
    const soak = await startSoak('retention: { hooks: 5m, transfers: 5m, batch: 10 }');
    await soakFor(soak, [3]);
    soak.clock.advance(10 * MINUTE); // everything so far is old enough
    const before = soak.hub.pruner.pruned();
    soak.calls.length = 0;
    const told: OpsEvent[] = [];
    soak.hub.events.on((event) => {
      if (event.type === 'retention.pruned') told.push(event);
    });
    const finished = await soak.hub.store.counts();
    const newest = (await soak.hub.store.listTransfers({ limit: 1 })).items[0]!;
    const kept = new Set([newest.hookId, newest.payload?.hookId].filter((id) => id != null));
    const pass = soak.hub.pruner.pass();
    // Hooks arrive while the pass works through 240 rows ten at a time, yielding between batches.
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => post(soak, 100 + i)));
    const pruned = await pass;
    // All of them but the newest request, which stays (a table's newest row is kept) with its hook
    // and the hook it took its record from.
    expect(pruned.transfers).toBe(finished.transfers.succeeded + finished.transfers.skipped - 1);
    expect(pruned.hooks).toBe(finished.hooks.resolved - kept.size);
    expect(new Set((await soak.hub.store.listHooks({ limit: 50, status: 'resolved' })).items.map((h) => h.id))).toEqual(kept);
    expect(soak.hub.pruner.pruned() - before).toBe(pruned.transfers + pruned.hooks);
    expect(told).toEqual([{ type: 'retention.pruned', ...pruned }]);
    for (const { hook } of during) expect((await soak.hub.store.getHook(hook))!.status).toBe('received');
    // The hooks were stored between two batches of the pass, not after it.
    const firstAppend = soak.calls.indexOf('appendHooks');
    expect(firstAppend).toBeGreaterThan(0);
    expect(soak.calls.slice(firstAppend).some((call) => call.startsWith('prune'))).toBe(true);
    expect(new Set(during.map((d) => d.hook)).size).toBe(20);
  });
});
