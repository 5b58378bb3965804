import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compileExpression } from '../../src/expressions/jsonata.js';
import { collectionFor, compileMappings, mappingsSchema } from '../../src/mapping/index.js';
import { compileYaml } from './helpers.js';

describe('compileMappings', () => {
  it('reports every broken expression at once, each with its path in the mappings block', () => {
    const spec = mappingsSchema.parse(
      parseYaml(`
product:
  to_hub:
    filter: "status ="
    fields:
      sku: "variants[0"
      name: title
      price: { formula: "$number(" }
      status: { lookup: "status}", table: { a: A } }
      "address.city": "city.("
      ok: { static: 1 }
    delete:
      sync: delete_triggered_update
      fields: { active: { formula: "$hub.(" } }
customer:
  from_hub:
    fields: { email: "email" , name: "(" }
`),
    );
    const result = compileMappings(spec);
    expect(result.mappings).toBeNull();
    expect(result.problems.map((p) => p.path)).toEqual([
      'product.to_hub.filter',
      'product.to_hub.fields.sku',
      'product.to_hub.fields.price.formula',
      'product.to_hub.fields.status.lookup',
      'product.to_hub.fields.address.city',
      'product.to_hub.delete.fields.active.formula',
      'customer.from_hub.fields.name',
    ]);
    // The message is JSONata's, with the position.
    expect(result.problems[0]).toEqual({ path: 'product.to_hub.filter', message: 'Unexpected end of expression (at 8)' });
  });

  it('compiles a valid block into collections found by type and direction, defaults applied', () => {
    const mappings = compileYaml(`
product:
  to_hub:
    match: sku
    filter: "active"
    fields:
      sku: sku
      price: { formula: "$number(price)" }
      active: { static: true }
      status: { lookup: status, table: { a: A }, default: null }
      "address.city": city
    delete: { sync: delete }
  from_hub:
    sync: update
    fields: { title: name }
`);
    const toHub = collectionFor(mappings, 'product', 'to_hub');
    expect(toHub).toMatchObject({
      type: 'product',
      direction: 'to_hub',
      sync: 'add_and_update',
      match: 'sku',
      collision: 'error',
      filter: { source: 'active' },
      delete: { sync: 'delete', fields: [] },
    });
    expect(toHub?.fields.map((f) => [f.kind, f.target, f.segments])).toEqual([
      ['path', 'sku', ['sku']],
      ['formula', 'price', ['price']],
      ['static', 'active', ['active']],
      ['lookup', 'status', ['status']],
      ['path', 'address.city', ['address', 'city']],
    ]);
    const status = toHub?.fields[3];
    expect(status?.kind === 'lookup' && status.fallback).toEqual({ value: null });
    // Compiled through the shared cache: the same object the rest of hookyard gets.
    const price = toHub?.fields[1];
    expect(price?.kind === 'formula' && price.expr.expression).toBe(compileExpression('$number(price)'));

    const fromHub = collectionFor(mappings, 'product', 'from_hub');
    expect(fromHub).toMatchObject({ sync: 'update', match: null, collision: 'error', filter: null, delete: null });
    expect(collectionFor(mappings, 'customer', 'to_hub')).toBeUndefined();
  });

  it('treats an absent mappings block as no collections', () => {
    const result = compileMappings(undefined);
    expect(result.problems).toEqual([]);
    expect(result.mappings && collectionFor(result.mappings, 'product', 'to_hub')).toBeUndefined();
  });

  it('accepts a control type collection without fields', () => {
    const message = collectionFor(compileYaml('message: { to_hub: { sync: add_and_update } }'), 'message', 'to_hub');
    expect(message).toMatchObject({ type: 'message', fields: [], filter: null, delete: null });
  });
});
