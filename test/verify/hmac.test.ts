import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { compileVerifier, type VerifySpec } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, NON_UTF8_BODY, NOW_MS, NOW_S, run } from './sign.js';

const SECRET = 'generic-hmac-secret-Ω';
const OTHER = 'generic-hmac-secret-2';
const BODY = Buffer.from('{"event":"order.paid","total":"12.50"}', 'utf8');

/** What a generic sender does: HMAC of the signed content's bytes, in the configured encoding. */
function sign(secret: string, parts: Array<string | Buffer>, algorithm = 'sha256', encoding: 'hex' | 'base64' = 'hex'): string {
  const hmac = createHmac(algorithm, secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest(encoding);
}

function verifier(spec: Omit<Extract<VerifySpec, { scheme: 'hmac' }>, 'scheme' | 'secret' | 'header'> & { secret?: string | string[]; header?: string }) {
  return compileVerifier({ scheme: 'hmac', secret: SECRET, header: 'x-signature', ...spec });
}

describe('generic HMAC signatures', () => {
  it('accepts every algorithm and encoding over the raw body (hex and sha256 by default)', () => {
    expectPass(run(verifier({}), { 'x-signature': sign(SECRET, [BODY]) }, BODY), null);
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      for (const encoding of ['hex', 'base64'] as const) {
        const v = verifier({ algorithm, encoding });
        expectPass(run(v, { 'x-signature': sign(SECRET, [BODY], algorithm, encoding) }, BODY), null);
        expectPass(run(v, { 'x-signature': sign(SECRET, [NON_UTF8_BODY], algorithm, encoding) }, NON_UTF8_BODY), null);
        const expected = sign(SECRET, [BODY], algorithm, encoding);
        expectFailure(run(v, { 'x-signature': expected }, flipOneByte(BODY)), 'HY_ERR_SIGNATURE_INVALID', [SECRET, expected]);
      }
    }
  });

  it('refuses a signature of another algorithm: its length is wrong', () => {
    expectFailure(run(verifier({ algorithm: 'sha1' }), { 'x-signature': sign(SECRET, [BODY], 'sha256') }, BODY), 'HY_ERR_SIGNATURE_INVALID');
    expectFailure(run(verifier({ algorithm: 'sha512' }), { 'x-signature': sign(SECRET, [BODY], 'sha256') }, BODY), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('finds the header whatever the case of its configured name, and checks the prefix exactly', () => {
    const v = verifier({ header: 'X-Acme-Signature', prefix: 'v1=' });
    expectPass(run(v, { 'x-acme-signature': `v1=${sign(SECRET, [BODY])}` }, BODY), null);
    expectFailure(run(v, { 'x-acme-signature': sign(SECRET, [BODY]) }, BODY), 'HY_ERR_SIGNATURE_MALFORMED');
    expectFailure(run(v, { 'x-acme-signature': `V1=${sign(SECRET, [BODY])}` }, BODY), 'HY_ERR_SIGNATURE_MALFORMED');
    expectFailure(run(v, { 'x-signature': `v1=${sign(SECRET, [BODY])}` }, BODY), 'HY_ERR_SIGNATURE_MISSING');
  });

  it('accepts any configured secret while rotating, and refuses an unknown one', () => {
    const v = verifier({ secret: [SECRET, OTHER] });
    expectPass(run(v, { 'x-signature': sign(OTHER, [BODY]) }, BODY), null);
    expectPass(run(v, { 'x-signature': sign(SECRET, [BODY]) }, BODY), null);
    expectFailure(run(v, { 'x-signature': sign('unknown', [BODY]) }, BODY), 'HY_ERR_SIGNATURE_INVALID', [SECRET, OTHER]);
  });

  it('gives the deliveryIdHeader value as the delivery id, null when it is absent', () => {
    const v = verifier({ deliveryIdHeader: 'X-Request-Id' });
    expectPass(run(v, { 'x-signature': sign(SECRET, [BODY]), 'x-request-id': 'req-7' }, BODY), 'req-7');
    expectPass(run(v, { 'x-signature': sign(SECRET, [BODY]) }, BODY), null);
  });

  describe('with a signed timestamp ("{timestamp}.{body}")', () => {
    const v = verifier({ signedContent: '{timestamp}.{body}', timestampHeader: 'x-timestamp' });
    const at = (t: number | string, signedAt: number | string = t) => ({
      'x-signature': sign(SECRET, [`${signedAt}.`, BODY]),
      'x-timestamp': String(t),
    });

    it('accepts a fresh hook and refuses a changed timestamp', () => {
      expectPass(run(v, at(NOW_S), BODY), null);
      expectFailure(run(v, at(NOW_S, NOW_S - 1), BODY), 'HY_ERR_SIGNATURE_INVALID');
    });

    it('answers EXPIRED beyond 300 s by default, past or future', () => {
      expectPass(run(v, at(NOW_S - 300), BODY), null);
      expectPass(run(v, at(NOW_S + 300), BODY), null);
      expectFailure(run(v, at(NOW_S - 301), BODY), 'HY_ERR_SIGNATURE_EXPIRED', [SECRET]);
      expectFailure(run(v, at(NOW_S + 301), BODY), 'HY_ERR_SIGNATURE_EXPIRED', [SECRET]);
    });

    it('reads milliseconds and a configured tolerance', () => {
      const ms = verifier({ signedContent: '{timestamp}.{body}', timestampHeader: 'x-timestamp', timestampUnit: 'milliseconds', toleranceSeconds: 5 });
      expectPass(run(ms, at(NOW_MS - 5000), BODY), null);
      expectFailure(run(ms, at(NOW_MS - 5001), BODY), 'HY_ERR_SIGNATURE_EXPIRED');
      expectFailure(run(ms, at(NOW_S), BODY), 'HY_ERR_SIGNATURE_EXPIRED'); // seconds read as ms: 1970
    });

    it('answers MISSING without the timestamp header and MALFORMED for a timestamp that is not a whole number', () => {
      expectFailure(run(v, { 'x-signature': sign(SECRET, [`${NOW_S}.`, BODY]) }, BODY), 'HY_ERR_SIGNATURE_MISSING');
      for (const t of ['now', `${NOW_S}.0`, '-1', '0x10', `${NOW_S} `, '1e3', '9'.repeat(20)]) {
        expectFailure(run(v, at(t), BODY), 'HY_ERR_SIGNATURE_MALFORMED');
      }
    });
  });

  describe('with a signed id ("{id}.{timestamp}.{body}")', () => {
    const spec = { signedContent: '{id}.{timestamp}.{body}', idHeader: 'x-event-id', timestampHeader: 'x-timestamp', encoding: 'base64' } as const;
    const v = verifier(spec);

    it('accepts it, with the id header as the delivery id unless deliveryIdHeader says otherwise', () => {
      const headers = { 'x-signature': sign(SECRET, [`evt_1.${NOW_S}.`, BODY], 'sha256', 'base64'), 'x-event-id': 'evt_1', 'x-timestamp': String(NOW_S), 'x-attempt': 'a2' };
      expectPass(run(v, headers, BODY), 'evt_1');
      expectPass(run(verifier({ ...spec, deliveryIdHeader: 'x-attempt' }), headers, BODY), 'a2');
      expectFailure(run(v, { ...headers, 'x-event-id': 'evt_2' }, BODY), 'HY_ERR_SIGNATURE_INVALID');
      expectFailure(run(v, { ...headers, 'x-event-id': '' }, BODY), 'HY_ERR_SIGNATURE_MISSING');
    });

    it('signs the id header as the bytes sent (Node hands header values over as latin1)', () => {
      const id = 'évt-ü-1';
      const asNodeGivesIt = Buffer.from(id, 'utf8').toString('latin1');
      const headers = { 'x-signature': sign(SECRET, [Buffer.from(`${id}.${NOW_S}.`, 'utf8'), BODY], 'sha256', 'base64'), 'x-event-id': asNodeGivesIt, 'x-timestamp': String(NOW_S) };
      expectPass(run(v, headers, BODY), asNodeGivesIt);
    });
  });
});
