/**
 * Credentials a hook carries are checked on the request as received and stored redacted:
 * `authorization`, `proxy-authorization`, `cookie`, the header a connection's key travels in, and
 * any header the connection names in `webhook.redact`. Checked through the HTTP edge, the admin
 * API and the SQLite file itself.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { createHub, type Hub } from '../src/server.js';
import { openStore } from '../src/store/index.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';
import { signGithub } from './verify/sign.js';

const SECRETS = {
  key: 'std-key-s3cret',
  apiKey: 'x-api-key-s3cret',
  secondary: 'x-secondary-s3cret',
  cookie: 'session=cookie-s3cret',
  proxy: 'Basic cHJveHktczNjcmV0',
  ghSecret: 'gh-signing-s3cret',
  ghAuthorization: 'Bearer gh-bearer-s3cret',
} as const;

const CONFIG = `
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: ${SECRETS.key} }
  keyed:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: apikey, key: ${SECRETS.apiKey}, header: x-api-key }, redact: [x-secondary-key, X-Other-Token] }
  gh:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: ${SECRETS.ghSecret} } }
`;

const dir = tempDir();
let hub: Hub;

beforeAll(async () => {
  const store = await openStore({ dataDir: dir.path });
  hub = await createHub({ config: fixtureConfig(CONFIG), store, clock: new FakeClock(), workers: false, adminToken: null });
});
afterAll(async () => {
  await hub.close();
  dir.remove();
});

const body = JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: '7' }] });

async function post(connection: string, headers: Record<string, string>) {
  return hub.app.inject({ method: 'POST', url: `/hooks/${connection}`, headers: { 'content-type': 'application/json', ...headers }, payload: body });
}

/** What GET /api/hooks/:id shows of a hook taken with these headers. */
async function shownAfter(connection: string, headers: Record<string, string>): Promise<{ id: number; text: string; headers: Record<string, string> }> {
  const taken = await post(connection, headers);
  expect(taken.statusCode, taken.body).toBe(202);
  const id = taken.json().hook as number;
  const shown = await hub.app.inject({ method: 'GET', url: `/api/hooks/${id}` });
  expect(shown.statusCode).toBe(200);
  return { id, text: shown.body, headers: shown.json().hook.headers };
}

/** The hook's stored payload row, read straight from the SQLite file. */
function storedRow(id: number): string {
  const db = new Database(join(dir.path, 'hookyard.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT * FROM hook_payloads WHERE hook_id = ?').get(id) as Record<string, unknown>;
    return JSON.stringify({ ...row, body: String(row.body) });
  } finally {
    db.close();
  }
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('credential headers', () => {
  it('stores Cookie and Proxy-Authorization redacted beside the connection key, on a key connection', async () => {
    const { id, text, headers } = await shownAfter('std', { authorization: `Bearer ${SECRETS.key}`, cookie: SECRETS.cookie, 'proxy-authorization': SECRETS.proxy, 'x-request-id': 'r-1' });
    expect(headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'proxy-authorization': '[redacted]', 'x-request-id': 'r-1' });
    expectNoSecret(text);
    expectNoSecret(storedRow(id));
  });

  it('stores Authorization redacted on a signature-checked connection', async () => {
    const { id, text, headers } = await shownAfter('gh', {
      'x-hub-signature-256': await signGithub(SECRETS.ghSecret, body),
      'x-github-delivery': 'gh-cred-1',
      authorization: SECRETS.ghAuthorization,
      cookie: SECRETS.cookie,
    });
    expect(headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'x-github-delivery': 'gh-cred-1' });
    expectNoSecret(text);
    expectNoSecret(storedRow(id));
  });

  it('stores the headers a connection names in webhook.redact redacted, whatever their case', async () => {
    const { id, text, headers } = await shownAfter('keyed', { 'x-api-key': SECRETS.apiKey, 'x-secondary-key': SECRETS.secondary, 'x-other-token': SECRETS.secondary });
    expect(headers).toMatchObject({ 'x-api-key': '[redacted]', 'x-secondary-key': '[redacted]', 'x-other-token': '[redacted]' });
    expectNoSecret(text);
    expectNoSecret(storedRow(id));
  });

  it('checks the credential as sent, before it is redacted', async () => {
    // "[redacted]" is not a key: redaction must not happen before the check.
    expect((await post('keyed', { 'x-api-key': '[redacted]' })).statusCode).toBe(401);
    expect((await post('keyed', { 'x-api-key': 'wrong' })).statusCode).toBe(401);
    expect((await post('std', { authorization: 'Bearer [redacted]' })).statusCode).toBe(401);
  });
});

describe('webhook.redact in the configuration', () => {
  it('refuses something that is not a header name', () => {
    expect(() =>
      fixtureConfig(`
connections:
  c:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k, redact: ["not a header:"] }
`),
    ).toThrow(/redact/);
  });

  it('refuses a receiver that would read its hook name from a redacted header', () => {
    expect(() =>
      fixtureConfig(`
connections:
  c:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k, redact: [x-topic] }
    receiver: { multiple: null, hook: { from: header, name: X-Topic }, externalId: { from: body, path: id } }
`),
    ).toThrow(/receiver\.hook: reads header x-topic, which carries a credential/);
  });
});
