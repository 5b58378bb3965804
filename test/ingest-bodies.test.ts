/**
 * Bodies as documented, over HTTP (inject): JSON and forms only; a declared charset other than
 * UTF-8 refused with its own code; `Content-Encoding: gzip` or `deflate` decoded within the body
 * limit, with the signature checked on the bytes as sent and the decoded JSON stored, so that the
 * admin API shows it and resolution (and a replay) reads it.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';
import { signGithubBytes } from './verify/sign.js';

const LIMIT = 4096;
const CONFIG = `
server: { bodyLimitBytes: ${LIMIT} }
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: std-key }
    scopes: [product/updated]
  gh:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: gh-secret } }
    scopes: [product/updated]
`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub(fixtureConfig(CONFIG));
});
afterAll(async () => hub.dispose());

const json = (id: string) => JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: id }] });

async function post(payload: string | Buffer, headers: Record<string, string>, connection = 'std') {
  return hub.app.inject({
    method: 'POST',
    url: `/hooks/${connection}`,
    headers: { authorization: 'Bearer std-key', 'content-type': 'application/json', ...headers },
    payload,
  });
}

function expectError(response: { statusCode: number; json(): unknown; body: string }, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toEqual({ error: code, message: expect.any(String) });
}

async function storedCount(): Promise<number> {
  return (await hub.store.listHooks({ limit: 500 })).items.length;
}

describe('content types', () => {
  it('refuses text/plain with 415 HY_ERR_CONTENT_TYPE_UNSUPPORTED', async () => {
    const before = await storedCount();
    expectError(await post(json('1'), { 'content-type': 'text/plain' }), 415, 'HY_ERR_CONTENT_TYPE_UNSUPPORTED');
    expectError(await post(json('1'), { 'content-type': 'text/plain; charset=utf-8' }), 415, 'HY_ERR_CONTENT_TYPE_UNSUPPORTED');
    expect(await storedCount()).toBe(before);
  });

  it('refuses a declared charset other than UTF-8 with 415 HY_ERR_BODY_CHARSET', async () => {
    const before = await storedCount();
    for (const type of ['application/json; charset=latin1', 'application/json; charset=ISO-8859-1', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded; charset=windows-1252', 'application/json; charset=""']) {
      expectError(await post(json('1'), { 'content-type': type }), 415, 'HY_ERR_BODY_CHARSET');
    }
    expect(await storedCount()).toBe(before);
  });

  it('takes UTF-8 however it is spelled', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="utf8"', 'application/json; Charset=Utf-8', 'application/json']) {
      const response = await post(json('1'), { 'content-type': type });
      expect(response.statusCode, `${type}: ${response.body}`).toBe(202);
    }
  });
});

describe('Content-Encoding', () => {
  it('decodes a gzip body, stores the JSON and records that it came compressed', async () => {
    const response = await post(gzipSync(json('gz-1')), { 'content-encoding': 'gzip' });
    expect(response.statusCode, response.body).toBe(202);
    const id = response.json().hook as number;
    await hub.resolveAll();
    const shown = (await hub.app.inject({ method: 'GET', url: `/api/hooks/${id}` })).json();
    expect(shown.hook.body).toEqual({ encoding: 'utf8', data: json('gz-1') });
    expect(shown.hook.headers['content-encoding']).toBe('gzip');
    expect(shown.hook.status).toBe('resolved');
    expect(shown.transfers.map((t: { externalId: string }) => t.externalId)).toEqual(['gz-1']);
    // A replay reads the stored hook again: the JSON, not the gzip bytes.
    expect((await hub.app.inject({ method: 'POST', url: `/api/hooks/${id}/replay` })).statusCode).toBe(202);
    await hub.resolveAll();
    const replayed = (await hub.app.inject({ method: 'GET', url: `/api/hooks/${id}` })).json();
    expect(replayed.hook.status).toBe('resolved');
    expect(replayed.hook.errorCode).toBeNull();
  });

  it('decodes deflate (zlib), and takes identity as no encoding', async () => {
    const deflated = await post(deflateSync(json('df-1')), { 'content-encoding': 'deflate' });
    expect(deflated.statusCode, deflated.body).toBe(202);
    expect((await hub.store.getHook(deflated.json().hook))!.body.toString('utf8')).toBe(json('df-1'));
    const identity = await post(json('id-1'), { 'content-encoding': 'Identity' });
    expect(identity.statusCode, identity.body).toBe(202);
  });

  it('checks the signature on the compressed bytes as sent', async () => {
    const compressed = gzipSync(json('gh-gz'));
    const signed = await post(compressed, { 'content-encoding': 'gzip', 'x-hub-signature-256': signGithubBytes('gh-secret', compressed), 'x-github-delivery': 'gz-1' }, 'gh');
    expect(signed.statusCode, signed.body).toBe(202);
    expect((await hub.store.getHook(signed.json().hook))!.body.toString('utf8')).toBe(json('gh-gz'));
    // A signature over the decoded JSON is not a signature over what was sent.
    const overDecoded = await post(compressed, { 'content-encoding': 'gzip', 'x-hub-signature-256': signGithubBytes('gh-secret', Buffer.from(json('gh-gz'))), 'x-github-delivery': 'gz-2' }, 'gh');
    expectError(overDecoded, 401, 'HY_ERR_SIGNATURE_INVALID');
  });

  it('answers 413 HY_ERR_BODY_TOO_LARGE for a body that decodes past the limit, and stores nothing', async () => {
    const before = await storedCount();
    // 1 MiB of one character compresses to about 1 KiB: under the limit as sent, far over it decoded.
    const bomb = gzipSync(JSON.stringify({ notifications: [], pad: 'x'.repeat(1_048_576) }));
    expect(bomb.length).toBeLessThan(LIMIT);
    expectError(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'HY_ERR_BODY_TOO_LARGE');
    // Just under the limit decoded is taken.
    const under = gzipSync(JSON.stringify({ notifications: [], pad: 'x'.repeat(LIMIT - 100) }));
    expect((await post(under, { 'content-encoding': 'gzip' })).statusCode).toBe(202);
    expect(await storedCount()).toBe(before + 1);
  });

  it('answers 400 HY_ERR_BODY_INVALID for bytes that are not what the encoding says', async () => {
    expectError(await post(json('plain'), { 'content-encoding': 'gzip' }), 400, 'HY_ERR_BODY_INVALID');
    expectError(await post(gzipSync(json('x')).subarray(0, 12), { 'content-encoding': 'gzip' }), 400, 'HY_ERR_BODY_INVALID');
    expectError(await post(gzipSync(json('x')), { 'content-encoding': 'deflate' }), 400, 'HY_ERR_BODY_INVALID');
  });

  it('answers 415 HY_ERR_CONTENT_ENCODING_UNSUPPORTED for another encoding', async () => {
    for (const encoding of ['br', 'compress', 'gzip, gzip', 'zstd', 'x-unknown']) {
      expectError(await post(gzipSync(json('x')), { 'content-encoding': encoding }), 415, 'HY_ERR_CONTENT_ENCODING_UNSUPPORTED');
    }
  });

  it('still refuses a decoded body that is not JSON or not UTF-8', async () => {
    expectError(await post(gzipSync('{"notifications": [}'), { 'content-encoding': 'gzip' }), 400, 'HY_ERR_BODY_NOT_JSON');
    expectError(await post(gzipSync(Buffer.from([0x7b, 0xff, 0x7d])), { 'content-encoding': 'gzip' }), 400, 'HY_ERR_BODY_ENCODING');
  });
});
