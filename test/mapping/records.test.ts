import { describe, expect, it } from 'vitest';
import { applyMapping, diffFields, mergeRecord } from '../../src/mapping/index.js';
import { collectionOf, VARS } from './helpers.js';

describe('mergeRecord', () => {
  it('writes the mapped fields over the current record', () => {
    expect(mergeRecord({ a: 1, b: 2 }, { b: 3, c: null })).toEqual({ a: 1, b: 3, c: null });
  });

  it('starts from nothing when there is no current record', () => {
    expect(mergeRecord(null, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('merges nested objects at every depth, so a dotted target keeps its siblings', () => {
    const current = { address: { city: 'Ghent', zip: '9000', geo: { lat: 1, lng: 2 } } };
    expect(mergeRecord(current, { address: { city: 'Bruges', geo: { lat: 3 } } })).toEqual({
      address: { city: 'Bruges', zip: '9000', geo: { lat: 3, lng: 2 } },
    });
  });

  it('replaces arrays and replaces an object with a scalar (and the other way round)', () => {
    expect(mergeRecord({ tags: ['a', 'b'], x: { y: 1 }, z: 1 }, { tags: ['c'], x: null, z: { w: 2 } })).toEqual({
      tags: ['c'],
      x: null,
      z: { w: 2 },
    });
  });

  it('modifies neither input', () => {
    const current = { a: { b: 1 }, c: 1 };
    const mapped = { a: { d: 2 } };
    mergeRecord(current, mapped);
    expect(current).toEqual({ a: { b: 1 }, c: 1 });
    expect(mapped).toEqual({ a: { d: 2 } });
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const mapped = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}') as Record<string, unknown>;
    const merged = mergeRecord({}, mapped);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"polluted":true},"constructor":1}');
  });
});

describe('diffFields', () => {
  it('lists every mapped key when there is no current record', () => {
    expect(diffFields(null, { a: 1, b: null })).toEqual(['a', 'b']);
  });

  it('lists only the keys whose value differs', () => {
    expect(diffFields({ a: 1, b: 'x', c: [1, 2] }, { a: 1, b: 'y', c: [1, 2] })).toEqual(['b']);
    expect(diffFields({ c: [1, 2] }, { c: [2, 1] })).toEqual(['c']);
  });

  it('compares deeply and ignores key order', () => {
    expect(diffFields({ a: { x: 1, y: [{ z: true }] } }, { a: { y: [{ z: true }], x: 1 } })).toEqual([]);
    expect(diffFields({ a: { x: 1, y: [{ z: true }] } }, { a: { y: [{ z: false }], x: 1 } })).toEqual(['a']);
  });

  it('counts null against an absent key as a change, and 1 against "1"', () => {
    expect(diffFields({ a: 1 }, { b: null })).toEqual(['b']);
    expect(diffFields({ a: 1 }, { a: '1' })).toEqual(['a']);
  });

  it('does not find a key of Object.prototype in the current record', () => {
    expect(diffFields({}, { constructor: 'x', toString: null })).toEqual(['constructor', 'toString']);
  });

  it('agrees with mergeRecord: a partial nested object that changes nothing is no change', () => {
    const current = { address: { city: 'Ghent', zip: '9000' } };
    expect(diffFields(current, { address: { city: 'Ghent' } })).toEqual([]);
    expect(diffFields(current, { address: { city: 'Bruges' } })).toEqual(['address']);
  });

  it('finds nothing to do when a record comes back as it was sent (an echo)', async () => {
    const c = collectionOf(`
product:
  to_hub:
    fields:
      sku: sku
      price: { formula: "$number(price)" }
      "address.city": city
`);
    const hub = { sku: 'M-1', price: 9.5, address: { city: 'Ghent', zip: '9000' }, extra: true };
    const result = await applyMapping(c, { sku: 'M-1', price: '9.50', city: 'Ghent' }, { ...VARS, hub });
    if (result.kind !== 'mapped') throw new Error(result.kind);
    expect(diffFields(hub, result.record)).toEqual([]);
    expect(mergeRecord(hub, result.record)).toEqual(hub);

    const changed = await applyMapping(c, { sku: 'M-1', price: '10', city: 'Ghent' }, { ...VARS, hub });
    if (changed.kind !== 'mapped') throw new Error(changed.kind);
    expect(diffFields(hub, changed.record)).toEqual(['price']);
    expect(mergeRecord(hub, changed.record)).toEqual({ ...hub, price: 10 });
  });
});
