/**
 * Real `hookyard serve` processes for end-to-end tests: spawn the CLI exactly as an operator
 * would, wait for the line it prints once it listens, and make sure no test leaves one running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolvePath(fileURLToPath(import.meta.url), '../../..');

/**
 * examples/demo.yaml names integration files relative to itself (`./integrations/acme-erp.yaml`);
 * a copy written to another folder names them by absolute path instead.
 */
export function withAbsoluteIntegrations<T extends object>(config: T): T {
  const { connections = {} } = config as { connections?: Record<string, unknown> };
  for (const connection of Object.values(connections) as Array<{ integration?: unknown }>) {
    if (typeof connection.integration === 'string' && connection.integration.startsWith('.')) {
      connection.integration = resolvePath(projectRoot, 'examples', connection.integration);
    }
  }
  return config;
}
const BIN = resolvePath(projectRoot, 'bin/hookyard.js');

/** Output kept per process (the tail), for failure messages. */
const OUTPUT_LIMIT = 64 * 1024;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HubProcess {
  child: ChildProcess;
  pid: number;
  /** The address printed on `hookyard listening on …`, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Everything the process printed so far (stdout and stderr interleaved, tail only). */
  output(): string;
  /** Sends `signal` (if still running) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<ChildProcess>();

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

// Last resort if a test worker exits without its afterEach running: never leave a hub behind.
process.once('exit', () => {
  for (const child of running) if (isRunning(child)) child.kill('SIGKILL');
});

export interface StartHubOptions {
  config: string;
  data: string;
  /** Default 0: the OS picks a free port, read back from the CLI's output. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** More arguments for `serve`, e.g. ['--role', 'ingest']. */
  args?: string[];
  /** How long to wait for the `listening` line (default 20 s). */
  startTimeoutMs?: number;
}

/** Spawns `node bin/hookyard.js serve …` and resolves once it listens. */
export function startHub(options: StartHubOptions): Promise<HubProcess> {
  const args = ['serve', '--config', options.config, '--data', options.data, '--port', String(options.port ?? 0), '--host', '127.0.0.1', ...(options.args ?? [])];
  return startCli(args, { env: options.env, startTimeoutMs: options.startTimeoutMs });
}

/**
 * Spawns `node bin/hookyard.js <args>` and resolves once stdout has a line matching `ready`
 * (default: the log line `hookyard listening on <url>`; `url` is the pattern's first group, or '' without one).
 */
export function startCli(
  cliArgs: string[],
  options: { env?: NodeJS.ProcessEnv; startTimeoutMs?: number; ready?: RegExp } = {},
): Promise<HubProcess> {
  // The line is a log line (JSON, or pino-pretty's on a terminal): the address ends at a quote or a space.
  const ready = options.ready ?? /hookyard listening on (http:\/\/[^\s"]+)/;
  const args = [BIN, ...cliArgs];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> => {
    if (isRunning(child)) child.kill(signal);
    return exited;
  };

  return new Promise<HubProcess>((resolve, reject) => {
    let stdoutText = '';
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`hookyard ${cliArgs[0]} did not print ${ready} within ${options.startTimeoutMs ?? 20_000} ms; output:\n${output}`));
    }, options.startTimeoutMs ?? 20_000);
    const onStdout = (chunk: Buffer) => {
      append(chunk);
      stdoutText += chunk.toString('utf8');
      const match = ready.exec(stdoutText);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onStdout);
      child.stdout!.on('data', append);
      resolve({ child, pid: child.pid!, url: match[1] ?? '', exited, output: () => output, stop });
    };
    child.stdout!.on('data', onStdout);
    child.stderr!.on('data', append);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`hookyard ${cliArgs[0]} exited before it was ready (code ${code}, signal ${signal}); output:\n${output}`));
    });
  });
}

/** SIGKILLs every hub still running and waits for each to exit. For afterEach/afterAll. */
export async function killAllHubs(): Promise<void> {
  const waits: Array<Promise<unknown>> = [];
  for (const child of running) {
    if (!isRunning(child)) continue;
    waits.push(new Promise((resolve) => child.once('exit', resolve)));
    child.kill('SIGKILL');
  }
  await Promise.all(waits);
  running.clear();
}

/** How many hubs this worker still has running (a test can assert it leaves none). */
export function runningHubs(): number {
  let n = 0;
  for (const child of running) if (isRunning(child)) n += 1;
  return n;
}
