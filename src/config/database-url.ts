/**
 * The PostgreSQL URL that selects the shared store: `store.url` in the file, or
 * HOOKYARD_DATABASE_URL, which wins. Only postgres:// and postgresql:// URLs are taken. The URL
 * carries a password, so it is shown only masked (`maskDatabaseUrl`), and a refused value is never
 * echoed: it may be the password itself, pasted into the wrong variable.
 */

/** The environment variable that selects PostgreSQL; it overrides `store.url`. */
export const DATABASE_URL_ENV = 'HOOKYARD_DATABASE_URL';

/** Where the URL in force came from: the setting named in messages. */
export type DatabaseUrlSetting = 'store.url' | typeof DATABASE_URL_ENV;

const SCHEME = /^postgres(?:ql)?:\/\//i;
/** Query parameters of a connection string that carry secrets (libpq and node-postgres read them). */
const SECRET_PARAMS = ['password', 'sslpassword'];
const MASK = '***';

/** Why `value` is not a URL hookyard takes, or null when it is one. The value itself is never quoted. */
export function databaseUrlProblem(value: string): string | null {
  const expected = 'must be a PostgreSQL URL: postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…)';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (!SCHEME.test(value)) return scheme ? `${expected}, not a ${scheme.toLowerCase()}:// URL` : `${expected}; this value is not a URL (it is not shown: it may hold a password)`;
  try {
    new URL(value);
  } catch {
    return `${expected}; this one cannot be read as a URL (a password with "@", "/", ":" or "#" must be percent-encoded: %40, %2F, %3A, %23)`;
  }
  return null;
}

/** The URL with its password (and any password in the query) replaced by `***`, for logs, output and errors. */
export function maskDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not readable as a URL: mask what sits between "user:" and "@", and any password= parameter.
    return value.replace(/(\/\/[^/:@]*:)[^@]*@/, `$1${MASK}@`).replace(/([?&](?:ssl)?password=)[^&]*/gi, `$1${MASK}`);
  }
  if (url.password) url.password = MASK;
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, MASK);
  return url.toString();
}

/**
 * `text` (an error message, a log line) with the URL's secrets masked wherever they occur: the URL
 * as given, and its password alone (raw and decoded) when it is long enough not to mask ordinary
 * words by accident.
 */
export function maskSecretsOf(text: string, databaseUrl: string): string {
  let masked = text.split(databaseUrl).join(maskDatabaseUrl(databaseUrl));
  const secrets = new Set<string>();
  try {
    const url = new URL(databaseUrl);
    for (const secret of [url.password, ...SECRET_PARAMS.map((name) => url.searchParams.get(name) ?? '')]) {
      secrets.add(secret);
      secrets.add(safeDecode(secret));
    }
  } catch {
    // Unreadable URLs never reach a store; the whole-URL replacement above is all there is to do.
  }
  for (const secret of secrets) if (secret.length >= 4) masked = masked.split(secret).join(MASK);
  return masked;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A webhook target (an alert's) as logs and messages name it: its origin and path, never a query string or user info that may hold a token. */
export function targetName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
