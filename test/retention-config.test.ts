/**
 * `retention:` in the configuration and the cutoffs a prune pass takes from it: defaults, days,
 * `false` for a class or for everything, and bad values refused with their path.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load.js';
import { prunePolicy, longestGuardWindow } from '../src/engine/pruner.js';
import { fixtureConfig } from './helpers/hub.js';

const DAY = 86_400_000;

const withRetention = (retention: string, webhook = '{ apiKey: k }') =>
  fixtureConfig(`
${retention}
connections:
  shop:
    integration: shopify
    webhook: ${webhook}
    settings: { baseUrl: "http://127.0.0.1:9", accessToken: t }
`);

function problemsOf(retention: string): string[] {
  try {
    withRetention(retention);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the config to be refused');
}

describe('retention in the configuration', () => {
  it.each([
    ['', { hooksMs: 30 * DAY, transfersMs: 30 * DAY, deadMs: 90 * DAY, batch: 500, everyMs: 60_000 }],
    ['retention: { hooks: 7d, transfers: 12h, dead: 60d, batch: 100, every: 30s }', { hooksMs: 7 * DAY, transfersMs: 12 * 3_600_000, deadMs: 60 * DAY, batch: 100, everyMs: 30_000 }],
    ['retention: { dead: false }', { hooksMs: 30 * DAY, transfersMs: 30 * DAY, deadMs: null, batch: 500, everyMs: 60_000 }],
    ['retention: false', { hooksMs: null, transfersMs: null, deadMs: null, batch: 500, everyMs: 60_000 }],
  ])('%s', (retention, expected) => {
    expect(withRetention(retention).retention).toEqual(expected);
  });

  it('refuses a zero retention, an unknown key, a batch out of range and a pass more often than each second', () => {
    expect(problemsOf('retention: { hooks: 0, keep: 3d, batch: 0, every: 10ms }')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^retention\.hooks: .*longer than 0/),
        expect.stringMatching(/^retention: .*keep/),
        expect.stringMatching(/^retention\.batch: /),
        expect.stringMatching(/^retention\.every: .*at least 1s/),
      ]),
    );
    expect(problemsOf('retention: { transfers: 30 days }')).toEqual([expect.stringMatching(/^retention\.transfers: .*30d/)]);
  });
});

describe('the cutoffs of a prune pass', () => {
  const now = Date.UTC(2026, 5, 1);
  it.each([
    [
      'each class its own retention; nothing guarded',
      { hooksMs: DAY, transfersMs: 2 * DAY, deadMs: 10 * DAY },
      0,
      { hooksBefore: now - DAY, finishedBefore: now - 2 * DAY, deadBefore: now - 10 * DAY, deadHooksBefore: now - 10 * DAY, guardSince: now },
    ],
    [
      'a class kept for ever has no cutoff',
      { hooksMs: null, transfersMs: DAY, deadMs: null },
      3_600_000,
      { hooksBefore: null, finishedBefore: now - DAY, deadBefore: null, deadHooksBefore: null, guardSince: now - 3_600_000 },
    ],
  ])('%s', (_, keep, guardMs, expected) => {
    expect(prunePolicy({ ...keep, batch: 500, everyMs: 60_000 }, guardMs, now)).toEqual(expected);
  });

  it('keeps hooks for the longest replay guard window of any connection', () => {
    expect(longestGuardWindow(withRetention(''))).toBe(0);
    expect(longestGuardWindow(withRetention('', '{ apiKey: k, dedupe: { by: body, window: 2h } }'))).toBe(2 * 3_600_000);
  });
});
