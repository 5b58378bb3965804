/**
 * The container image and compose.yaml, read as files (no image is built here: this machine has no
 * registry to pull the base images from). What must hold: a multi-stage build that compiles with
 * `npm run build`, a runtime stage with the compiled code and production dependencies only, run as
 * a user other than root, a health check on /healthz, `serve` by default; compose with PostgreSQL
 * 15, two ingest and two worker processes on HOOKYARD_DATABASE_URL, the demo systems in a profile.
 * test/scale-out.e2e.test.ts runs compose's commands as real processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkoutPath, optionOf, readCompose, servicesWithRole, withDefaults, type ComposeService } from './helpers/compose.js';
import { projectRoot } from './helpers/process.js';

const run = promisify(execFile);
const read = (file: string) => readFileSync(resolve(projectRoot, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments dropped). */
function stages(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const found: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, from = '', name = null] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args) ?? [];
      found.push({ from, name, instructions: [] });
    } else if (instruction.keyword !== 'ARG' || found.length > 0) {
      found.at(-1)!.instructions.push(instruction);
    }
  }
  return found;
}

const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

/** The options `hookyard <command> --help` lists. */
async function cliOptions(command: string): Promise<Set<string>> {
  const { stdout } = await run(process.execPath, [resolve(projectRoot, 'bin/hookyard.js'), command, '--help'], { cwd: projectRoot });
  return new Set([...stdout.matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1]!));
}

const dockerfile = stages(read('Dockerfile'));
const build = dockerfile.find((s) => s.name === 'build')!;
const runtime = dockerfile.at(-1)!;

describe('the Dockerfile', () => {
  it('builds in a stage of its own with the native toolchain, npm ci and npm run build, then drops the dev dependencies', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    const runs = all(build, 'RUN').join('\n');
    for (const tool of ['python3', 'make', 'g++']) expect(runs, tool).toMatch(new RegExp(`apt-get install[^\\n]*\\s${tool.replace('+', '\\+')}(\\s|$)`));
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    expect(runs).toMatch(/npm prune --omit=dev\b/);
    // The script it runs is the package's build.
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
  });

  it('runs only the compiled code and production dependencies, as a user other than root', () => {
    const copies = all(runtime, 'COPY');
    const fromBuild = copies.filter((c) => c.startsWith('--from=build '));
    expect(fromBuild.some((c) => / \/build\/dist /.test(c))).toBe(true);
    expect(fromBuild.some((c) => / \/build\/node_modules /.test(c))).toBe(true);
    // No TypeScript source in the image: bin/hookyard.js then runs dist/ (it runs src/ only where src/ exists).
    expect(copies.filter((c) => /(^|\s)(\.\/)?src\b/.test(c) || /\/build\/src\b/.test(c))).toEqual([]);
    expect(read('bin/hookyard.js')).toMatch(/existsSync\(source\)/);
    const user = last(runtime, 'USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // The user is set before the process starts: nothing after it switches back.
    const order = runtime.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf('USER')).toBeLessThan(order.indexOf('CMD'));
    expect(runtime.from).toMatch(/^node:/);
  });

  it('checks /healthz on the port its default command listens on, and runs serve by default', async () => {
    const entrypoint = JSON.parse(last(runtime, 'ENTRYPOINT')!) as string[];
    const cmd = JSON.parse(last(runtime, 'CMD')!) as string[];
    expect(entrypoint).toEqual(['node', 'bin/hookyard.js']);
    expect(cmd[0]).toBe('serve');
    const healthcheck = last(runtime, 'HEALTHCHECK')!;
    expect(healthcheck).toMatch(/ CMD \[/);
    expect(healthcheck).toContain(`http://127.0.0.1:${optionOf(cmd, '--port')}/healthz`);
    expect(optionOf(cmd, '--host')).toBe('0.0.0.0');
    const known = await cliOptions('serve');
    for (const option of cmd.filter((arg) => arg.startsWith('--'))) expect(known, option).toContain(option);
  });

  it('copies only what exists and what .dockerignore lets through; leaves node_modules and .git out of the context', () => {
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
    const isIgnored = (path: string) => ignored.some((pattern) => pattern.test(path.replace(/^\.\//, '')));
    expect(isIgnored('node_modules')).toBe(true);
    expect(isIgnored('.git')).toBe(true);
    const sources = dockerfile
      .flatMap((stage) => all(stage, 'COPY'))
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(' ').slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(resolve(projectRoot, source)), source).toBe(true);
      expect(isIgnored(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
  });
});

describe('compose.yaml', () => {
  const compose = readCompose();
  const ingest = servicesWithRole(compose, 'ingest');
  const workers = servicesWithRole(compose, 'worker');
  const hubs: Array<[string, ComposeService]> = [...ingest, ...workers];
  const postgres = compose.services.postgres!;
  const runtimeCmd = JSON.parse(last(runtime, 'CMD')!) as string[];

  it('runs PostgreSQL 15 with a readiness check', () => {
    expect(postgres.image).toMatch(/^postgres:15(\b|$)/);
    expect(postgres.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
  });

  it('runs two ingest processes on two published ports and two workers on none', () => {
    expect(ingest.map(([name]) => name)).toHaveLength(2);
    expect(workers.map(([name]) => name)).toHaveLength(2);
    const published = ingest.map(([name, service]) => {
      expect(service.ports, name).toHaveLength(1);
      const [host, container] = service.ports![0]!.split(':');
      expect(container, `${name} publishes the port it listens on`).toBe(optionOf(service.command!, '--port'));
      return host;
    });
    expect(new Set(published).size).toBe(2);
    for (const [name, service] of workers) expect(service.ports, name).toBeUndefined();
    // Every serve service has --role, and only the roles there are.
    const serving = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'serve');
    expect(serving.map(([name]) => name).sort()).toEqual(hubs.map(([name]) => name).sort());
  });

  it('gives every hub process the same image, configuration and HOOKYARD_DATABASE_URL of the postgres service, once it is ready', () => {
    const env = postgres.environment!;
    const configs = new Set<string>();
    for (const [name, service] of hubs) {
      expect(service.build, name).toBe('.');
      const url = new URL(withDefaults(service.environment?.HOOKYARD_DATABASE_URL ?? ''));
      expect(url.protocol, name).toBe('postgres:');
      expect([url.hostname, url.port, url.username, decodeURIComponent(url.password), url.pathname], name).toEqual([
        'postgres',
        '5432',
        env.POSTGRES_USER,
        withDefaults(env.POSTGRES_PASSWORD!),
        `/${env.POSTGRES_DB}`,
      ]);
      expect(service.depends_on?.postgres?.condition, name).toBe('service_healthy');
      // The image's health check asks the port the default command listens on: so must these.
      expect(optionOf(service.command!, '--port'), name).toBe(optionOf(runtimeCmd, '--port'));
      expect(optionOf(service.command!, '--host'), name).toBe('0.0.0.0');
      configs.add(withDefaults(optionOf(service.command!, '--config')!));
    }
    expect(configs.size).toBe(1);
    // The default configuration is one the image holds (WORKDIR /app, examples/ copied).
    expect(existsSync(checkoutPath([...configs][0]!))).toBe(true);
    expect(all(runtime, 'COPY')).toContain('examples ./examples');
  });

  it('runs the demo systems only in the demo profile, sending hooks to an ingest process, where the hubs reach them', () => {
    const demo = compose.services.demo!;
    expect(demo.profiles).toEqual(['demo']);
    const command = demo.command!;
    expect(command.slice(0, 2)).toEqual(['demo', '--systems-only']);
    const hub = new URL(optionOf(command, '--hub')!);
    const target = ingest.find(([name]) => name === hub.hostname);
    expect(target, `--hub ${hub} names an ingest service`).toBeDefined();
    expect(hub.port).toBe(optionOf(target![1].command!, '--port'));
    expect(demo.depends_on?.[hub.hostname]?.condition).toBe('service_healthy');
    expect(demo.healthcheck?.disable).toBe(true);
    for (const [name, service] of hubs) {
      expect(service.environment?.SHOP_URL, name).toBe(`http://demo:${optionOf(command, '--shop-port')}`);
      expect(service.environment?.ERP_URL, name).toBe(`http://demo:${optionOf(command, '--erp-port')}`);
    }
    // The demo configuration reads them.
    const demoConfig = read('examples/demo.yaml');
    expect(demoConfig).toContain('${SHOP_URL');
    expect(demoConfig).toContain('${ERP_URL');
  });

  it('uses only options the CLI has', async () => {
    const serve = await cliOptions('serve');
    const demo = await cliOptions('demo');
    for (const [name, service] of Object.entries(compose.services)) {
      const command = service.command;
      if (!command) continue;
      const known = command[0] === 'serve' ? serve : demo;
      for (const option of command.filter((arg) => arg.startsWith('--'))) expect(known, `${name}: ${option}`).toContain(option);
    }
  });
});

describe('the documentation of scaling out', () => {
  it('documents HOOKYARD_DATABASE_URL, store.url and --role where configuration and scaling are explained, and links them', () => {
    const scaling = read('docs/scaling.md');
    for (const term of ['HOOKYARD_DATABASE_URL', '--role ingest', '--role worker', 'store.poolSize', 'compose.yaml', 'hookyard sync']) expect(scaling, term).toContain(term);
    const configuration = read('docs/configuration.md');
    for (const term of ['`store.url`', '`store.poolSize`', '`HOOKYARD_DATABASE_URL`', '`--role`', '(scaling.md)']) expect(configuration, term).toContain(term);
    expect(read('README.md')).toContain('(docs/scaling.md)');
  });
});
