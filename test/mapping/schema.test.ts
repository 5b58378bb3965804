import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { mappingCollectionSchema, mappingsSchema, typeMappingsSchema } from '../../src/mapping/index.js';
import { issuesOf } from './helpers.js';

const FULL = `
product:
  to_hub:
    sync: add_and_update
    match: sku
    collision: update_and_link
    filter: "status != 'draft'"
    fields:
      sku: "variants[0].sku"
      name: title
      price: { formula: "$number(variants[0].price)" }
      active: { static: true }
      status: { lookup: status, table: { active: ACTIVE, draft: INACTIVE }, default: INACTIVE }
      "address.city": city
    delete:
      sync: delete_triggered_update
      fields: { active: { static: false } }
  from_hub:
    fields: { title: name }
message:
  to_hub: { sync: add_and_update }
`;

describe('mappingsSchema accepts', () => {
  it('the documented example, with defaults filled in', () => {
    const spec = mappingsSchema.parse(parseYaml(FULL));
    expect(spec.product?.to_hub?.fields?.status).toEqual({
      lookup: 'status',
      table: { active: 'ACTIVE', draft: 'INACTIVE' },
      default: 'INACTIVE',
    });
    expect(spec.product?.from_hub).toEqual({ sync: 'add_and_update', fields: { title: 'name' } });
    // collision stays absent in the spec (so a from_hub one can be refused); compile applies `error`.
    expect(spec.product?.from_hub?.collision).toBeUndefined();
    expect(spec.message).toEqual({ to_hub: { sync: 'add_and_update' } });
  });

  it('a control type collection without fields, and collision: error without match', () => {
    expect(issuesOf('message: { from_hub: { sync: update } }')).toEqual([]);
    expect(issuesOf('product: { to_hub: { collision: error, fields: { a: b } } }')).toEqual([]);
  });

  it('a lookup whose default is null, and static values of every JSON shape', () => {
    const spec = mappingsSchema.parse(
      parseYaml(`
product:
  to_hub:
    fields:
      a: { lookup: x, table: {}, default: null }
      b: { static: null }
      c: { static: [1, { d: "e" }] }
`),
    );
    expect(spec.product?.to_hub?.fields).toEqual({
      a: { lookup: 'x', table: {}, default: null },
      b: { static: null },
      c: { static: [1, { d: 'e' }] },
    });
  });
});

describe('mappingsSchema refuses', () => {
  it('on_deleted on to_hub, and an on_deleted that is not skip or recreate', () => {
    expect(issuesOf('product: { to_hub: { on_deleted: recreate, fields: { a: b } }, from_hub: { on_deleted: remove, fields: { a: b } } }')).toEqual([
      'product.from_hub.on_deleted: Invalid option: expected one of "skip"|"recreate"',
      'product.to_hub.on_deleted: on_deleted is only allowed on from_hub: it says what to do when the destination deleted its record',
    ]);
  });

  it('an unknown key in a collection', () => {
    expect(issuesOf('product: { to_hub: { feilds: { a: b }, fields: { a: b } } }')).toEqual([
      'product.to_hub: Unrecognized key: "feilds"',
    ]);
  });

  it('an unknown key in a type block and in a field mapping', () => {
    expect(issuesOf('product: { both: {}, to_hub: { fields: { a: { formula: x, table: {} } } } }')).toEqual([
      'product.to_hub.fields.a: Unrecognized key: "table"',
      'product: Unrecognized key: "both"',
    ]);
  });

  it('a sync mode that does not exist', () => {
    expect(issuesOf('product: { to_hub: { sync: sometimes, fields: { a: b } } }')).toEqual([
      'product.to_hub.sync: Invalid option: expected one of "add"|"update"|"add_and_update"',
    ]);
  });

  it('a collision mode other than error without match', () => {
    expect(issuesOf('product: { to_hub: { collision: update_and_link, fields: { a: b } } }')).toEqual([
      'product.to_hub.collision: collision update_and_link needs match: the hub field that finds the colliding record',
    ]);
  });

  it('collision on from_hub (match is allowed there)', () => {
    expect(issuesOf('product: { from_hub: { match: sku, collision: remap_and_link, fields: { sku: sku } } }')).toEqual([
      'product.from_hub.collision: collision is only allowed on to_hub: collisions are found among hub records',
    ]);
  });

  it('match on from_hub names a destination field: allowed when it is one of the fields', () => {
    expect(issuesOf('product: { from_hub: { match: sku, fields: { sku: sku, name: name } } }')).toEqual([]);
    expect(issuesOf('product: { from_hub: { match: code, fields: { sku: sku } } }')).toEqual([
      'product.from_hub.match: match "code" is not one of the collection\'s fields, so there is no value to match on',
    ]);
  });

  it('a match that is not one of the fields', () => {
    expect(issuesOf('product: { to_hub: { match: sku, fields: { name: title } } }')).toEqual([
      'product.to_hub.match: match "sku" is not one of the collection\'s fields, so there is no value to match on',
    ]);
  });

  it('a type not spelt like a data type (which types exist is the configuration loader\'s question)', () => {
    expect(issuesOf('Widget: { to_hub: { fields: { a: b } } }')).toEqual([
      'Widget: "Widget" is not a data type name: use lower snake case (e.g. product, issue_comment)',
    ]);
    expect(issuesOf('widget: { to_hub: { fields: { a: b } } }')).toEqual([]);
  });

  it('a record type collection without fields, and a type block with no direction', () => {
    expect(issuesOf('customer: {}\nproduct: { to_hub: { sync: add } }\ngift_card: { from_hub: { fields: {} } }')).toEqual([
      'customer: map to_hub, from_hub or both',
      'product.to_hub.fields: a product collection maps at least one field; only control types (message) may map none',
      'gift_card.from_hub.fields: a gift_card collection maps at least one field; only control types (message) may map none',
    ]);
  });

  it('field mappings of no kind, of two kinds, and empty expressions', () => {
    expect(
      issuesOf(`
product:
  to_hub:
    fields:
      a: 3
      b: { formula: x, static: 1 }
      c: ""
      d: { formula: "" }
      e: { lookup: x }
      f: { value: 1 }
`),
    ).toEqual([
      'product.to_hub.fields.a: a field mapping is a JSONata path (a string) or an object with one of formula, static or lookup',
      'product.to_hub.fields.b: use only one of formula, static, lookup (found formula, static)',
      'product.to_hub.fields.c: the path is empty; give a JSONata expression',
      'product.to_hub.fields.d.formula: the formula is empty; give a JSONata expression',
      'product.to_hub.fields.e.table: Invalid input: expected record, received undefined',
      'product.to_hub.fields.f: a field mapping is a JSONata path (a string) or an object with one of formula, static or lookup',
    ]);
  });

  it('dotted targets with an empty segment, or inside another mapped target', () => {
    expect(issuesOf('product: { to_hub: { fields: { "a..b": x, "address": y, "address.city": z, "c.": w } } }')).toEqual([
      'product.to_hub.fields.a..b: "a..b" has an empty segment; write a.b.c',
      'product.to_hub.fields.address.city: "address.city" lies inside "address", which is mapped itself; map one or the other',
      'product.to_hub.fields.c.: "c." has an empty segment; write a.b.c',
    ]);
  });

  it('__proto__ as a segment of a target', () => {
    const result = mappingCollectionSchema.safeParse({ fields: { 'a.__proto__.b': 'x' } });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'fields.a.__proto__.b: "a.__proto__.b": __proto__ cannot be a field name',
    ]);
  });

  it('delete blocks: update without fields, delete with fields, fields that need a source record', () => {
    expect(
      issuesOf(`
product:
  to_hub:
    fields: { a: b }
    delete: { sync: delete_triggered_update }
  from_hub:
    fields: { a: b }
    delete: { sync: delete, fields: { active: { static: false } } }
customer:
  to_hub:
    fields: { a: b }
    delete: { sync: delete_triggered_update, fields: { x: path, y: { lookup: s, table: {} } } }
gift_card:
  to_hub:
    fields: { a: b }
    delete: { sync: remove }
`),
    ).toEqual([
      'product.to_hub.delete.fields: delete_triggered_update needs fields: the update to make instead of deleting',
      'product.from_hub.delete.fields: fields only apply to delete_triggered_update; sync: delete removes the record',
      'customer.to_hub.delete.fields.x: a delete has no source record: a delete field is { static: value } or { formula: expression over $hub }',
      'customer.to_hub.delete.fields.y: a delete has no source record: a delete field is { static: value } or { formula: expression over $hub }',
      'gift_card.to_hub.delete.sync: Invalid option: expected one of "delete"|"delete_triggered_update"',
    ]);
  });

  it('everything at once: a structural problem hides no refinement', () => {
    expect(
      issuesOf(`
product:
  to_hub: { sync: sometimes, collision: update_and_link, fields: { a: 3 } }
  from_hub: { match: c, collision: error, fields: { a: b } }
`),
    ).toEqual([
      'product.to_hub.sync: Invalid option: expected one of "add"|"update"|"add_and_update"',
      'product.to_hub.fields.a: a field mapping is a JSONata path (a string) or an object with one of formula, static or lookup',
      'product.to_hub.collision: collision update_and_link needs match: the hub field that finds the colliding record',
      'product.from_hub.match: match "c" is not one of the collection\'s fields, so there is no value to match on',
      'product.from_hub.collision: collision is only allowed on to_hub: collisions are found among hub records',
    ]);
  });
});

describe('the per-type and per-collection schemas on their own', () => {
  it('typeMappingsSchema allows match but refuses collision on from_hub; mappingCollectionSchema knows no direction', () => {
    expect(typeMappingsSchema.parse({ from_hub: { match: 'a', fields: { a: 'b' } } })).toEqual({
      from_hub: { sync: 'add_and_update', match: 'a', fields: { a: 'b' } },
    });
    const block = typeMappingsSchema.safeParse({ from_hub: { match: 'a', collision: 'error', fields: { a: 'b' } } });
    expect(block.success).toBe(false);
    expect(block.error?.issues.map((i) => i.path.join('.'))).toEqual(['from_hub.collision']);
    expect(mappingCollectionSchema.parse({ match: 'a', fields: { a: 'b' } })).toEqual({
      sync: 'add_and_update',
      match: 'a',
      fields: { a: 'b' },
    });
  });
});
