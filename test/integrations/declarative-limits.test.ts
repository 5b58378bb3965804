/**
 * What an `api` section says beyond requests: the system's rate limit as its headers announce it
 * (a 429 or GitHub's 403 with none left waits as told; "none left" on a good answer holds the next
 * call back; a long pause puts the transfer back instead of sending), credentials refused (401)
 * as a permanent failure of their own, records sent as forms (Stripe), page counts read from
 * headers (WooCommerce) and an empty answer past the last page (BigCommerce's 204).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, writeContext } from './context.js';
import { header, integrationFromYaml, startApi, type Route } from './declarative-server.js';
import { remainingOf } from '../../src/integrations/declarative/rate-limit.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function api(route: Route) {
  const server = await startApi(route);
  closers.push(server.close);
  return server;
}

function file(extra: string, types: string): string {
  return `
id: limited
scopes: [{ scope: customer/updated, description: "Limited customer → customer" }]
api:
  baseUrl: "{settings.baseUrl}"
  auth: { kind: bearer, token: "{settings.token}" }
${extra}
  types:
    customer:
${types}
`;
}

describe('rate limits', () => {
  it('reads "used/limit" and plain counts', () => {
    expect([remainingOf('39/40'), remainingOf('40/40'), remainingOf('7'), remainingOf('0'), remainingOf(null), remainingOf('x')]).toEqual([1, 0, 7, 0, null, null]);
  });

  it("a 403 with none left (GitHub's primary limit) is a rate limit, retried when the reset epoch says", async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    const server = await api(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      json: { message: 'API rate limit exceeded for user ID 1.' },
    }));
    const github = integrationFromYaml(
      file(
        '  rateLimit: { remaining: { header: x-ratelimit-remaining }, reset: { header: x-ratelimit-reset, unit: epoch }, statuses: [403] }',
        '      get: { path: "/users/{externalId}" }',
      ),
    );
    const error = await rejection(github.get!('customer', '1', writeContext({ baseUrl: server.url, token: 't' })));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_RATE_LIMITED', true]);
    expect(error.retryAfterMs).toBeGreaterThan(590_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(600_000);
  });

  it('a 403 with some left is a refusal, not a rate limit', async () => {
    const server = await api(() => ({ status: 403, headers: { 'x-ratelimit-remaining': '4999' }, json: { message: 'Resource not accessible by integration' } }));
    const github = integrationFromYaml(
      file('  rateLimit: { remaining: { header: x-ratelimit-remaining }, statuses: [403] }', '      get: { path: "/users/{externalId}" }'),
    );
    const error = await rejection(github.get!('customer', '1', writeContext({ baseUrl: server.url, token: 't' })));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_DESTINATION_REJECTED', false]);
  });

  it("a 403 with Retry-After (GitHub's secondary limit) is a rate limit though some are left", async () => {
    const server = await api(() => ({
      status: 403,
      headers: { 'retry-after': '60', 'x-ratelimit-remaining': '4990' },
      json: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    }));
    const github = integrationFromYaml(
      file('  rateLimit: { remaining: { header: x-ratelimit-remaining }, statuses: [403] }', '      get: { path: "/users/{externalId}" }'),
    );
    const error = await rejection(github.get!('customer', '1', writeContext({ baseUrl: server.url, token: 't' })));
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(['HY_ERR_RATE_LIMITED', true, 60_000]);
  });

  it('a 429 without Retry-After waits as the reset header says (BigCommerce: ms)', async () => {
    const server = await api(() => ({ status: 429, headers: { 'x-rate-limit-time-reset-ms': '7500' }, json: { status: 429, title: 'Too many requests' } }));
    const big = integrationFromYaml(file('  rateLimit: { reset: { header: X-Rate-Limit-Time-Reset-Ms, unit: ms } }', '      get: { path: "/users/{externalId}" }'));
    const error = await rejection(big.get!('customer', '1', writeContext({ baseUrl: server.url, token: 't' })));
    expect([error.code, error.retryAfterMs]).toEqual(['HY_ERR_RATE_LIMITED', 7500]);
  });

  it('after an answer with none left, a long reset puts the next call back without sending it', async () => {
    const server = await api(() => ({ headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300) }, json: { id: 1 } }));
    const github = integrationFromYaml(
      file('  rateLimit: { remaining: { header: x-ratelimit-remaining }, reset: { header: x-ratelimit-reset, unit: epoch } }', '      get: { path: "/users/{externalId}" }'),
    );
    const ctx = writeContext({ baseUrl: server.url, token: 't' });
    expect(await github.get!('customer', '1', ctx)).toEqual({ id: 1 });
    const error = await rejection(github.get!('customer', '2', ctx));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_RATE_LIMITED', true]);
    expect(error.retryAfterMs).toBeGreaterThan(200_000);
    expect(server.received.map((r) => r.url)).toEqual(['/users/1']);
    // Another connection (its own settings) has its own allowance.
    expect(await github.get!('customer', '3', writeContext({ baseUrl: server.url, token: 't' }))).toEqual({ id: 1 });
  });

  it("after Shopify's call limit is full (40/40), the next call waits one leak of the declared rate, then goes", async () => {
    let calls = 0;
    const server = await api(() => ({ headers: { 'x-shopify-shop-api-call-limit': calls++ === 0 ? '40/40' : '1/40' }, json: { id: calls } }));
    const shop = integrationFromYaml(
      file('  rate: { calls: 2, per: 1s }\n  rateLimit: { remaining: { header: X-Shopify-Shop-Api-Call-Limit } }', '      get: { path: "/users/{externalId}" }'),
    );
    const ctx = writeContext({ baseUrl: server.url, token: 't' });
    await shop.get!('customer', '1', ctx);
    await shop.get!('customer', '2', ctx);
    expect(server.received).toHaveLength(2);
    expect(ctx.logs.filter((l) => l.step === 'rate limit')).toHaveLength(1);
    expect(ctx.logs.find((l) => l.step === 'rate limit')?.detail).toMatch(/waiting \d+ ms/);
  });
});

describe('credentials', () => {
  it('a 401 (a revoked token) fails with HY_ERR_CREDENTIALS_REJECTED, not retried', async () => {
    const server = await api(() => ({ status: 401, json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } }));
    const shop = integrationFromYaml(file('', '      get: { path: "/users/{externalId}" }'));
    const error = await rejection(shop.get!('customer', '1', writeContext({ baseUrl: server.url, token: 'revoked' })));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_CREDENTIALS_REJECTED', false]);
  });
});

describe('forms, page counts, empty pages', () => {
  it('sends a create as a form with nested keys when the api says encoding: form', async () => {
    const server = await api((r) => (r.method === 'POST' ? { json: { id: 'cus_1', object: 'customer' } } : undefined));
    const stripe = integrationFromYaml(file('  encoding: form', '      create: { path: /v1/customers }'));
    const created = await stripe.create!('customer', { email: 'a+b@example.com', metadata: { hub: 7, note: null }, tags: ['x', 'y'], live: false }, writeContext({ baseUrl: server.url, token: 'sk_test' }));
    expect(created).toEqual({ externalId: 'cus_1' });
    expect(header(server.received[0]!, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(server.received[0]!.body).toBe('email=a%2Bb%40example.com&metadata%5Bhub%5D=7&metadata%5Bnote%5D=&tags%5B0%5D=x&tags%5B1%5D=y&live=false');
  });

  it('stops at the page count a header gives (X-WP-TotalPages), and at an empty answer (204)', async () => {
    const server = await api((r) => {
      const page = Number(r.query.get('page'));
      if (r.path === '/wc') return { headers: { 'x-wp-totalpages': '2', 'x-wp-total': '4' }, json: [{ id: page * 10 }, { id: page * 10 + 1 }] };
      return page <= 2 ? { json: [{ id: page }, { id: page + 100 }] } : { status: 204 };
    });
    const shop = integrationFromYaml(
      file(
        '',
        '      list: { path: /wc, records: "$", total: "$number($headers.\\"x-wp-total\\")", paging: { kind: page, size: 2, pages: "$number($headers.\\"x-wp-totalpages\\")" } }',
      ),
    );
    const ctx = writeContext({ baseUrl: server.url, token: 't' });
    const first = await shop.list!('customer', null, ctx);
    expect(first).toEqual({ ids: ['10', '11'], cursor: '2', total: 4 });
    expect(await shop.list!('customer', '2', ctx)).toEqual({ ids: ['20', '21'], cursor: null, total: 4 });
    const v2 = integrationFromYaml(file('', '      list: { path: /v2, records: "$", paging: { kind: page, size: 2, sizeParam: limit } }'));
    expect(await v2.list!('customer', '3', ctx)).toEqual({ ids: [], cursor: null });
  });
});

describe('gone', () => {
  it('a 200 answer for which `gone` is true is a record not found; a `record` finding nothing without it is an error', async () => {
    const server = await api((r) => ({ json: { data: r.query.get('id:in') === '1' ? [{ id: 1, email: 'a@example.com' }] : [], meta: {} } }));
    const file = (gone: string) =>
      integrationFromYaml(
        `
id: filtered
scopes: [{ scope: customer/updated, description: "Filtered customer → customer" }]
api:
  baseUrl: "{settings.baseUrl}"
  types:
    customer:
      get: { path: /v3/customers, query: { "id:in": "{externalId}" }, record: "data[0]"${gone} }
`,
      );
    const ctx = writeContext({ baseUrl: server.url });
    const withGone = file(', gone: "$count(data) = 0"');
    expect(await withGone.get!('customer', '1', ctx)).toEqual({ id: 1, email: 'a@example.com' });
    expect(await withGone.get!('customer', '2', ctx)).toBeNull();
    const error = await rejection(file('').get!('customer', '2', ctx));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_DESTINATION_REJECTED', false]);
  });
});
