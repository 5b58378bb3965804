/**
 * Signing requests in: bearer, basic, an API key in a header or in the query, and OAuth2 client
 * credentials. An OAuth2 token is fetched once and kept until shortly before it expires (10 % of
 * its lifetime, at most a minute, so a request does not leave with a token that dies on the
 * way); `request.ts` drops it and fetches a new one once when the system answers 401.
 */
import { permanentError } from '../errors.js';
import { exchange } from '../http.js';
import type { AuthSpec } from './schema.js';

export interface Credentials {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** The OAuth2 token of one connection; `pending` makes concurrent requests share one fetch. */
export interface TokenState {
  token: string | null;
  /** Epoch ms after which the token is fetched again; null: until the system refuses it. */
  renewAt: number | null;
  pending: Promise<string> | null;
}

export function newTokenState(): TokenState {
  return { token: null, renewAt: null, pending: null };
}

/** A token expiring in `expiresInS` seconds is renewed this long before. */
const MAX_RENEW_MARGIN_MS = 60_000; // 1 min

export function renewAt(now: number, expiresInS: unknown): number | null {
  if (typeof expiresInS !== 'number' || !(expiresInS >= 0)) return null;
  const lifetime = expiresInS * 1000;
  return now + lifetime - Math.min(MAX_RENEW_MARGIN_MS, lifetime / 10);
}

export async function credentials(
  auth: AuthSpec | undefined,
  value: (template: string) => string,
  tokens: TokenState,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<Credentials> {
  if (!auth) return { headers: {}, query: {} };
  switch (auth.kind) {
    case 'bearer':
      return { headers: { authorization: `Bearer ${value(auth.token)}` }, query: {} };
    case 'basic':
      return { headers: { authorization: basic(value(auth.username), value(auth.password)) }, query: {} };
    case 'apiKey':
      return auth.in === 'header' ? { headers: { [auth.name]: value(auth.value) }, query: {} } : { headers: {}, query: { [auth.name]: value(auth.value) } };
    case 'oauth2': {
      if (tokens.token !== null && (tokens.renewAt === null || now() < tokens.renewAt)) {
        return { headers: { authorization: `Bearer ${tokens.token}` }, query: {} };
      }
      tokens.pending ??= fetchToken(auth, value, tokens, timeoutMs, now).finally(() => {
        tokens.pending = null;
      });
      return { headers: { authorization: `Bearer ${await tokens.pending}` }, query: {} };
    }
  }
}

/** Forgets the token (the system answered 401), unless another request has fetched a newer one already. */
export function dropToken(tokens: TokenState, refused: string): void {
  if (tokens.token === refused) {
    tokens.token = null;
    tokens.renewAt = null;
  }
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function fetchToken(
  auth: Extract<AuthSpec, { kind: 'oauth2' }>,
  value: (template: string) => string,
  tokens: TokenState,
  timeoutMs: number,
  now: () => number,
): Promise<string> {
  const url = value(auth.tokenUrl);
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {};
  if (auth.clientAuth === 'basic') {
    headers.authorization = basic(encodeURIComponent(value(auth.clientId)), encodeURIComponent(value(auth.clientSecret)));
  } else {
    form.set('client_id', value(auth.clientId));
    form.set('client_secret', value(auth.clientSecret));
  }
  if (auth.scope) form.set('scope', value(auth.scope));
  const answer = await exchange({ method: 'POST', url, form, headers, timeoutMs });
  const body = answer.json as { access_token?: unknown; expires_in?: unknown } | null;
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `POST ${url}: the token answer has no access_token`);
  }
  tokens.token = body.access_token;
  tokens.renewAt = renewAt(now(), body.expires_in);
  return body.access_token;
}
