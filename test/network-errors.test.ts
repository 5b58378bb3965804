/**
 * A failed HTTP call names its cause: undici's fetch() rejects with a bare `TypeError: fetch
 * failed` and keeps the reason in `cause`, which every message hookyard writes (a transfer's error,
 * its activity log, a demo system's delivery log) must carry.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { networkErrorMessage } from '../src/errors.js';
import { createHttpClient, exchange } from '../src/integrations/http.js';
import { TransferError, asTransferError } from '../src/integrations/errors.js';
import { HookQueue } from '../src/demo/hook-queue.js';

/** A port nothing listens on: one the OS gave a server that has closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

async function fetchError(url: string): Promise<unknown> {
  try {
    await fetch(url);
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

describe('networkErrorMessage', () => {
  it('names a refused connection with its address, not "fetch failed"', async () => {
    const port = await closedPort();
    const error = await fetchError(`http://127.0.0.1:${port}/products/1`);
    expect((error as Error).message).toBe('fetch failed'); // what undici says on its own
    const message = networkErrorMessage(error);
    expect(message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(message).not.toContain('fetch failed');
  });

  it('names a host that does not resolve', async () => {
    // .invalid never resolves (RFC 2606); without a resolver at all the lookup fails with EAI_AGAIN.
    const message = networkErrorMessage(await fetchError('http://hookyard-test.invalid/'));
    expect(message).toMatch(/getaddrinfo (ENOTFOUND|EAI_AGAIN) hookyard-test\.invalid/);
  });

  it.each([
    ['a cause with a code its message lacks', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('Connect Timeout Error (attempted address: 10.0.0.1:443, timeout: 10000ms)'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }), 'Connect Timeout Error (attempted address: 10.0.0.1:443, timeout: 10000ms) (UND_ERR_CONNECT_TIMEOUT)'],
    [
      'an AggregateError without a message (one error per address tried)',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:8081'), { code: 'ECONNREFUSED' }), Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' }),
      }),
      'connect ECONNREFUSED ::1:8081; connect ECONNREFUSED 127.0.0.1:8081',
    ],
    ['an error without a cause', new Error('socket hang up'), 'socket hang up'],
    ['fetch failed without a cause', new TypeError('fetch failed'), 'fetch failed'],
    ['a thrown string', 'boom', 'boom'],
    ['an error whose cause repeats it', new Error('read ECONNRESET', { cause: new Error('read ECONNRESET') }), 'read ECONNRESET'],
  ])('reads %s', (_name, error, expected) => {
    expect(networkErrorMessage(error)).toBe(expected);
  });
});

describe('the integrations\' HTTP client on a port nothing listens on', () => {
  it('fails retryably with HY_ERR_DESTINATION_UNREACHABLE, naming the request and the refused address', async () => {
    const port = await closedPort();
    const client = createHttpClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await client.getJson('/products/7').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransferError);
    expect(error).toMatchObject({ code: 'HY_ERR_DESTINATION_UNREACHABLE', retryable: true });
    expect((error as Error).message).toContain(`GET http://127.0.0.1:${port}/products/7: connect ECONNREFUSED 127.0.0.1:${port}`);
    await expect(exchange({ method: 'POST', url: `http://127.0.0.1:${port}/x`, body: {} })).rejects.toThrow(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('gives an integration\'s own failed fetch() its cause when it becomes a transfer error', async () => {
    const port = await closedPort();
    const error = asTransferError(await fetchError(`http://127.0.0.1:${port}/`));
    expect(error.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('a demo system\'s outgoing hooks', () => {
  it('logs why a delivery to a hub that is not there failed', async () => {
    const port = await closedPort();
    const queue = new HookQueue<{ topic: string }>({ url: `http://127.0.0.1:${port}/hooks/shop`, headers: () => ({ 'content-type': 'application/json' }), retryDelaysMs: [] });
    queue.enqueue({ topic: 'products/update' }, { id: 1 });
    await queue.settle();
    queue.close();
    expect(queue.sent).toMatchObject([{ topic: 'products/update', attempt: 1, status: 0 }]);
    expect(queue.sent[0]!.error).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });
});
