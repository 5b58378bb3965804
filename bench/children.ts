/**
 * The bench's child processes: servers that report their port as a JSON line, scripts that run
 * to their end, and load generators. Every one is tracked, so that `stopAll` (on exit, failure or
 * Ctrl-C) leaves none behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolvePath(benchDir, '..');

const running = new Set<ChildProcess>();

/** Tracks a process started elsewhere (wrk): stopAll kills it too. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function spawnScript(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', join(benchDir, script), ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  track(child);
  return child;
}

export interface Child {
  name: string;
  process: ChildProcess;
  port: number;
  /** The last lines the child wrote, for error messages. */
  tail: string[];
  /** JSON lines with a "bench" key the child wrote after it was ready (e.g. its stats). */
  messages: Array<Record<string, unknown>>;
  stopping?: Promise<void>;
}

/** Starts a server script and resolves once it has written {"bench":"ready","port":…}. */
export function startServer(name: string, script: string, args: string[], execArgv: string[] = []): Promise<Child> {
  const proc = spawnScript(script, args, execArgv);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  const messages: Array<Record<string, unknown>> = [];
  return new Promise<Child>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`${name}: not ready after 30 s`)), 30_000);
    const fail = (error: Error) => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${error.message}\n  last output:\n    ${tail.join('\n    ') || '(none)'}`));
    };
    // Keep reading both pipes for the child's whole life, so that its writes never block.
    createInterface({ input: proc.stderr! }).on('line', remember);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      remember(line);
      if (!line.startsWith('{"bench"')) return;
      let message: { bench?: string; port?: number };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (ready) {
        messages.push(message);
        return;
      }
      if (message.bench !== 'ready' || typeof message.port !== 'number') return;
      ready = true;
      clearTimeout(timer);
      resolve({ name, process: proc, port: message.port, tail, messages });
    });
    proc.once('error', (error) => fail(error));
    proc.once('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready`)));
  });
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`; once per child. */
export function stopServer(child: Child, graceMs = 20_000): Promise<void> {
  child.stopping ??= (async () => {
    await stopProcess(child.process, graceMs);
    const proc = child.process;
    if (proc.exitCode !== 0) console.error(`  note: ${child.name} exited with ${proc.signalCode ?? `code ${proc.exitCode}`}`);
  })();
  return child.stopping;
}

async function stopProcess(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface ScriptRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** The last lines of stderr, for error messages. */
  stderrTail: string[];
}

/**
 * Runs a script to its end; each line it writes goes to `onLine` (stdout and stderr alike, in
 * the order they arrive).
 */
export function runScript(script: string, args: string[], onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<ScriptRun> {
  const proc = spawnScript(script, args);
  const stdout: string[] = [];
  const stderrTail: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    stdout.push(line);
    onLine(line, 'stdout');
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    onLine(line, 'stderr');
  });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code, signal) => resolve({ code, signal, stdout: stdout.join('\n'), stderrTail }));
  });
}

/** Stops every child still running (SIGTERM, SIGKILL after `graceMs`). */
export async function stopAll(graceMs = 5_000): Promise<void> {
  await Promise.all([...running].map((proc) => stopProcess(proc, graceMs)));
}
