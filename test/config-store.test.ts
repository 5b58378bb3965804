/**
 * Selecting the store: `store.url` or HOOKYARD_DATABASE_URL (which wins), PostgreSQL URLs only,
 * the password masked wherever the URL is shown, and every command that opens the store opening
 * the one the configuration names.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load.js';
import { maskDatabaseUrl, maskSecretsOf } from '../src/config/database-url.js';
import { checkCommand, type Output } from '../src/cli/commands.js';
import { startServe } from '../src/cli/serve.js';
import { replayCommand } from '../src/cli/replay.js';
import { cancelCommand } from '../src/cli/cancel.js';
import { syncCommand } from '../src/cli/sync.js';
import { storeOptions } from '../src/cli/store.js';
import { FIXTURES, fixtureConfig, tempDir } from './helpers/hub.js';
import { freePort } from './helpers/wait.js';

const CONNECTIONS = `connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: k }
`;
const PASSWORD = 'Sup3r-Secret-pw';

function capture(): Output & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), text: () => [...stdout, ...stderr].join('\n') };
}

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    fixtureConfig(yaml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the config to be refused');
}

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('store selection in the configuration', () => {
  it('is SQLite when neither store.url nor HOOKYARD_DATABASE_URL is set', () => {
    const config = fixtureConfig(CONNECTIONS);
    expect(config.store).toEqual({ durability: 'full', url: null, urlSetting: null, poolSize: null });
    expect(storeOptions(config, '/data')).toEqual({ dataDir: '/data', durability: 'full', create: true });
    expect(storeOptions(config, '/data', false)).toEqual({ dataDir: '/data', durability: 'full', create: false });
  });

  it('takes postgres:// and postgresql:// URLs in store.url, and passes them (with the pool size) to the store', () => {
    for (const url of [
      `postgres://hookyard:${PASSWORD}@db:5432/hookyard`,
      'postgresql://hookyard@db/hookyard?sslmode=require',
      'POSTGRES://db/hookyard',
      'postgresql:///hookyard?host=/var/run/postgresql',
      'postgres://hookyard:p%40ss%2Fword@10.0.0.5:6432/hookyard',
    ]) {
      const config = fixtureConfig(`store: { url: "${url}", poolSize: 12 }\n${CONNECTIONS}`);
      expect(config.store, url).toMatchObject({ url, urlSetting: 'store.url', poolSize: 12 });
      expect(storeOptions(config, '/data')).toEqual({ dataDir: '/data', durability: 'full', create: true, url, poolSize: 12 });
    }
  });

  it('refuses any other URL in store.url, naming the setting and never quoting the value', () => {
    const cases: Array<[string, RegExp]> = [
      [`mysql://root:${PASSWORD}@db/hookyard`, /not a mysql:\/\/ URL/],
      ['sqlite:///var/lib/hookyard/hookyard.db', /not a sqlite:\/\/ URL/],
      [`http://user:${PASSWORD}@db:5432/hookyard`, /not a http:\/\/ URL/],
      [PASSWORD, /this value is not a URL \(it is not shown: it may hold a password\)/],
      ['db:5432/hookyard', /this value is not a URL/],
      [`postgres://user:${PASSWORD}@[db/hookyard`, /cannot be read as a URL \(a password with "@", "\/", ":" or "#" must be percent-encoded/],
    ];
    for (const [url, reason] of cases) {
      const problems = problemsOf(`store: { url: "${url}" }\n${CONNECTIONS}`);
      expect(problems, url).toHaveLength(1);
      expect(problems[0], url).toMatch(/^store\.url: must be a PostgreSQL URL: postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/);
      expect(problems[0], url).toMatch(reason);
      expect(problems[0], url).not.toContain(PASSWORD);
    }
  });

  it('lets HOOKYARD_DATABASE_URL override store.url; an empty one is not set', () => {
    const file = `store: { url: "postgres://file@db/from_file" }\n${CONNECTIONS}`;
    const fromEnv = fixtureConfig(file, { HOOKYARD_DATABASE_URL: `postgresql://env:${PASSWORD}@db/from_env` });
    expect(fromEnv.store).toMatchObject({ url: `postgresql://env:${PASSWORD}@db/from_env`, urlSetting: 'HOOKYARD_DATABASE_URL' });
    expect(fixtureConfig(file, { HOOKYARD_DATABASE_URL: '' }).store).toMatchObject({ url: 'postgres://file@db/from_file', urlSetting: 'store.url' });
    expect(fixtureConfig(CONNECTIONS, { HOOKYARD_DATABASE_URL: 'postgres://db/only_env' }).store).toMatchObject({ url: 'postgres://db/only_env', urlSetting: 'HOOKYARD_DATABASE_URL' });
  });

  it('refuses a HOOKYARD_DATABASE_URL that is not a PostgreSQL URL, at its name, with the other problems', () => {
    const problems = problemsOf(`server: { port: -1 }\n${CONNECTIONS}`, { HOOKYARD_DATABASE_URL: `mysql://root:${PASSWORD}@db/x` });
    expect(problems).toContain('HOOKYARD_DATABASE_URL: must be a PostgreSQL URL: postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…), not a mysql:// URL');
    expect(problems.some((p) => p.startsWith('server.port: '))).toBe(true);
    expect(problems.join('\n')).not.toContain(PASSWORD);
  });

  it('takes store.poolSize as a whole number or its text (so the environment can set it per process), and warns that SQLite ignores it', () => {
    const url = 'store: { url: "postgres://db/h", poolSize: ';
    expect(fixtureConfig(`${url}"\${POOL:-4}" }\n${CONNECTIONS}`).store.poolSize).toBe(4);
    expect(fixtureConfig(`${url}"\${POOL:-4}" }\n${CONNECTIONS}`, { POOL: '20' }).store.poolSize).toBe(20);
    for (const bad of ['0', '1001', '2.5', '"ten"', '"-3"']) {
      const problems = problemsOf(`${url}${bad} }\n${CONNECTIONS}`);
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^store\.poolSize: /);
    }
    const sqlite = fixtureConfig(`store: { poolSize: 8 }\n${CONNECTIONS}`);
    expect(sqlite.warnings).toContain('store.poolSize is set, but the store is SQLite (neither store.url nor HOOKYARD_DATABASE_URL is set): it is ignored');
    expect(storeOptions(sqlite, '/data')).not.toHaveProperty('poolSize');
  });
});

describe('masking the database password', () => {
  it('masks the password and password parameters, and leaves URLs without one as they are', () => {
    const cases: Array<[string, string]> = [
      [`postgres://hookyard:${PASSWORD}@db:5432/hookyard`, 'postgres://hookyard:***@db:5432/hookyard'],
      ['postgresql://hookyard:p%40ss%2Fword@db/hookyard?sslmode=require', 'postgresql://hookyard:***@db/hookyard?sslmode=require'],
      [`postgres://hookyard@db/hookyard?password=${PASSWORD}&sslpassword=other`, 'postgres://hookyard@db/hookyard?password=***&sslpassword=***'],
      ['postgres://hookyard@db/hookyard', 'postgres://hookyard@db/hookyard'],
      // Not readable as a URL: still no password.
      [`postgres://hookyard:${PASSWORD}@[db/hookyard`, 'postgres://hookyard:***@[db/hookyard'],
    ];
    for (const [url, masked] of cases) expect(maskDatabaseUrl(url), url).toBe(masked);
  });

  it('masks the URL and its password, raw or decoded, inside any text', () => {
    const url = 'postgres://hookyard:s%40fe-word@db/hookyard';
    expect(maskSecretsOf(`connect ${url} failed`, url)).toBe('connect postgres://hookyard:***@db/hookyard failed');
    expect(maskSecretsOf('password "s@fe-word" was refused (s%40fe-word)', url)).toBe('password "***" was refused (***)');
    // A password too short to tell from ordinary words is masked only inside the URL.
    expect(maskSecretsOf('a b c', 'postgres://u:b@db/x')).toBe('a b c');
  });

  it('shows the store masked in hookyard check', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'c.yaml');
    writeFileSync(file, `store: { url: "postgres://file@db/from_file" }\nconnections:\n  std: { integration: ${join(FIXTURES, 'integrations/standard.yaml')}, webhook: { apiKey: k } }\n`);
    const output = capture();
    expect(await checkCommand(file, output, { HOOKYARD_DATABASE_URL: `postgres://hookyard:${PASSWORD}@db:5432/hookyard` })).toBe(0);
    expect(output.stdout).toContain('store: postgres postgres://hookyard:***@db:5432/hookyard (HOOKYARD_DATABASE_URL)');
    expect(output.text()).not.toContain(PASSWORD);
    const sqlite = capture();
    expect(await checkCommand(file, sqlite, {})).toBe(0);
    expect(sqlite.stdout).toContain('store: postgres postgres://file@db/from_file (store.url)');
    const refused = capture();
    expect(await checkCommand(file, refused, { HOOKYARD_DATABASE_URL: `mysql://root:${PASSWORD}@db/x` })).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/HOOKYARD_DATABASE_URL: must be a PostgreSQL URL/);
    expect(refused.text()).not.toContain(PASSWORD);
  });
});

describe('commands that open the store', () => {
  /** A configuration naming a PostgreSQL server that is not there: opening it fails, saying so without the password. */
  async function unreachable(): Promise<{ file: string; data: string; url: string; masked: string }> {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const url = `postgres://hookyard:${PASSWORD}@127.0.0.1:${port}/hookyard`;
    const file = join(dir.path, 'hookyard.yaml');
    writeFileSync(file, `store: { url: "${url}" }\nconnections:\n  std: { integration: ${join(FIXTURES, 'integrations/standard.yaml')}, webhook: { apiKey: k } }\n`);
    return { file, data: join(dir.path, 'data'), url, masked: `postgres://hookyard:***@127.0.0.1:${port}/hookyard` };
  }

  function expectStoreRefused(output: ReturnType<typeof capture>, masked: string, setting: string): void {
    const text = output.text();
    expect(text).toMatch(/^HY_ERR_STORE_UNAVAILABLE: the store could not be reached or opened: postgres /m);
    expect(text).toContain(`${masked} (${setting})`);
    expect(text).not.toContain(PASSWORD);
  }

  it('serve opens the PostgreSQL store HOOKYARD_DATABASE_URL names, and exits 1 with the password masked when it cannot', async () => {
    const { file, data, url, masked } = await unreachable();
    writeFileSync(file, `connections:\n  std: { integration: ${join(FIXTURES, 'integrations/standard.yaml')}, webhook: { apiKey: k } }\n`);
    const output = capture();
    expect(await startServe({ config: file, data, port: 0, env: { HOOKYARD_DATABASE_URL: url } }, output)).toBe(1);
    expectStoreRefused(output, masked, 'HOOKYARD_DATABASE_URL');
  });

  it('replay, cancel and sync open the PostgreSQL store store.url names, and exit 1 with the password masked when they cannot', async () => {
    const { file, data, masked } = await unreachable();
    const replayed = capture();
    expect(await replayCommand({ config: file, data }, replayed, false)).toBe(1);
    expectStoreRefused(replayed, masked, 'store.url');
    const cancelled = capture();
    expect(await cancelCommand({ config: file, data, connection: 'std' }, cancelled, false)).toBe(1);
    expectStoreRefused(cancelled, masked, 'store.url');
    const synced = capture();
    expect(await syncCommand({ config: file, data, connection: 'std', type: 'product', ids: ['P1'] }, synced, false)).toBe(1);
    expectStoreRefused(synced, masked, 'store.url');
  });
});
