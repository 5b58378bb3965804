import { describe, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, run } from './sign.js';

const USER = 'hooks';
const PASSWORD = 'pässwörd:with:colons';
const verifier = compileVerifier({ scheme: 'basic', username: USER, password: PASSWORD, deliveryIdHeader: 'x-delivery' });

function basic(credentials: string | Buffer): string {
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

describe('HTTP Basic credentials', () => {
  it('accepts the configured username and password (UTF-8, colons in the password)', () => {
    expectPass(run(verifier, { authorization: basic(`${USER}:${PASSWORD}`), 'x-delivery': 'd-9' }, ''), 'd-9');
    expectPass(run(verifier, { authorization: basic(`${USER}:${PASSWORD}`).replace('Basic', 'basic') }, ''), null);
  });

  it('answers AUTH_MISSING without credentials', () => {
    const shapes: Array<Record<string, string>> = [{}, { authorization: '' }, { authorization: 'Basic' }, { authorization: 'Basic   ' }, { authorization: `Bearer ${PASSWORD}` }];
    for (const headers of shapes) {
      expectFailure(run(verifier, headers, ''), 'HY_ERR_AUTH_MISSING', [PASSWORD]);
    }
  });

  it('answers AUTH_INVALID for wrong or undecodable credentials, naming neither part', () => {
    const wrong = [
      basic(`${USER}:wrong`),
      basic(`other:${PASSWORD}`),
      basic(`${USER}${PASSWORD}`),
      basic(`${USER}:${PASSWORD} `),
      'Basic not*base64!',
      'Basic A',
      // The password's bytes with invalid UTF-8 in place of "ä" must not match through U+FFFD.
      basic(Buffer.concat([Buffer.from(`${USER}:p`), Buffer.from([0xff]), Buffer.from('sswörd:with:colons')])),
    ];
    for (const value of wrong) expectFailure(run(verifier, { authorization: value }, ''), 'HY_ERR_AUTH_INVALID', [PASSWORD]);
  });
});
