import { describe, expect, it } from 'vitest';
import { compileReceiver, readField, type FieldContext } from '../src/resolve/receiver.js';
import type { FieldSource } from '../src/integrations/types.js';

async function read(source: FieldSource, element: unknown): Promise<string | null> {
  const compiled = compileReceiver({ hook: source, externalId: source, auth: { from: 'header', name: 'x' } });
  if (!compiled.receiver) throw new Error(JSON.stringify(compiled.problems));
  const ctx: FieldContext = { body: element, element, headers: {}, segments: [] };
  return readField(compiled.receiver.hook, ctx);
}

describe('reading a body path', () => {
  it('reads simple paths the way JSONata does', async () => {
    const element = { id: 12, data: { id: 'x', n: null }, list: [{ id: 1 }], only: [7], empty: '', t: true };
    const cases: Array<[string, string | null]> = [
      ['id', '12'],
      ['data.id', 'x'],
      ['data.n', null],
      ['data.missing', null],
      ['missing.deeper', null],
      ['list.id', '1'], // JSONata maps over the array: falls back to JSONata
      ['only', null], // a list is not one value, with or without the fast path
      ['empty', null],
      ['t', 'true'],
      ['id.more', null],
    ];
    for (const [path, expected] of cases) {
      expect(await read({ from: 'body', path }, element), path).toBe(expected);
    }
  });

  it('does not read inherited properties', async () => {
    expect(await read({ from: 'body', path: 'constructor' }, {})).toBeNull();
    expect(await read({ from: 'body', path: 'toString' }, { a: 1 })).toBeNull();
  });

  it('treats JSONata words as JSONata', async () => {
    expect(await read({ from: 'body', path: 'true' }, { true: 'field' })).toBe('true');
  });

  it('applies prefix and expression after reading', async () => {
    expect(await read({ from: 'body', path: 'ref', prefix: 'gid://shop/Product/' }, { ref: 'gid://shop/Product/99' })).toBe('99');
    expect(await read({ from: 'body', path: 'ref', expression: "$uppercase($)" }, { ref: 'ab' })).toBe('AB');
  });
});
