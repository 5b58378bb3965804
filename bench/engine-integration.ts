/**
 * The engine bench's integration: a code integration whose systems live in this process. `get`
 * returns a product at once and `create` / `update` return at once, so that a transfer through it
 * costs only hookyard's own work: claim, read, map, hub record, fan-out, write, commit.
 * Used by bench/engine-hub.ts for both its connections (the source and the destination).
 */
import { defineIntegration } from '../src/index.js';

/** Reads from the source and writes into the destination, for the engine bench's progress and end. */
export const calls = { read: 0, created: 0, updated: 0 };

export default defineIntegration({
  id: 'bench-in-process',
  title: 'in-process system (bench)',
  scopes: [{ scope: 'product/updated', description: 'bench product → product' }],
  async get(_type, externalId) {
    calls.read += 1;
    return { id: externalId, sku: `SKU-${externalId}`, title: `Product ${externalId}`, price: '12.50', status: 'active' };
  },
  async create(_type, record) {
    calls.created += 1;
    return { externalId: `item-${String(record.code)}` };
  },
  async update() {
    calls.updated += 1;
  },
});
