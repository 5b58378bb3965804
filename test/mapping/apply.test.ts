import { describe, expect, it } from 'vitest';
import { applyMapping } from '../../src/mapping/index.js';
import { collectionOf, VARS } from './helpers.js';

const PRODUCT = {
  title: 'Mug',
  status: 'active',
  city: 'Ghent',
  zip: null,
  variants: [
    { sku: 'M-1', price: '9.50' },
    { sku: 'M-2', price: '11' },
  ],
};

describe('applyMapping: field kinds', () => {
  const collection = collectionOf(`
product:
  to_hub:
    fields:
      sku: "variants[0].sku"
      name: title
      price: { formula: "$number(variants[0].price)" }
      active: { static: true }
      tags: { static: [a, { b: 1 }] }
      status: { lookup: status, table: { active: ACTIVE, draft: INACTIVE }, default: INACTIVE }
`);

  it('maps paths, formulas, static values and lookups', async () => {
    expect(await applyMapping(collection, PRODUCT, VARS)).toEqual({
      kind: 'mapped',
      record: { sku: 'M-1', name: 'Mug', price: 9.5, active: true, tags: ['a', { b: 1 }], status: 'ACTIVE' },
    });
  });

  it('gives a copy of a static value each time, never the configured one', async () => {
    const first = await applyMapping(collection, PRODUCT, VARS);
    if (first.kind !== 'mapped') throw new Error(first.kind);
    (first.record.tags as unknown[]).push('changed');
    const second = await applyMapping(collection, PRODUCT, VARS);
    expect(second.kind === 'mapped' && second.record.tags).toEqual(['a', { b: 1 }]);
  });

  it('omits a field whose value is undefined and keeps one that is null', async () => {
    const c = collectionOf('product: { to_hub: { fields: { zip: zip, missing: nope, nothing: { formula: "null" } } } }');
    const result = await applyMapping(c, PRODUCT, VARS);
    expect(result).toEqual({ kind: 'mapped', record: { zip: null, nothing: null } });
    expect(result.kind === 'mapped' && Object.keys(result.record)).toEqual(['zip', 'nothing']);
  });

  it('returns plain JSON: a JSONata sequence loses its marker, objects are copies of the source', async () => {
    const c = collectionOf('product: { to_hub: { fields: { skus: "variants.sku", first: "variants[0]" } } }');
    const source = structuredClone(PRODUCT);
    const result = await applyMapping(c, source, VARS);
    if (result.kind !== 'mapped') throw new Error(result.kind);
    expect(Object.keys(result.record.skus as object)).toEqual(['0', '1']);
    expect(result.record).toEqual({ skus: ['M-1', 'M-2'], first: { sku: 'M-1', price: '9.50' } });
    expect(result.record.first).not.toBe(source.variants[0]);
    expect(source).toEqual(PRODUCT);
  });

  it('builds nested objects from dotted targets', async () => {
    const c = collectionOf(`
product:
  to_hub:
    fields:
      "address.city": city
      "address.zip": zip
      "address.geo.country": { static: BE }
      name: title
`);
    expect(await applyMapping(c, PRODUCT, VARS)).toEqual({
      kind: 'mapped',
      record: { address: { city: 'Ghent', zip: null, geo: { country: 'BE' } }, name: 'Mug' },
    });
  });

  it('maps from_hub the same way: the source is then the hub record', async () => {
    const c = collectionOf('product: { from_hub: { fields: { title: name, "body.price": { formula: "$string(price)" } } } }', 'product', 'from_hub');
    expect(await applyMapping(c, { name: 'Mug', price: 9.5 }, VARS)).toEqual({
      kind: 'mapped',
      record: { title: 'Mug', body: { price: '9.5' } },
    });
  });
});

describe('applyMapping: lookups', () => {
  const withDefault = collectionOf(`
product:
  to_hub:
    fields:
      status: { lookup: status, table: { active: ACTIVE, "true": YES, "12": TWELVE, "null": NONE }, default: INACTIVE }
`);
  const strict = collectionOf(`
product:
  to_hub:
    fields:
      status: { lookup: status, table: { active: ACTIVE, draft: INACTIVE } }
`);

  it('stringifies the value before looking it up', async () => {
    const status = async (value: unknown) => {
      const result = await applyMapping(withDefault, { status: value }, VARS);
      return result.kind === 'mapped' ? result.record.status : result;
    };
    expect(await status(true)).toBe('YES');
    expect(await status(12)).toBe('TWELVE');
    expect(await status(null)).toBe('NONE');
    expect(await status('archived')).toBe('INACTIVE');
    expect(await status(undefined)).toBe('INACTIVE');
    // A key of Object.prototype is no table entry.
    expect(await status('constructor')).toBe('INACTIVE');
  });

  it('is an error when nothing matches and there is no default, naming field, value and keys', async () => {
    expect(await applyMapping(strict, { status: 'archived' }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_LOOKUP',
      message: 'field "status": lookup "status" found "archived", which is not in the table (active, draft) and there is no default',
    });
    expect(await applyMapping(strict, {}, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_LOOKUP',
      message: 'field "status": lookup "status" found no value, which is not in the table (active, draft) and there is no default',
    });
  });

  it('refuses a list or an object, even with a default', async () => {
    expect(await applyMapping(withDefault, { status: ['a', 'b'] }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_LOOKUP',
      message: 'field "status": lookup "status" found a list (["a","b"]); a lookup needs one string, number or boolean',
    });
    expect(await applyMapping(withDefault, { status: { a: 1 } }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_LOOKUP',
      message: 'field "status": lookup "status" found an object ({"a":1}); a lookup needs one string, number or boolean',
    });
  });
});

describe('applyMapping: filter', () => {
  const collection = collectionOf(`
product:
  to_hub:
    filter: "status != 'draft'"
    fields: { name: title }
`);

  it('maps the record when the filter is true', async () => {
    expect(await applyMapping(collection, { status: 'active', title: 'Mug' }, VARS)).toEqual({
      kind: 'mapped',
      record: { name: 'Mug' },
    });
  });

  it('skips the record when the filter is false', async () => {
    expect(await applyMapping(collection, { status: 'draft', title: 'Mug' }, VARS)).toEqual({
      kind: 'filtered',
      reason: 'filter "status != \'draft\'" gave false',
    });
  });

  it('skips the record when the filter gives no value', async () => {
    const c = collectionOf('product: { to_hub: { filter: "published", fields: { name: title } } }');
    expect(await applyMapping(c, { title: 'Mug' }, VARS)).toEqual({ kind: 'filtered', reason: 'filter "published" gave no value' });
  });

  it('casts the result as JSONata does: a non-empty string or list passes, an empty one does not', async () => {
    const c = collectionOf('product: { to_hub: { filter: "tags", fields: { name: title } } }');
    expect((await applyMapping(c, { tags: ['x'], title: 'Mug' }, VARS)).kind).toBe('mapped');
    expect((await applyMapping(c, { tags: 'x', title: 'Mug' }, VARS)).kind).toBe('mapped');
    expect(await applyMapping(c, { tags: [], title: 'Mug' }, VARS)).toEqual({ kind: 'filtered', reason: 'filter "tags" gave []' });
    expect(await applyMapping(c, { tags: '', title: 'Mug' }, VARS)).toEqual({ kind: 'filtered', reason: 'filter "tags" gave ""' });
  });

  it('is an expression error when the filter fails', async () => {
    const c = collectionOf('product: { to_hub: { filter: "$number(status)", fields: { name: title } } }');
    expect(await applyMapping(c, { status: 'x' }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_EXPRESSION',
      message: 'filter "$number(status)" failed: Unable to cast value to a number: "x"',
    });
  });
});

describe('applyMapping: variables', () => {
  const collection = collectionOf(`
product:
  to_hub:
    fields:
      id: { formula: "$presets.prefix & sku" }
      origin: { formula: "$connection" }
      previous: { formula: "$hub.price" }
      changed: { formula: "$hub = null ? true : $hub.price != $record.price" }
      same: { formula: "$record = $" }
`);

  it('binds $presets, $connection, $record and $hub', async () => {
    const vars = { ...VARS, hub: { price: 7 } };
    expect(await applyMapping(collection, { sku: 'M-1', price: 9 }, vars)).toEqual({
      kind: 'mapped',
      record: { id: 'SH-M-1', origin: 'shop', previous: 7, changed: true, same: true },
    });
    expect(await applyMapping(collection, { sku: 'M-1', price: 7 }, vars)).toEqual({
      kind: 'mapped',
      record: { id: 'SH-M-1', origin: 'shop', previous: 7, changed: false, same: true },
    });
  });

  it('binds $hub to null when there is no hub record yet', async () => {
    expect(await applyMapping(collection, { sku: 'M-1', price: 9 }, VARS)).toEqual({
      kind: 'mapped',
      record: { id: 'SH-M-1', origin: 'shop', changed: true, same: true },
    });
  });
});

describe('applyMapping: expression errors', () => {
  it('names the field and the expression of a failing formula', async () => {
    const c = collectionOf('product: { to_hub: { fields: { name: title, price: { formula: "$number(price)" } } } }');
    expect(await applyMapping(c, { title: 'Mug', price: 'abc' }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_EXPRESSION',
      message: 'field "price": formula "$number(price)" failed: Unable to cast value to a number: "abc"',
    });
  });

  it('names the field and the path of a failing path', async () => {
    const c = collectionOf('product: { to_hub: { fields: { name: "$undefinedFn(title)" } } }');
    expect(await applyMapping(c, { title: 'Mug' }, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_EXPRESSION',
      message: 'field "name": path "$undefinedFn(title)" failed: Attempted to invoke a non-function',
    });
  });

  it('refuses a result that is not JSON, such as a function', async () => {
    const c = collectionOf('product: { to_hub: { fields: { name: { formula: "$uppercase" } } } }');
    expect(await applyMapping(c, {}, VARS)).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_EXPRESSION',
      message: 'field "name": formula "$uppercase" gave a function, which is not a JSON value',
    });
  });
});
