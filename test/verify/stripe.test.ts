import { describe, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, NOW_S, run, signStripe, stripeV1 } from './sign.js';

const SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';
const OTHER = 'whsec_test_rolled_ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const EVENT_ID = 'evt_1NG8Du2eZvKYlo2CUI79vXWy';
const PAYLOAD = JSON.stringify({ id: EVENT_ID, object: 'event', type: 'customer.updated', data: { object: { name: 'Zoë' } } }, null, 2);
const verifier = compileVerifier({ scheme: 'stripe', secret: SECRET });

function headers(value: string): Record<string, string> {
  return { 'stripe-signature': value };
}

describe('Stripe signatures (Stripe-Signature)', () => {
  it('accepts what the stripe library signs, with the event id as the delivery id', () => {
    expectPass(run(verifier, headers(signStripe(SECRET, PAYLOAD, NOW_S)), PAYLOAD), EVENT_ID);
  });

  it('gives a null delivery id when the verified body is not JSON or has no string id', () => {
    for (const payload of ['not json', '[1,2]', '{"object":"event"}', '{"id":42}', '"evt_1"', '']) {
      expectPass(run(verifier, headers(signStripe(SECRET, payload, NOW_S)), payload), null);
    }
  });

  it('refuses a body with one byte changed, and another secret', () => {
    const header = signStripe(SECRET, PAYLOAD, NOW_S);
    const expected = stripeV1(header);
    expectFailure(run(verifier, headers(header), flipOneByte(Buffer.from(PAYLOAD))), 'HY_ERR_SIGNATURE_INVALID', [SECRET, expected]);
    expectFailure(run(verifier, headers(signStripe(OTHER, PAYLOAD, NOW_S)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', [SECRET, OTHER, expected]);
  });

  it('refuses a changed t=: the timestamp is signed', () => {
    const v1 = stripeV1(signStripe(SECRET, PAYLOAD, NOW_S - 1000));
    expectFailure(run(verifier, headers(`t=${NOW_S},v1=${v1}`), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('answers EXPIRED beyond the tolerance, in the past and in the future; at the edge it passes', () => {
    expectPass(run(verifier, headers(signStripe(SECRET, PAYLOAD, NOW_S - 300)), PAYLOAD), EVENT_ID);
    expectPass(run(verifier, headers(signStripe(SECRET, PAYLOAD, NOW_S + 300)), PAYLOAD), EVENT_ID);
    expectFailure(run(verifier, headers(signStripe(SECRET, PAYLOAD, NOW_S - 301)), PAYLOAD), 'HY_ERR_SIGNATURE_EXPIRED', [SECRET]);
    expectFailure(run(verifier, headers(signStripe(SECRET, PAYLOAD, NOW_S + 301)), PAYLOAD), 'HY_ERR_SIGNATURE_EXPIRED', [SECRET]);
    expectFailure(run(verifier, headers(signStripe(SECRET, PAYLOAD, 1)), PAYLOAD), 'HY_ERR_SIGNATURE_EXPIRED');
  });

  it('uses the configured tolerance', () => {
    const strict = compileVerifier({ scheme: 'stripe', secret: SECRET, toleranceSeconds: 10 });
    expectPass(run(strict, headers(signStripe(SECRET, PAYLOAD, NOW_S - 10)), PAYLOAD), EVENT_ID);
    expectFailure(run(strict, headers(signStripe(SECRET, PAYLOAD, NOW_S - 11)), PAYLOAD), 'HY_ERR_SIGNATURE_EXPIRED');
    expectFailure(run(strict, headers(signStripe(SECRET, PAYLOAD, NOW_S)), PAYLOAD, Number.NaN), 'HY_ERR_SIGNATURE_EXPIRED');
  });

  it('checks the signature before the time: a forged old hook is INVALID, not EXPIRED', () => {
    expectFailure(run(verifier, headers(signStripe(OTHER, PAYLOAD, NOW_S - 3600)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('accepts either configured secret while rotating', () => {
    const rotating = compileVerifier({ scheme: 'stripe', secret: [SECRET, OTHER] });
    expectPass(run(rotating, headers(signStripe(SECRET, PAYLOAD, NOW_S)), PAYLOAD), EVENT_ID);
    expectPass(run(rotating, headers(signStripe(OTHER, PAYLOAD, NOW_S)), PAYLOAD), EVENT_ID);
    expectFailure(run(rotating, headers(signStripe('whsec_third', PAYLOAD, NOW_S)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('passes a header with several v1 (and v0) signatures when any one of them is valid', () => {
    const good = stripeV1(signStripe(SECRET, PAYLOAD, NOW_S));
    const stale = stripeV1(signStripe(OTHER, PAYLOAD, NOW_S));
    for (const value of [
      `t=${NOW_S},v1=${stale},v1=${good}`,
      `t=${NOW_S},v1=${good},v1=${stale}`,
      `v1=${stale},t=${NOW_S},v0=${stale},v1=${good}`,
      `t=${NOW_S},v1=abc,v1=,v1=${good}`,
      `t=${NOW_S},,,,,,v1=${good},,,,`,
      `t=${NOW_S}, v1=${good}`,
      `t=${NOW_S},v1=${good},v2=future,foo`,
    ]) {
      expectPass(run(verifier, headers(value), PAYLOAD), EVENT_ID);
    }
    expectFailure(run(verifier, headers(`t=${NOW_S},v1=${stale},v0=${good}`), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('answers MISSING without the header or with it empty', () => {
    expectFailure(run(verifier, {}, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
    expectFailure(run(verifier, headers(''), PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
  });

  it('answers MALFORMED for a header without a usable t= or any v1=', () => {
    const good = stripeV1(signStripe(SECRET, PAYLOAD, NOW_S));
    for (const value of [
      'garbage',
      `v1=${good}`, // no t
      `t=${NOW_S}`, // no v1
      `t=${NOW_S},v0=${good}`, // v0 only
      `t=abc,v1=${good}`,
      `t=${NOW_S}abc,v1=${good}`, // parseInt would read it; we do not
      `t=-${NOW_S},v1=${good}`,
      `t=1e9,v1=${good}`,
      `t=,v1=${good}`,
      `t=${'9'.repeat(40)},v1=${good}`,
      `t=${NOW_S},t=${NOW_S + 1},v1=${good}`, // which one was signed?
      ',,,,,,,,,,,,',
      '=',
      `t${NOW_S},v1${good}`,
    ]) {
      expectFailure(run(verifier, headers(value), PAYLOAD), 'HY_ERR_SIGNATURE_MALFORMED', [SECRET]);
    }
  });

  it('answers INVALID when no v1= decodes to 32 bytes of hex', () => {
    const good = stripeV1(signStripe(SECRET, PAYLOAD, NOW_S));
    for (const v1 of ['', 'abc', good.slice(0, 62), `${good}00`, Buffer.from(good, 'hex').toString('base64'), `${good.slice(0, 63)}x`, 'a'.repeat(5000)]) {
      expectFailure(run(verifier, headers(`t=${NOW_S},v1=${v1}`), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', [SECRET, good]);
    }
  });
});
