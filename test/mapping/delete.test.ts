import { describe, expect, it } from 'vitest';
import { applyDeleteMapping } from '../../src/mapping/index.js';
import { collectionOf, VARS } from './helpers.js';

describe('applyDeleteMapping', () => {
  it('is none without a delete block', async () => {
    const c = collectionOf('product: { to_hub: { fields: { name: title } } }');
    expect(await applyDeleteMapping(c, VARS)).toEqual({ kind: 'none' });
  });

  it('is delete for sync: delete', async () => {
    const c = collectionOf('product: { to_hub: { fields: { name: title }, delete: { sync: delete } } }');
    expect(await applyDeleteMapping(c, VARS)).toEqual({ kind: 'delete' });
  });

  it('maps the delete fields for delete_triggered_update, with $hub and no source record', async () => {
    const c = collectionOf(`
product:
  to_hub:
    fields: { name: title }
    delete:
      sync: delete_triggered_update
      fields:
        active: { static: false }
        "meta.deleted_name": { formula: "$hub.name" }
        "meta.source_keys": { formula: "$count($keys($record))" }
        "meta.by": { formula: "$connection & '/' & $presets.prefix" }
`);
    expect(await applyDeleteMapping(c, { ...VARS, hub: { name: 'Mug' } })).toEqual({
      kind: 'mapped',
      record: { active: false, meta: { deleted_name: 'Mug', source_keys: 0, by: 'shop/SH-' } },
    });
    // Without a hub record, $hub.name has no value and the field is omitted.
    expect(await applyDeleteMapping(c, VARS)).toEqual({
      kind: 'mapped',
      record: { active: false, meta: { source_keys: 0, by: 'shop/SH-' } },
    });
  });

  it('is an expression error when a delete formula fails', async () => {
    const c = collectionOf(`
customer:
  from_hub:
    fields: { email: email }
    delete: { sync: delete_triggered_update, fields: { note: { formula: "$number($hub.name)" } } }
`, 'customer', 'from_hub');
    expect(await applyDeleteMapping(c, { ...VARS, hub: { name: 'Ann' } })).toEqual({
      kind: 'error',
      code: 'HY_ERR_MAPPING_EXPRESSION',
      message: 'field "note": formula "$number($hub.name)" failed: Unable to cast value to a number: "Ann"',
    });
  });
});
