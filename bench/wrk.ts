/**
 * Load with wrk (Debian's /usr/bin/wrk, LuaJIT inside): a Lua script that sends one fixed POST
 * and ends by draining, not by cutting.
 *
 * wrk stops at its -d time and drops every request in flight; a hub would then have stored hooks
 * nobody was told about, and "stored = answered" could not be checked. So the script sends until
 * a deadline (CLOCK_MONOTONIC, the clock of Node's process.hrtime), and after it `delay()` holds
 * each connection back once its last answer is in. When every connection of a thread is idle the
 * thread prints `drained`; once all have, bench/run.ts sends wrk SIGINT, and wrk prints its
 * summary and the script's `done()` line: one JSON object with the counts, latencies and the time
 * from the first request to the last answer. -d is only the last resort (the drain limit).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const WRK = '/usr/bin/wrk';

export function wrkAvailable(): boolean {
  return existsSync(WRK);
}

/** A Lua string literal holding exactly these bytes (UTF-8), whatever they are. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`; // \ddd: always three digits, so a digit after it cannot join it
  }
  return `${out}"`;
}

export interface WrkRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The Lua script. Arguments after `--` on wrk's command line: the deadline (ms on
 * CLOCK_MONOTONIC) and the connections each thread has.
 */
export function wrkScript(request: WrkRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `-- written by bench/wrk.ts: ${request.method} ${request.path} until a deadline, then drain
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } hookyard_timespec;
int clock_gettime(int clock_id, hookyard_timespec *tp);
]]
local ts = ffi.new("hookyard_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

wrk.method = ${luaString(request.method)}
wrk.path = ${luaString(request.path)}
wrk.body = ${luaString(request.body)}
${headers}

-- per thread (read back in done() with thread:get)
sent = 0
first_ms = 0
last_ms = 0
codes = {}
local deadline = 0
local connections = 0
local idle = 0
local drained = false

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  deadline = tonumber(args[1])
  connections = tonumber(args[2])
end

-- Called as a connection is ready to send: after connecting and after each answer.
function delay()
  local now = now_ms()
  if first_ms == 0 then first_ms = now end
  if now < deadline then
    last_ms = now
    sent = sent + 1
    return 0
  end
  idle = idle + 1
  if idle == 1 or now > last_ms then last_ms = now end
  if not drained and idle >= connections then
    drained = true
    io.write("drained\\n")
    io.stdout:flush()
  end
  return 3600000 -- an hour: this connection sends nothing more
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local first, last, total_sent = nil, 0, 0
  local merged = {}
  for _, t in ipairs(threads) do
    local f = t:get("first_ms")
    if f > 0 and (first == nil or f < first) then first = f end
    local l = t:get("last_ms")
    if l > last then last = l end
    total_sent = total_sent + t:get("sent")
    for code, n in pairs(t:get("codes")) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    '{"wrk":"done","responses":%d,"sent":%d,"seconds":%.6f,"codes":{%s},"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%.3f,"p99":%.3f,"max":%.3f}\\n',
    summary.requests, total_sent, ((last - (first or last)) / 1000), table.concat(parts, ","),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`;
}

/** What the script's done() reports. Latencies in ms. */
export interface WrkResult {
  responses: number;
  sent: number;
  seconds: number;
  codes: Record<string, number>;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50: number;
  p99: number;
  max: number;
}

export function parseWrkDone(line: string): WrkResult | null {
  if (!line.startsWith('{"wrk":"done"')) return null;
  return JSON.parse(line) as WrkResult;
}

export interface WrkRun {
  url: string;
  scriptFile: string;
  seconds: number;
  connections: number;
  threads: number;
  /** Seconds wrk may take past the deadline to drain before it is cut. */
  drainLimitS: number;
  timeoutS: number;
  /** Called for each child it starts, so that it can be killed on Ctrl-C. */
  track?: (child: import('node:child_process').ChildProcess) => void;
}

/** Monotonic ms, the clock the Lua script reads (CLOCK_MONOTONIC). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/** Runs wrk once: until `seconds` have passed, then drains; resolves with done()'s report. */
export function runWrk(run: WrkRun): Promise<WrkResult & { drainCut: boolean }> {
  if (run.connections % run.threads !== 0) throw new Error(`wrk: ${run.connections} connections do not split evenly over ${run.threads} threads`);
  const deadline = monotonicMs() + run.seconds * 1000;
  const args = [
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${Math.ceil(run.seconds + run.drainLimitS)}s`,
    `--timeout`,
    `${run.timeoutS}s`,
    '-s',
    run.scriptFile,
    run.url,
    '--',
    deadline.toFixed(3),
    String(run.connections / run.threads),
  ];
  const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  run.track?.(child);
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    let drained = 0;
    let interrupted = false;
    let result: WrkResult | null = null;
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line === 'drained') {
        drained += 1;
        if (drained === run.threads && !interrupted) {
          interrupted = true;
          child.kill('SIGINT'); // wrk then stops at once and reports
        }
        return;
      }
      result = parseWrkDone(line) ?? result;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (!result) {
        reject(new Error(`wrk ended (${signal ?? `code ${code}`}) without its report:\n    ${output.slice(-15).join('\n    ')}`));
        return;
      }
      resolve({ ...result, drainCut: !interrupted });
    });
  });
}
