/**
 * Stripe through a real hub on a real port: events signed by the official library reach
 * `/hooks/stripe`, their `data.object` becomes the hub record and goes on to a CRM (a JSON API on
 * 127.0.0.1 with a small declarative file), an event delivered late is skipped as stale, the
 * customer list is walked by `starting_after`, a price event reads its product from the Stripe
 * double — through a 429 that says when to come back, and into a revoked key — and a hook with a
 * wrong signature is refused. The configuration is examples/providers/stripe.yaml with the
 * double's address and a CRM added.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../helpers/simulator.js';
import { until } from '../helpers/wait.js';
import { exampleConfig, startDestination, startHub, type Destination, type HubUnderTest } from './harness.js';
import { startStripe, type StripeDouble } from './stripe-server.js';

const WEBHOOK_SECRET = 'whsec_test_5c3a8e2f0d9b4a7c';

let stripe: StripeDouble;
let crm: Destination;
let hub: HubUnderTest;
const closed = closeAfterEach();

async function start(): Promise<void> {
  stripe = closed(await startStripe());
  crm = closed(await startDestination({ id: 'crm', type: 'customer', path: '/contacts', wrapper: 'contact', idPrefix: 'C-', update: 'PATCH', token: 'crm-token' }));

  const data = exampleConfig('stripe');
  Object.assign(data.connections.stripe, {
    presets: { apiUrl: stripe.url },
    retry: { maxAttempts: 5, delays: ['1s'] },
    throttle: { calls: 1000, per: '1s' },
  });
  data.connections.crm = crm.connection({ email: 'email', fullName: 'name' });
  const env = { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: stripe.secretKey };
  hub = closed(await startHub({ destinations: [crm], config: { data }, env }));
}

const api = (path: string) => hub.api(path);
const transfers = (filter?: string) => hub.transfers(filter);
const deliver = (event: Record<string, unknown>, options?: { wrongSignature?: boolean }) => stripe.deliver(`${hub.url}/hooks/stripe`, event, WEBHOOK_SECRET, options);

describe('stripe, end to end', () => {
  it('a signed customer.updated event becomes a hub customer from its data.object, and a CRM contact', async () => {
    await start();
    const customer = stripe.add('customer', { email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: '+18005550100' });
    const response = await deliver(stripe.event('customer.updated', customer, { previous: { name: 'Jenny' } }));
    expect(response.status).toBe(202);
    await hub.untilTransfer('succeeded', 'connection=crm');

    expect([...crm.records.values()]).toEqual([{ id: 'C-1', email: 'jenny.rosen@example.com', fullName: 'Jenny Rosen' }]);
    const [fromStripe] = await transfers('connection=stripe');
    expect(fromStripe).toMatchObject({ type: 'customer', scope: 'customer/updated', externalId: customer.id, status: 'succeeded' });
    const { record } = await api(`/api/records/customer/${fromStripe.hubId}`);
    expect(record.data).toEqual({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: '+18005550100' });
    // The record came from the event: Stripe's API was not called.
    expect(stripe.received).toEqual([]);
  });

  it('a payment intent event becomes a hub transaction under its collection-qualified id', async () => {
    await start();
    const intent = stripe.add('payment_intent', { amount: 4599, currency: 'eur', status: 'succeeded', customer: 'cus_Jenny' });
    expect((await deliver(stripe.event('payment_intent.succeeded', intent))).status).toBe(202);
    await hub.untilTransfer('succeeded', 'connection=stripe');
    const [transfer] = await transfers('connection=stripe');
    expect(transfer).toMatchObject({ type: 'transaction', externalId: `payment_intents/${intent.id}` });
    const { record } = await api(`/api/records/transaction/${transfer.hubId}`);
    expect(record.data).toEqual({ kind: 'payment_intent', number: intent.id, customer: 'cus_Jenny', status: 'succeeded', currency: 'EUR', total: 45.99 });
  });

  it('an older event delivered after a newer one is skipped as stale and changes nothing', async () => {
    await start();
    const customer = stripe.add('customer', { email: 'jenny.rosen@example.com', name: 'Jenny Rosen' });
    const newer = stripe.event('customer.updated', { ...customer, name: 'Jenny Rosen-Smith' }, { created: 1_767_225_700 });
    const older = stripe.event('customer.updated', customer, { created: 1_767_225_600 });
    expect((await deliver(newer)).status).toBe(202);
    await hub.untilTransfer('succeeded', 'connection=crm');
    expect((await deliver(older)).status).toBe(202);
    await until('the older event is done', async () => (await transfers('connection=stripe')).length === 2 && (await transfers('connection=stripe')).every((t) => t.status !== 'queued' && t.status !== 'running'));

    const late = (await transfers('connection=stripe')).find((t) => t.status !== 'succeeded');
    expect(late).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect([...crm.records.values()]).toEqual([expect.objectContaining({ fullName: 'Jenny Rosen-Smith' })]);
    expect(crm.received.map((r) => r.method)).toEqual(['POST']);
  });

  it('initializing customers walks the list by starting_after while has_more', async () => {
    await start();
    for (let i = 0; i < 201; i += 1) stripe.add('customer', { email: `c${i}@example.com`, name: `Customer ${i}`, created: 1_700_000_000 + i });
    await hub.post('/api/connections/stripe/initialize', { type: 'customer' });
    await hub.untilTransfers(201, 'succeeded', 'connection=stripe');

    const lists = stripe.received.filter((r) => r.method === 'GET' && r.url.startsWith('/v1/customers?'));
    const newestFirst = [...stripe.records.values()].sort((a, b) => (b.created as number) - (a.created as number));
    expect(lists.map((r) => r.url)).toEqual([
      '/v1/customers?limit=100',
      `/v1/customers?limit=100&starting_after=${newestFirst[99]!.id}`,
      `/v1/customers?limit=100&starting_after=${newestFirst[199]!.id}`,
    ]);
    for (const list of lists) expect(list.headers).toMatchObject({ authorization: `Bearer ${stripe.secretKey}`, 'stripe-version': '2026-10-28.endive' });
  });

  it("a price event reads its product; a 429 with Retry-After puts it back for at least that long, then it succeeds", async () => {
    await start();
    const product = stripe.add('product', { name: 'Stoneware mug', metadata: { sku: 'MUG-1' } });
    const price = stripe.add('price', { product: product.id, unit_amount: 1250, currency: 'usd' });
    stripe.records.set(product.id, { ...product, default_price: price.id });
    stripe.failNext(1, { status: 429, retryAfter: 2 });

    expect((await deliver(stripe.event('price.updated', price))).status).toBe(202);
    const retrying = await hub.untilTransfer('retrying', 'connection=stripe');
    const refused = stripe.received.find((r) => r.status === 429)!;
    expect(retrying).toMatchObject({ type: 'product', scope: 'product/updated', externalId: product.id, attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(Date.parse(retrying.runAt)).toBeGreaterThanOrEqual(refused.at + 2000);

    const done = await hub.untilTransfer('succeeded', 'connection=stripe');
    expect(done.attempts).toBe(2);
    const { record } = await api(`/api/records/product/${done.hubId}`);
    expect(record.data).toEqual({ sku: 'MUG-1', name: 'Stoneware mug', description: null, active: true, price: 12.5, currency: 'USD' });
    expect(stripe.received.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`)).toEqual([`GET /v1/products/${product.id} 429`, `GET /v1/products/${product.id} 200`]);
  });

  it('a revoked secret key ends the transfer dead with HY_ERR_CREDENTIALS_REJECTED after one attempt', async () => {
    await start();
    const product = stripe.add('product', { name: 'Stoneware mug' });
    const price = stripe.add('price', { product: product.id });
    stripe.revokeKey();
    expect((await deliver(stripe.event('price.created', price))).status).toBe(202);
    const dead = await hub.untilTransfer('dead', 'connection=stripe');
    expect(dead).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_CREDENTIALS_REJECTED' });
    expect(dead.lastError).toContain('Invalid API Key provided');
    expect(stripe.received).toHaveLength(1);
  });

  it('refuses an event with a wrong signature, storing nothing', async () => {
    await start();
    const customer = stripe.add('customer', { email: 'jenny.rosen@example.com' });
    const response = await deliver(stripe.event('customer.updated', customer), { wrongSignature: true });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe('HY_ERR_SIGNATURE_INVALID');
    expect((await api('/api/hooks?connection=stripe')).items).toEqual([]);
    expect(await transfers()).toEqual([]);
  });
});
