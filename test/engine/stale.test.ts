/** The stale guard of payload records as a table: which version pairs make a payload stale. */
import { describe, expect, it } from 'vitest';
import { isStalePayload } from '../../src/engine/decide/index.js';

describe('isStalePayload', () => {
  it.each([
    ['older ISO time', '2026-03-05T09:00:00Z', '2026-03-05T10:00:00Z', true],
    ['newer ISO time', '2026-03-05T11:00:00Z', '2026-03-05T10:00:00Z', false],
    ['same instant, other offset', '2026-03-05T11:00:00+01:00', '2026-03-05T10:00:00Z', false],
    ['older instant written with an offset', '2026-03-05T10:30:00+01:00', '2026-03-05T10:00:00Z', true],
    ['equal versions (a re-delivery)', '2026-03-05T10:00:00Z', '2026-03-05T10:00:00Z', false],
    ['smaller number', '9', '10', true],
    ['larger number (not compared as text: "10" < "9")', '10', '9', false],
    ['no stored version yet', '1', null, false],
    ['no version in the payload', null, '1', false],
    ['a number against a time cannot be ordered', '5', '2026-03-05T10:00:00Z', false],
    ['unparseable version', 'yesterday', '2026-03-05T10:00:00Z', false],
  ])('%s', (_name, incoming, stored, stale) => {
    expect(isStalePayload(incoming, stored)).toBe(stale);
  });
});
