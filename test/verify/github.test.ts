import { describe, expect, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, NON_UTF8_BODY, run, signGithub, signGithubBytes } from './sign.js';

const SECRET = 'It\'s a Secret to Everybody';
const OTHER = 'a secret nobody configured';
const PAYLOAD = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'Grüße ✓' } });
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
const verifier = compileVerifier({ scheme: 'github', secret: SECRET });

function headers(signature: string): Record<string, string> {
  return { 'x-hub-signature-256': signature, 'x-github-delivery': DELIVERY, 'x-github-event': 'issues' };
}

describe('GitHub signatures (X-Hub-Signature-256)', () => {
  it('accepts what @octokit/webhooks-methods signs, with X-GitHub-Delivery as the delivery id', async () => {
    expectPass(run(verifier, headers(await signGithub(SECRET, PAYLOAD)), PAYLOAD), DELIVERY);
  });

  it('gives a null delivery id when X-GitHub-Delivery is absent', async () => {
    expectPass(run(verifier, { 'x-hub-signature-256': await signGithub(SECRET, PAYLOAD) }, PAYLOAD), null);
  });

  it('signs bytes the way octokit signs text, so the byte recipe below is the real one', async () => {
    expect(signGithubBytes(SECRET, Buffer.from(PAYLOAD, 'utf8'))).toBe(await signGithub(SECRET, PAYLOAD));
  });

  it('verifies a body that is not UTF-8, on its raw bytes', () => {
    expectPass(run(verifier, headers(signGithubBytes(SECRET, NON_UTF8_BODY)), NON_UTF8_BODY), DELIVERY);
    // The same bytes decoded and re-encoded as text are different bytes and fail.
    const roundTripped = Buffer.from(NON_UTF8_BODY.toString('utf8'), 'utf8');
    expectFailure(run(verifier, headers(signGithubBytes(SECRET, NON_UTF8_BODY)), roundTripped), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('refuses a body with one byte changed', async () => {
    const signature = await signGithub(SECRET, PAYLOAD);
    for (const at of [0, 10, PAYLOAD.length - 1]) {
      expectFailure(run(verifier, headers(signature), flipOneByte(Buffer.from(PAYLOAD), at)), 'HY_ERR_SIGNATURE_INVALID', [SECRET, signature.slice(7)]);
    }
  });

  it('refuses a signature made with another secret, naming neither secret nor signature', async () => {
    const expected = await signGithub(SECRET, PAYLOAD);
    expectFailure(run(verifier, headers(await signGithub(OTHER, PAYLOAD)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', [SECRET, OTHER, expected.slice(7)]);
  });

  it('accepts either secret while rotating', async () => {
    const rotating = compileVerifier({ scheme: 'github', secret: [OTHER, SECRET] });
    expectPass(run(rotating, headers(await signGithub(SECRET, PAYLOAD)), PAYLOAD), DELIVERY);
    expectPass(run(rotating, headers(await signGithub(OTHER, PAYLOAD)), PAYLOAD), DELIVERY);
    expectFailure(run(rotating, headers(await signGithub('third', PAYLOAD)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('accepts upper-case hex: the decoded bytes are compared', async () => {
    const signature = await signGithub(SECRET, PAYLOAD);
    expectPass(run(verifier, headers(`sha256=${signature.slice(7).toUpperCase()}`), PAYLOAD), DELIVERY);
  });

  it('answers MISSING without the header, or with it empty; the SHA-1 header alone does not count', () => {
    expectFailure(run(verifier, {}, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, { 'x-hub-signature-256': '' }, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, { 'x-hub-signature-256': '   ' }, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
  });

  it('answers MALFORMED when the header does not start with "sha256="', async () => {
    const hex = (await signGithub(SECRET, PAYLOAD)).slice(7);
    for (const value of ['garbage', hex, `sha1=${hex}`, `SHA256=${hex}`, ` sha256=${hex}`, `sha512=${hex}`, '=,=,=', 'sha256']) {
      expectFailure(run(verifier, headers(value), PAYLOAD), 'HY_ERR_SIGNATURE_MALFORMED', [SECRET, hex]);
    }
  });

  it('answers INVALID for a signature that does not decode to 32 bytes, without throwing', async () => {
    const hex = (await signGithub(SECRET, PAYLOAD)).slice(7);
    const shapes = [
      'sha256=',
      'sha256=abc', // odd
      `sha256=${hex.slice(0, 62)}`, // short
      `sha256=${hex}00`, // long
      `sha256=${hex.slice(0, 63)}g`, // not hex
      `sha256=${Buffer.from(hex, 'hex').toString('base64')}`, // base64 of the right bytes
      `sha256=${hex},${hex}`, // many commas
      `sha256=${','.repeat(500)}`,
      `sha256=${hex} `,
      `sha256=${'a'.repeat(10_000)}`,
    ];
    for (const value of shapes) {
      expectFailure(run(verifier, headers(value), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', [SECRET, hex]);
    }
  });
});
