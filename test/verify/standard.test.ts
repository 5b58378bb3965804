import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, flipOneByte, newStandardSecret, NOW_S, run, signStandard } from './sign.js';

const OLD_KEY = newStandardSecret();
const NEW_KEY = newStandardSecret();
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const PAYLOAD = JSON.stringify({ type: 'invoice.paid', data: { amount: 1200, note: 'naïve café' } });
const verifier = compileVerifier({ scheme: 'standard', secret: NEW_KEY });

function headers(signature: string, timestamp: number | string = NOW_S, id = MSG_ID): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

/** The base64 of a "v1,<base64>" entry. */
function b64(entry: string): string {
  return entry.slice(3);
}

describe('Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature)', () => {
  it('accepts what the standardwebhooks library signs, with webhook-id as the delivery id', () => {
    expectPass(run(verifier, headers(signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD)), PAYLOAD), MSG_ID);
  });

  it('keys the HMAC with the base64-decoded part after whsec_, and accepts a secret without the prefix', () => {
    const key = Buffer.from(NEW_KEY.slice('whsec_'.length), 'base64');
    const manual = createHmac('sha256', key).update(`${MSG_ID}.${NOW_S}.${PAYLOAD}`).digest('base64');
    expect(b64(signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD))).toBe(manual);
    const bare = compileVerifier({ scheme: 'standard', secret: NEW_KEY.slice('whsec_'.length) });
    expectPass(run(bare, headers(`v1,${manual}`), PAYLOAD), MSG_ID);
  });

  it('verifies a body that is not UTF-8, on its raw bytes', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d]);
    const key = Buffer.from(NEW_KEY.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${MSG_ID}.${NOW_S}.`).update(body).digest('base64');
    expectPass(run(verifier, headers(`v1,${signature}`), body), MSG_ID);
  });

  it('refuses a body with one byte changed, another key, and a changed id or timestamp', () => {
    const signature = signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD);
    const secrets = [NEW_KEY, NEW_KEY.slice(6), b64(signature)];
    expectFailure(run(verifier, headers(signature), flipOneByte(Buffer.from(PAYLOAD))), 'HY_ERR_SIGNATURE_INVALID', secrets);
    expectFailure(run(verifier, headers(signStandard(OLD_KEY, MSG_ID, NOW_S, PAYLOAD)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', secrets);
    expectFailure(run(verifier, headers(signature, NOW_S, 'msg_other'), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', secrets);
    expectFailure(run(verifier, headers(signature, NOW_S + 1), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', secrets);
  });

  it('answers EXPIRED beyond the tolerance, in the past and in the future', () => {
    for (const offset of [-300, 300]) {
      expectPass(run(verifier, headers(signStandard(NEW_KEY, MSG_ID, NOW_S + offset, PAYLOAD), NOW_S + offset), PAYLOAD), MSG_ID);
    }
    for (const offset of [-301, 301, -86_400, 86_400]) {
      const signature = signStandard(NEW_KEY, MSG_ID, NOW_S + offset, PAYLOAD);
      expectFailure(run(verifier, headers(signature, NOW_S + offset), PAYLOAD), 'HY_ERR_SIGNATURE_EXPIRED', [NEW_KEY, b64(signature)]);
    }
    const lenient = compileVerifier({ scheme: 'standard', secret: NEW_KEY, toleranceSeconds: 3600 });
    expectPass(run(lenient, headers(signStandard(NEW_KEY, MSG_ID, NOW_S - 3600, PAYLOAD), NOW_S - 3600), PAYLOAD), MSG_ID);
  });

  it('with the old and the new key configured, accepts signatures made with either', () => {
    const rotating = compileVerifier({ scheme: 'standard', secret: [OLD_KEY, NEW_KEY] });
    expectPass(run(rotating, headers(signStandard(OLD_KEY, MSG_ID, NOW_S, PAYLOAD)), PAYLOAD), MSG_ID);
    expectPass(run(rotating, headers(signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD)), PAYLOAD), MSG_ID);
    expectFailure(run(rotating, headers(signStandard(newStandardSecret(), MSG_ID, NOW_S, PAYLOAD)), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('passes a header listing several signatures when any one v1 is valid; other versions are skipped', () => {
    const good = signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD);
    const stale = signStandard(OLD_KEY, MSG_ID, NOW_S, PAYLOAD);
    for (const value of [
      `${stale} ${good}`,
      `${good} ${stale}`,
      `v1a,${b64(stale)} ${good}`,
      `v2,abc   ${stale} v1,not-base64 ${good}`,
      `${stale} v1,${b64(good).slice(0, 10)} ${good} v1,`,
    ]) {
      expectPass(run(verifier, headers(value), PAYLOAD), MSG_ID);
    }
    // The right bytes under another version label do not count.
    expectFailure(run(verifier, headers(`${stale} v1a,${b64(good)}`), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID');
  });

  it('answers MISSING when any of the three headers is absent or empty', () => {
    const signature = signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = headers(signature);
      delete without[name];
      expectFailure(run(verifier, without, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
      expectFailure(run(verifier, { ...headers(signature), [name]: '' }, PAYLOAD), 'HY_ERR_SIGNATURE_MISSING');
    }
  });

  it('answers MALFORMED for a timestamp that is not whole seconds, or no v1 entry', () => {
    const signature = signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD);
    for (const timestamp of ['soon', `${NOW_S}.5`, `-${NOW_S}`, '1e9', `${NOW_S}s`, '9'.repeat(30)]) {
      expectFailure(run(verifier, headers(signature, timestamp), PAYLOAD), 'HY_ERR_SIGNATURE_MALFORMED', [NEW_KEY]);
    }
    for (const value of ['garbage', b64(signature), `v1a,${b64(signature)}`, `V1,${b64(signature)}`, ',,,,,', 'v1', `v1;${b64(signature)}`, `,v1,${b64(signature)}`]) {
      expectFailure(run(verifier, headers(value), PAYLOAD), 'HY_ERR_SIGNATURE_MALFORMED', [NEW_KEY, b64(signature)]);
    }
  });

  it('answers INVALID when no v1 is base64 of 32 bytes', () => {
    const signature = signStandard(NEW_KEY, MSG_ID, NOW_S, PAYLOAD);
    const hex = Buffer.from(b64(signature), 'base64').toString('hex');
    for (const entry of ['v1,', 'v1,abc', `v1,${hex}`, `v1,${b64(signature).slice(0, -4)}`, `v1,${b64(signature)}AAAA`, `v1,${b64(signature)},extra`, `v1,${'A'.repeat(4000)}`]) {
      expectFailure(run(verifier, headers(entry), PAYLOAD), 'HY_ERR_SIGNATURE_INVALID', [NEW_KEY, b64(signature)]);
    }
  });
});
