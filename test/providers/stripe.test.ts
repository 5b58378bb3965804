/**
 * The shipped `stripe` integration, piece by piece: which event becomes which scope, type and
 * external id (transactions carry their collection, prices become their product), the event's
 * time as the payload's version, and its declared requests as Stripe's API answers them (the
 * double in stripe-server.ts): paths under /v1 with the pinned Stripe-Version, cursor paging by
 * `starting_after`, forms with an idempotency key, and Stripe's 401 and 429.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands.js';
import { loadConfig, type HubConfig } from '../../src/config/load.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import type { Integration } from '../../src/integrations/types.js';
import { interpretHook } from '../../src/resolve/interpret.js';
import { readPayloadRecord } from '../../src/resolve/payload.js';
import { closeAfterEach } from '../helpers/simulator.js';
import { rejection, writeContext } from '../integrations/context.js';
import { startStripe, STRIPE_API_VERSION, type StripeDouble } from './stripe-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const stripe = BUILTIN_INTEGRATIONS.get('stripe') as Integration;

const closed = closeAfterEach();
const double = async (): Promise<StripeDouble> => closed(await startStripe());

function ctx(server: StripeDouble, key = server.secretKey) {
  const context = writeContext({ secretKey: key });
  context.presets = { apiUrl: server.url };
  return context;
}

let config: HubConfig;
beforeAll(async () => {
  config = await loadConfig(resolve(ROOT, 'examples/providers/stripe.yaml'), { env: {} });
});

async function interpret(event: Record<string, unknown>) {
  const connection = config.connections.get('stripe')!;
  const hook = { connection: 'stripe', headers: { 'content-type': 'application/json' }, segments: [], contentType: 'application/json', body: Buffer.from(JSON.stringify(event)) };
  return { hook, result: await interpretHook(connection, hook, Date.now()) };
}

describe('the shipped stripe integration', () => {
  it('its example configuration passes check, which prints the scope table', async () => {
    const stdout: string[] = [];
    const code = await checkCommand(resolve(ROOT, 'examples/providers/stripe.yaml'), { out: (t) => stdout.push(t), err: () => {} }, {});
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/customer\/updated\s+yes\s+customer\.updated/);
  });


  it('is found by id and verifies hooks as Stripe signs them', () => {
    expect(stripe.verifyScheme).toBe('stripe');
    expect(stripe.types).toEqual(['price']);
    expect(stripe.parents).toEqual([expect.objectContaining({ type: 'price', parent: 'product' })]);
  });

  it('reads each event as a scope of its hub type, with the external id get can read it by', async () => {
    const server = await double();
    const customer = server.add('customer', { email: 'jenny@example.com' });
    const product = server.add('product', { name: 'Mug' });
    const price = server.add('price', { product: product.id });
    const invoice = server.add('invoice', { customer: customer.id });
    const intent = server.add('payment_intent', { customer: customer.id });
    const charge = server.add('charge', { payment_intent: intent.id });
    const refund = server.add('refund', { charge: charge.id });
    const cases: Array<[string, Record<string, unknown>, string, string, string, boolean]> = [
      // event type, object → scope, transfer type, external id, payload
      ['customer.created', customer, 'customer/created', 'customer', customer.id, true],
      ['customer.updated', customer, 'customer/updated', 'customer', customer.id, true],
      ['invoice.paid', invoice, 'transaction/updated', 'transaction', `invoices/${invoice.id}`, true],
      ['payment_intent.succeeded', intent, 'transaction/updated', 'transaction', `payment_intents/${intent.id}`, true],
      ['charge.succeeded', charge, 'transaction/updated', 'transaction', `charges/${charge.id}`, true],
      ['refund.created', refund, 'transaction/created', 'transaction', `refunds/${refund.id}`, true],
      ['charge.refund.updated', refund, 'transaction/updated', 'transaction', `refunds/${refund.id}`, true],
      ['product.updated', product, 'product/updated', 'product', product.id, true],
      // A price is a reason to read its product again: no payload (the price is not the product).
      ['price.updated', price, 'product/updated', 'product', product.id, false],
    ];
    for (const [type, object, scope, hubType, externalId, payload] of cases) {
      const { result } = await interpret(server.event(type, object as never));
      expect(result.status, type).toBe('resolved');
      expect(result.transfers, type).toEqual([expect.objectContaining({ scope, type: hubType, externalId, status: 'queued', ...(payload ? { payload: true } : {}) })]);
      if (!payload) expect(result.transfers[0]!.payload, type).toBeUndefined();
    }
  });

  it('keeps deletes off by default and an event about another object unmatched', async () => {
    const server = await double();
    const customer = server.add('customer');
    const deleted = (await interpret(server.event('customer.deleted', customer))).result;
    expect(deleted.transfers).toEqual([expect.objectContaining({ scope: 'customer/deleted', requestType: 'delete', status: 'skipped' })]);
    expect(deleted.transfers[0]!.payload).toBeUndefined(); // a delete never reads a payload
    // customer.subscription.updated carries a subscription, not a customer.
    const subscription = (await interpret(server.event('customer.subscription.updated', { id: 'sub_1', object: 'subscription', customer: customer.id }))).result;
    expect(subscription.status).toBe('unmatched');
    expect(subscription.transfers).toEqual([]);
  });

  it("takes the event's created time as the record's version", async () => {
    const server = await double();
    const customer = server.add('customer', { created: 1_700_000_000 });
    const { hook } = await interpret(server.event('customer.updated', customer, { created: 1_767_225_600 }));
    const payload = await readPayloadRecord(config.connections.get('stripe')!.receiver, hook, 0);
    expect(payload).toEqual({ record: customer, version: '1767225600' });
  });
});

describe("stripe's api, as declared", () => {
  it('reads a transaction from the collection its id names, with the pinned version and the bearer key', async () => {
    const server = await double();
    const invoice = server.add('invoice', { number: 'A1B2-0001' });
    const refund = server.add('refund');
    expect(await stripe.get!('transaction', `invoices/${invoice.id}`, ctx(server))).toEqual(invoice);
    expect(await stripe.get!('transaction', `refunds/${refund.id}`, ctx(server))).toEqual(refund);
    expect(await stripe.get!('transaction', 'invoices/in_gone', ctx(server))).toBeNull();
    expect(server.received.map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([`GET /v1/invoices/${invoice.id} 200`, `GET /v1/refunds/${refund.id} 200`, 'GET /v1/invoices/in_gone 404']);
    expect(server.received[0]!.headers).toMatchObject({ authorization: `Bearer ${server.secretKey}`, 'stripe-version': STRIPE_API_VERSION });
  });

  it("reads a product with its default price expanded (what a price event's product needs)", async () => {
    const server = await double();
    const product = server.add('product', { name: 'Mug' });
    const price = server.add('price', { product: product.id, unit_amount: 1250 });
    server.records.set(product.id, { ...product, default_price: price.id });
    const read = await stripe.get!('product', product.id, ctx(server));
    expect(read).toMatchObject({ id: product.id, default_price: { id: price.id, unit_amount: 1250 } });
    expect(server.received[0]!.url).toBe(`/v1/products/${product.id}?expand%5B%5D=default_price`);
  });

  it('lists customers page by page with starting_after, as long as has_more', async () => {
    const server = await double();
    for (let i = 0; i < 3; i += 1) server.add('customer', { created: 1_700_000_000 + i });
    const page = await stripe.list!('customer', null, ctx(server));
    expect(page.ids).toHaveLength(3);
    expect(page.cursor).toBeNull();
    expect(server.received[0]!.url).toBe('/v1/customers?limit=100');
  });

  it('creates a customer as a form with an Idempotency-Key, and updates it with POST', async () => {
    const server = await double();
    const context = ctx(server);
    const created = await stripe.create!('customer', { email: 'jenny@example.com', name: 'Jenny Rosen', metadata: { hub_id: 7 } }, { ...context, idempotencyKey: 'stripe:7' });
    expect(server.records.get(created.externalId)).toMatchObject({ object: 'customer', email: 'jenny@example.com', metadata: { hub_id: '7' } });
    await stripe.update!('customer', created.externalId, { name: 'Jenny R.' }, context);
    const [create, update] = server.received;
    expect(create!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'stripe:7' });
    expect(create!.body).toBe('email=jenny%40example.com&name=Jenny+Rosen&metadata%5Bhub_id%5D=7');
    expect(`${update!.method} ${update!.url} ${update!.body}`).toBe(`POST /v1/customers/${created.externalId} name=Jenny+R.`);
    expect(server.records.get(created.externalId)).toMatchObject({ name: 'Jenny R.', email: 'jenny@example.com' });
  });

  it('finds a customer by email', async () => {
    const server = await double();
    const jenny = server.add('customer', { email: 'jenny@example.com' });
    expect(await stripe.find!('customer', 'email', 'jenny@example.com', ctx(server))).toBe(jenny.id);
    expect(await stripe.find!('customer', 'email', 'nobody@example.com', ctx(server))).toBeNull();
    expect(server.received[0]!.url).toBe('/v1/customers?email=jenny%40example.com&limit=2');
  });

  it("a revoked key is Stripe's 401: permanent, HY_ERR_CREDENTIALS_REJECTED, the key masked in its body", async () => {
    const server = await double();
    const customer = server.add('customer');
    const key = server.secretKey;
    server.revokeKey();
    const error = await rejection(stripe.get!('customer', customer.id, ctx(server, key)));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_CREDENTIALS_REJECTED', false]);
    expect(error.message).toContain('Invalid API Key provided: sk_test_');
    expect(error.message).not.toContain(key);
  });

  it("a 429 is a rate limit, waiting Stripe's Retry-After when it sends one", async () => {
    const server = await double();
    const customer = server.add('customer');
    server.failNext(1, { status: 429, retryAfter: 2 });
    const error = await rejection(stripe.get!('customer', customer.id, ctx(server)));
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(['HY_ERR_RATE_LIMITED', true, 2000]);
    expect(error.message).toContain('"code":"rate_limit"');
    server.failNext(1, { status: 429 });
    const bare = await rejection(stripe.get!('customer', customer.id, ctx(server)));
    expect([bare.code, bare.retryable, bare.retryAfterMs]).toEqual(['HY_ERR_RATE_LIMITED', true, null]);
  });
});
