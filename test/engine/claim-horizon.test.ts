/** Resolution first, the decision alone: how far a claim reaches while hooks wait to be resolved. */
import { describe, expect, it } from 'vitest';
import { claimHorizon } from '../../src/engine/claim-horizon.js';

const NOW = Date.UTC(2026, 0, 1);

describe('claimHorizon', () => {
  it.each([
    { hooksWaiting: 0, resolveFirstMs: 5_000, dueBy: NOW, what: 'no hook waits: every due request' },
    { hooksWaiting: 1, resolveFirstMs: 5_000, dueBy: NOW - 5_000, what: 'hooks wait: only requests due for resolveFirst' },
    { hooksWaiting: 90_000, resolveFirstMs: 5_000, dueBy: NOW - 5_000, what: 'a long backlog holds no longer than a short one' },
    { hooksWaiting: 1, resolveFirstMs: 0, dueBy: NOW, what: 'resolveFirst 0: the hold is off' },
  ])('$what', ({ hooksWaiting, resolveFirstMs, dueBy }) => {
    expect(claimHorizon(NOW, hooksWaiting, resolveFirstMs)).toBe(dueBy);
  });
});
