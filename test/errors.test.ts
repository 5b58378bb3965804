import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, HyError, RETIRED_CODES } from '../src/errors.js';

const doc = readFileSync(resolve(import.meta.dirname, '../docs/errors.md'), 'utf8');
/** Codes documented in a table row: | `HY_ERR_…` | status | … */
const documented = new Map(
  [...doc.matchAll(/^\| `(HY_ERR_[A-Z0-9_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]),
);

describe('the error table', () => {
  it('documents every code in docs/errors.md, with its status', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(documented.get(code), `${code} is missing from docs/errors.md`).toBe(entry.status);
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of documented.keys()) expect(Object.keys(ERRORS), `docs/errors.md lists ${code}`).toContain(code);
  });

  it('never reuses a retired code', () => {
    for (const code of RETIRED_CODES) expect(Object.keys(ERRORS)).not.toContain(code);
  });

  it('answers 4xx for every code but the last resort, start-up failures and a store that does not answer', () => {
    const fiveHundreds = Object.entries(ERRORS).filter(([, e]) => e.status >= 500).map(([code]) => code);
    expect(fiveHundreds.sort()).toEqual(['HY_ERR_INTERNAL', 'HY_ERR_STORE_MIGRATION', 'HY_ERR_STORE_UNAVAILABLE']);
  });

  it('renders a coded JSON body', () => {
    expect(new HyError('HY_ERR_HOOK_NOT_FOUND', '12').toJSON()).toEqual({ error: 'HY_ERR_HOOK_NOT_FOUND', message: 'no hook with this id: 12' });
  });
});
