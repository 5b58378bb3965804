/**
 * hookyard as a user installs it: `npm pack` (which builds dist/), the tarball installed into an
 * empty folder, then the CLI through npx and the library through import('hookyard') — with no
 * TypeScript tooling in that folder.
 *
 * Cost, about a minute on two cores: the build (tsc) ~35 s, the install ~5–15 s. The install
 * asks only the npm registry, preferring the local cache (--prefer-offline); it skips install
 * scripts, because better-sqlite3's would download a prebuilt binary from GitHub or compile
 * SQLite for minutes, and takes this checkout's compiled better_sqlite3.node instead (the same
 * version, pinned, for the same Node.js).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/hub.js';
import { freePort, until } from './helpers/wait.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const dir = tempDir('hookyard-package-');
const app = join(dir.path, 'app');

/**
 * The environment without the npm_* variables `npm test` sets: npm_config_local_prefix and the
 * like would make the npm below act on this checkout instead of the empty folder.
 */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

async function inApp(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

let server: ChildProcess | null = null;

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir.path], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  const tarball = join(dir.path, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hookyard-user', private: true, type: 'module' }));
  const sqliteVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
  const installed = await inApp('npm', ['install', tarball, `better-sqlite3@${sqliteVersion}`, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  expect(installed.code, installed.stderr).toBe(0);
  const binary = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
  copyFileSync(join(ROOT, binary), join(app, binary));
}, 300_000); // 5 min: a build and an install on a busy machine

afterAll(async () => {
  // npx runs hookyard as its child: the whole process group goes.
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((done) => server!.once('exit', done));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  dir.remove();
});

describe('the package installed from its tarball', () => {
  it('holds compiled JavaScript and type declarations, and no TypeScript tooling came with it', () => {
    const pkg = join(app, 'node_modules/hookyard');
    expect(existsSync(join(pkg, 'dist/index.js'))).toBe(true);
    expect(readFileSync(join(pkg, 'dist/index.d.ts'), 'utf8')).toContain('defineIntegration');
    expect(existsSync(join(pkg, 'dist/store/sqlite/migrations/001_inbox.sql'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    for (const tool of ['tsx', 'typescript', 'esbuild']) expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
  });

  it('runs npx hookyard --help', async () => {
    const help = await inApp('npx', ['--no-install', 'hookyard', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/serve \[options\]/);
    expect(help.stdout).toMatch(/check \[options\]/);
  });

  it('prints its version and the configuration schema it ships', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const printed = await inApp('npx', ['--no-install', 'hookyard', '--version']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`${version}\n`);
    const schema = await inApp('npx', ['--no-install', 'hookyard', 'schema']);
    expect(schema.code, schema.stderr).toBe(0);
    expect(schema.stdout).toBe(readFileSync(join(app, 'node_modules/hookyard/schema/hookyard.schema.json'), 'utf8'));
    expect(schema.stdout).toBe(readFileSync(join(ROOT, 'schema/hookyard.schema.json'), 'utf8'));
  });

  it('exports defineIntegration to import()', async () => {
    const script = `import('hookyard').then((m) => {
      const crm = m.defineIntegration({ id: 'crm', scopes: [{ scope: 'customer/updated', description: 'contact → customer' }] });
      console.log(JSON.stringify({ title: crm.title, hooks: crm.scopes[0].hooks, loadConfig: typeof m.loadConfig }));
    })`;
    const imported = await inApp(process.execPath, ['-e', script]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ title: 'crm', hooks: ['customer/updated'], loadConfig: 'function' });
  });

  it('serves with an integration from a module next to the configuration: /healthz answers, a hook is taken', async () => {
    cpSync(join(ROOT, 'test/fixtures/outside/crm.mjs'), join(app, 'crm.mjs'));
    writeFileSync(
      join(app, 'hookyard.yaml'),
      'connections:\n  crm:\n    integration: ./crm.mjs\n    webhook: { apiKey: crm-key }\n    mappings: { customer: { to_hub: { sync: add_and_update, fields: { name: name } } } }\n',
    );
    const port = await freePort();
    let output = '';
    server = spawn('npx', ['--no-install', 'hookyard', 'serve', '--config', 'hookyard.yaml', '--data', 'data', '--port', String(port)], {
      cwd: app,
      env,
      detached: true, // its own process group, so that afterAll stops npx and hookyard together
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${port}`;
    await until(`hookyard serve answers /healthz (output: ${output})`, async () => {
      if (server!.exitCode !== null) throw new Error(`hookyard serve exited ${server!.exitCode}: ${output}`);
      return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    }, 60_000);
    const hook = await fetch(`${url}/hooks/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer crm-key' },
      body: JSON.stringify({ notifications: [{ scope: 'contact.changed', external_id: '7' }] }),
    });
    expect(hook.status, await hook.clone().text()).toBe(202);
    // The console, from the package's dist/ui/assets: /ui redirects, its files are there.
    const redirect = await fetch(`${url}/ui`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe('/ui/');
    const index = await fetch(`${url}/ui/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe(readFileSync(join(ROOT, 'src/ui/assets/index.html'), 'utf8'));
    const script = await fetch(`${url}/ui/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe(readFileSync(join(app, 'node_modules/hookyard/dist/ui/assets/app.js'), 'utf8'));
  }, 90_000);

  it('refuses a TypeScript integration where no loader runs, naming the fix', async () => {
    writeFileSync(
      join(app, 'typed.ts'),
      "const integration: { id: string } = { id: 'typed' };\nexport default { ...integration, scopes: [{ scope: 'customer/updated', description: 'x' }] };\n",
    );
    writeFileSync(join(app, 'typed.yaml'), 'connections:\n  crm: { integration: ./typed.ts, webhook: { apiKey: k } }\n');
    const checked = await inApp('npx', ['--no-install', 'hookyard', 'check', '--config', 'typed.yaml']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('connections.crm.integration: ./typed.ts is TypeScript and this Node.js runs no TypeScript loader: compile it to .js, or run hookyard with one (NODE_OPTIONS="--import tsx"');
  });
});
