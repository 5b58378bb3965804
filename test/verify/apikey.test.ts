import { describe, it } from 'vitest';
import { compileVerifier } from '../../src/verify/index.js';
import { expectFailure, expectPass, run } from './sign.js';

const KEY = 'hy_live_5bQ2xR7-key';
const NEXT = 'hy_live_9zT0next';

describe('API key in a header', () => {
  const bearer = compileVerifier({ scheme: 'apikey', key: KEY });

  it('reads "Authorization: Bearer <key>" by default, the scheme word in any case', () => {
    for (const value of [`Bearer ${KEY}`, `bearer ${KEY}`, `BEARER ${KEY}`]) expectPass(run(bearer, { authorization: value }, ''), null);
  });

  it('answers AUTH_MISSING without the header, with it empty, or without the prefix', () => {
    const shapes: Array<Record<string, string>> = [{}, { authorization: '' }, { authorization: KEY }, { authorization: `Basic ${KEY}` }, { authorization: 'Bearer ' }, { 'x-api-key': KEY }];
    for (const headers of shapes) {
      expectFailure(run(bearer, headers, ''), 'HY_ERR_AUTH_MISSING', [KEY]);
    }
  });

  it('answers AUTH_INVALID for another key, naming neither', () => {
    for (const value of [`Bearer ${NEXT}`, `Bearer ${KEY}x`, `Bearer ${KEY.slice(1)}`, `Bearer  ${KEY}`, `Bearer ${'x'.repeat(10_000)}`]) {
      expectFailure(run(bearer, { authorization: value }, ''), 'HY_ERR_AUTH_INVALID', [KEY]);
    }
  });

  it('accepts any configured key while rotating', () => {
    const rotating = compileVerifier({ scheme: 'apikey', key: [KEY, NEXT] });
    expectPass(run(rotating, { authorization: `Bearer ${KEY}` }, ''), null);
    expectPass(run(rotating, { authorization: `Bearer ${NEXT}` }, ''), null);
  });

  it('reads another header without a prefix unless one is configured, and a delivery id header', () => {
    const plain = compileVerifier({ scheme: 'apikey', key: KEY, header: 'X-Api-Key', deliveryIdHeader: 'X-Delivery' });
    expectPass(run(plain, { 'x-api-key': KEY, 'x-delivery': 'd-1' }, ''), 'd-1');
    expectPass(run(plain, { 'x-api-key': KEY }, ''), null);
    expectFailure(run(plain, { 'x-api-key': `Bearer ${KEY}` }, ''), 'HY_ERR_AUTH_INVALID');
    const prefixed = compileVerifier({ scheme: 'apikey', key: KEY, header: 'x-api-key', prefix: 'Token ' });
    expectPass(run(prefixed, { 'x-api-key': `Token ${KEY}` }, ''), null);
    expectFailure(run(prefixed, { 'x-api-key': KEY }, ''), 'HY_ERR_AUTH_MISSING');
    const noPrefix = compileVerifier({ scheme: 'apikey', key: KEY, prefix: '' });
    expectPass(run(noPrefix, { authorization: KEY }, ''), null);
  });
});
