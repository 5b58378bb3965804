/**
 * Signing in to a declared JSON API: bearer, basic, an API key in a header or in the query, and
 * OAuth2 client credentials (the token kept while it lives, fetched again once on a 401 and the
 * request sent once more). Each against a real local server that checks credentials the way the
 * scheme is specified.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeContext, rejection } from './context.js';
import { header, integrationFromYaml, startApi, type ApiServer } from './declarative-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function api(route: Parameters<typeof startApi>[0]): Promise<ApiServer> {
  const server = await startApi(route);
  closers.push(() => server.close());
  return server;
}

function integration(auth: string) {
  return integrationFromYaml(`
id: crm
scopes: [{ scope: customer/updated, description: "CRM contact → customer" }]
api:
  baseUrl: "{settings.baseUrl}"
  headers: { X-Api-Version: "2024-01" }
  auth: ${auth}
  types:
    customer:
      get: { path: "/contacts/{externalId}", record: data }
`);
}

const CONTACT = { id: 'c1', email: 'ada@example.com' };

describe('static credentials', () => {
  it('sends a bearer token from the settings, with the default headers', async () => {
    const server = await api((r) => (header(r, 'authorization') === 'Bearer t0k' ? { json: { data: CONTACT } } : { status: 401, json: { error: 'unauthorized' } }));
    const crm = integration('{ kind: bearer, token: "{settings.token}" }');
    expect(await crm.get!('customer', 'c1', writeContext({ baseUrl: server.url, token: 't0k' }))).toEqual(CONTACT);
    expect(header(server.received[0]!, 'x-api-version')).toBe('2024-01');
    expect(server.received[0]!.url).toBe('/contacts/c1');
  });

  it('sends basic credentials as base64 of user:password (RFC 7617)', async () => {
    const server = await api((r) => (header(r, 'authorization') === `Basic ${Buffer.from('ada:s3cret').toString('base64')}` ? { json: { data: CONTACT } } : { status: 401 }));
    const crm = integration('{ kind: basic, username: "{settings.user}", password: "{settings.password}" }');
    expect(await crm.get!('customer', 'c1', writeContext({ baseUrl: server.url, user: 'ada', password: 's3cret' }))).toEqual(CONTACT);
  });

  it('sends an API key in a named header', async () => {
    const server = await api((r) => (header(r, 'x-api-key') === 'k-123' ? { json: { data: CONTACT } } : { status: 401 }));
    const crm = integration('{ kind: apiKey, in: header, name: X-Api-Key, value: "{settings.apiKey}" }');
    expect(await crm.get!('customer', 'c1', writeContext({ baseUrl: server.url, apiKey: 'k-123' }))).toEqual(CONTACT);
  });

  it('sends an API key in the query, and keeps it out of failure messages', async () => {
    const server = await api((r) => (r.query.get('api_key') === 'k/+9' ? { json: { data: CONTACT } } : { status: 403, json: { error: 'bad key' } }));
    const crm = integration('{ kind: apiKey, in: query, name: api_key, value: "{settings.apiKey}" }');
    expect(await crm.get!('customer', 'c1', writeContext({ baseUrl: server.url, apiKey: 'k/+9' }))).toEqual(CONTACT);
    const error = await rejection(crm.get!('customer', 'c1', writeContext({ baseUrl: server.url, apiKey: 'wrong-key' })));
    expect(error.code).toBe('HY_ERR_DESTINATION_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('wrong-key');
    expect(error.message).toContain('[redacted]');
  });

  it('fails permanently, naming the setting, when a credential setting is missing', async () => {
    const server = await api(() => ({ json: { data: CONTACT } }));
    const crm = integration('{ kind: bearer, token: "{settings.token}" }');
    const error = await rejection(crm.get!('customer', 'c1', writeContext({ baseUrl: server.url })));
    expect(error.code).toBe('HY_ERR_CONFIG_INVALID');
    expect(error.message).toContain('settings "token"');
    expect(server.received).toHaveLength(0);
  });
});

describe('OAuth2 client credentials', () => {
  /** A token endpoint (RFC 6749 §4.4) and a resource that accepts only the latest token it issued. */
  async function oauthApi(options: { expiresIn?: number; revokeAfterFirstUse?: boolean; rejectAll?: boolean } = {}) {
    let issued = 0;
    let valid: string | null = null;
    const server = await api((r) => {
      if (r.path === '/oauth/token') {
        const form = new URLSearchParams(r.body);
        if (header(r, 'content-type') !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
        if (form.get('client_id') !== 'id-1' || form.get('client_secret') !== 'sec-1') return { status: 401, json: { error: 'invalid_client' } };
        issued += 1;
        valid = `tok-${issued}`;
        return { json: { access_token: valid, token_type: 'Bearer', ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }) } };
      }
      const token = header(r, 'authorization');
      if (options.rejectAll || token !== `Bearer ${valid}`) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, json: { error: 'invalid_token' } };
      if (options.revokeAfterFirstUse) valid = 'revoked';
      return { json: { data: CONTACT } };
    });
    const crm = integration('{ kind: oauth2, tokenUrl: "{settings.baseUrl}/oauth/token", clientId: "{settings.clientId}", clientSecret: "{settings.clientSecret}" }');
    const settings = { baseUrl: server.url, clientId: 'id-1', clientSecret: 'sec-1' };
    const tokenRequests = () => server.received.filter((r) => r.url === '/oauth/token').length;
    return { server, crm, settings, tokenRequests };
  }

  it('fetches a token once and keeps it for the next requests while it lives', async () => {
    const { crm, settings, tokenRequests } = await oauthApi({ expiresIn: 3600 });
    const ctx = writeContext(settings);
    expect(await crm.get!('customer', 'c1', ctx)).toEqual(CONTACT);
    expect(await crm.get!('customer', 'c1', ctx)).toEqual(CONTACT);
    expect(tokenRequests()).toBe(1);
  });

  it('fetches a new token when the old one has expired', async () => {
    const { crm, settings, tokenRequests } = await oauthApi({ expiresIn: 0 });
    const ctx = writeContext(settings);
    await crm.get!('customer', 'c1', ctx);
    await crm.get!('customer', 'c1', ctx);
    expect(tokenRequests()).toBe(2);
  });

  it('on a 401 fetches a new token once and sends the request once more', async () => {
    const { server, crm, settings, tokenRequests } = await oauthApi({ revokeAfterFirstUse: true });
    const ctx = writeContext(settings);
    await crm.get!('customer', 'c1', ctx);
    expect(await crm.get!('customer', 'c1', ctx)).toEqual(CONTACT);
    expect(tokenRequests()).toBe(2);
    expect(server.received.map((r) => `${header(r, 'authorization') ?? '-'} ${r.url}`)).toEqual([
      '- /oauth/token',
      'Bearer tok-1 /contacts/c1',
      'Bearer tok-1 /contacts/c1',
      '- /oauth/token',
      'Bearer tok-2 /contacts/c1',
    ]);
    expect(ctx.logs.some((l) => l.step === 'auth')).toBe(true);
  });

  it('fails permanently when the system refuses a fresh token too, after one refetch only', async () => {
    const { crm, settings, tokenRequests } = await oauthApi({ rejectAll: true });
    const error = await rejection(crm.get!('customer', 'c1', writeContext(settings)));
    expect(error.code).toBe('HY_ERR_CREDENTIALS_REJECTED');
    expect(error.retryable).toBe(false);
    expect(tokenRequests()).toBe(2);
  });

  it('fails permanently when the token endpoint refuses the client', async () => {
    const { crm, settings } = await oauthApi();
    const error = await rejection(crm.get!('customer', 'c1', writeContext({ ...settings, clientSecret: 'wrong' })));
    expect(error.code).toBe('HY_ERR_CREDENTIALS_REJECTED');
    expect(error.message).toContain('/oauth/token');
  });
});
