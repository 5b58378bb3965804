/**
 * Plain paths (`updated_at`, `order.id`) are looked up without JSONata's evaluator, for speed: the
 * answer must be JSONata's own, whatever the input — checked against JSONata on random JSON.
 */
import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression } from '../src/expressions/jsonata.js';

const KEYS = ['a', 'b', 'id', 'updated_at', 'true', 'null'];
const key = fc.constantFrom(...KEYS);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('plain paths', () => {
  it('answer as JSONata does, on any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 3 }), json, async (steps, input) => {
        const source = steps.join('.');
        let expected: { value: unknown } | { error: true };
        try {
          expected = { value: await jsonata(source).evaluate(input, {}) };
        } catch {
          expected = { error: true };
        }
        if ('error' in expected) {
          await expect((async () => evaluateExpression(compileExpression(source), input, {}, source))()).rejects.toThrow();
          return;
        }
        const got = await evaluateExpression(compileExpression(source), input, {}, source);
        // JSONata marks the arrays it builds (`sequence`); JSON text compares what the values are.
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected.value));
        expect(got === undefined).toBe(expected.value === undefined);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leave everything else to JSONata: literals, functions, conditions', async () => {
    const input = { a: { b: 2 }, list: [{ id: 1 }, { id: 2 }], true: 'field' };
    for (const [source, expected] of [
      ['true', true],
      ['a.b + 1', 3],
      ['list.id', [1, 2]],
      ['$count(list)', 2],
      ['a.b = 2 ? "two" : "other"', 'two'],
    ] as const) {
      expect(JSON.stringify(await evaluateExpression(compileExpression(source), input, {}, source)), source).toBe(JSON.stringify(expected));
    }
  });
});
