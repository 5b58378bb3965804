/**
 * The wrk Lua script the ingest bench loads with, run by the real /usr/bin/wrk against a real
 * server on 127.0.0.1: every request is the one asked for, byte for byte, and the run ends by
 * draining (each request sent is answered, and the report counts them all).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { luaString, runWrk, wrkAvailable, wrkScript, WRK } from '../../bench/wrk.js';
import { tempDir } from '../helpers/hub.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('luaString', () => {
  it('escapes quotes, backslashes, control and non-ASCII bytes as three-digit decimal escapes', () => {
    expect(luaString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(luaString('\n1')).toBe('"\\0101"'); // \010 then the digit 1, not \101
    expect(luaString('é')).toBe('"\\195\\169"');
  });
});

describe('the wrk script', () => {
  it('sends exactly the request asked for and drains at the deadline', async () => {
    expect(wrkAvailable(), `${WRK} is needed for this test (Debian: apt-get install wrk)`).toBe(true);
    const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks) });
        // Every third answer is a 429, so the report's status counts can be checked.
        const status = seen.length % 3 === 0 ? 429 : 202;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end('{"hook":1}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;

    const dir = tempDir('hookyard-wrk-');
    cleanups.push(() => dir.remove());
    const body = JSON.stringify({ title: 'Mug "blue"\n', vendor: 'Trail & Co — café', path: 'C:\\shop', n: 10 });
    const headers = { 'content-type': 'application/json', 'x-shop-webhook-key': 'k"ey\\1', 'x-shopify-topic': 'products/update' };
    const scriptFile = join(dir.path, 'hook.lua');
    writeFileSync(scriptFile, wrkScript({ method: 'POST', path: '/hooks/shop?x=1', headers, body }));

    const result = await runWrk({ url: `http://127.0.0.1:${port}`, scriptFile, seconds: 1, connections: 4, threads: 2, drainLimitS: 10, timeoutS: 5 });

    expect(result.drainCut).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/hooks/shop?x=1');
      expect(request.body.toString('utf8')).toBe(body);
      expect(request.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(request.headers).toMatchObject(headers);
    }
    // Drained: every request the server answered is in the report, none was left in flight.
    expect(result.responses).toBe(seen.length);
    expect(result.sent).toBe(seen.length);
    expect(result.codes).toEqual({ '202': seen.length - Math.floor(seen.length / 3), '429': Math.floor(seen.length / 3) });
    expect(result.connect + result.read + result.write + result.timeout).toBe(0);
    expect(result.seconds).toBeGreaterThan(0);
  });
});
