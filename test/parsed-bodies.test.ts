import { describe, expect, it } from 'vitest';
import { ParsedBodies } from '../src/resolve/parsed-bodies.js';
import { checkBody } from '../src/ingest/body.js';

describe('bodies parsed at ingest, kept for the resolver', () => {
  it('gives a kept body once, and none it never kept', () => {
    const kept = new ParsedBodies();
    kept.put(7, { id: 1 }, 8);
    expect(kept.take(7)).toEqual({ value: { id: 1 } });
    expect(kept.take(7)).toBeUndefined();
    expect(kept.take(8)).toBeUndefined();
  });

  it('keeps a body that parsed to null or false apart from one not kept', () => {
    const kept = new ParsedBodies();
    kept.put(1, null, 4);
    kept.put(2, false, 5);
    expect([kept.take(1), kept.take(2)]).toEqual([{ value: null }, { value: false }]);
  });

  it('keeps no more bytes than its bound: the oldest go first, a body over the bound is not kept', () => {
    const kept = new ParsedBodies(100);
    kept.put(1, 'a', 40);
    kept.put(2, 'b', 40);
    kept.put(3, 'c', 40);
    expect(kept.size).toBe(2);
    expect(kept.take(1)).toBeUndefined();
    expect(kept.take(3)).toEqual({ value: 'c' });
    kept.put(4, 'd', 101);
    expect(kept.take(4)).toBeUndefined();
  });

  it('checkBody hands back the JSON it parsed, and leaves a form to the resolver', () => {
    expect(checkBody(Buffer.from('{"id":7}'), 'json')).toEqual({ parsed: true, value: { id: 7 } });
    expect(checkBody(Buffer.from('webhook_id=1'), 'form')).toEqual({ parsed: false });
  });
});
