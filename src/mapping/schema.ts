/**
 * The `mappings` block of a connection, as written in YAML:
 * `mappings.<dataType>.<to_hub|from_hub>` is a mapping collection. Unknown keys are refused
 * everywhere, and every problem is reported with its path, so a config check lists them all.
 */
import { z } from 'zod';
import { CONTROL_TYPES, type DataType } from '../domain/types.js';
import { isDataTypeName } from '../domain/scope.js';
import type { JsonValue } from './json.js';

export const SYNC_MODES = ['add', 'update', 'add_and_update'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export const COLLISION_MODES = ['error', 'remap_and_link', 'update_and_link', 'update_and_no_link'] as const;
export type CollisionMode = (typeof COLLISION_MODES)[number];

export const DELETE_SYNC_MODES = ['delete', 'delete_triggered_update'] as const;
export type DeleteSyncMode = (typeof DELETE_SYNC_MODES)[number];

/** from_hub: what a change does when the destination's record was deleted there (its link is marked deleted). */
export const ON_DELETED_MODES = ['skip', 'recreate'] as const;
export type OnDeletedMode = (typeof ON_DELETED_MODES)[number];

export type FieldMappingSpec =
  | string
  | { formula: string }
  | { static: JsonValue }
  | { lookup: string; table: Record<string, JsonValue>; default?: JsonValue };

/** A delete has no source record, so only values that need none. */
export type DeleteFieldSpec = { formula: string } | { static: JsonValue };

const expressionText = (what: string) => z.string().min(1, `${what} is empty; give a JSONata expression`);

const formulaSchema = z.strictObject({ formula: expressionText('the formula') });
const staticSchema = z.strictObject({ static: z.json() });
const lookupSchema = z.strictObject({
  lookup: expressionText('the lookup path'),
  table: z.record(z.string(), z.json()),
  default: z.json().optional(),
});

/** Re-reports a sub-schema's issues through the outer context, paths kept relative. */
function parseWith<T>(schema: z.ZodType<T>, value: unknown, ctx: z.RefinementCtx): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
}

/**
 * The one kind key an object mapping carries. Chosen by key rather than with z.union, whose
 * refusal is a bare "Invalid input"; this way the message says what is wrong with the chosen kind.
 */
function kindOf<K extends string>(value: unknown, kinds: readonly K[], hint: string, ctx: z.RefinementCtx): K | null {
  const present = isRecord(value) ? kinds.filter((kind) => Object.hasOwn(value, kind)) : [];
  if (present.length === 1) return present[0]!;
  const message = present.length === 0 ? hint : `use only one of ${kinds.join(', ')} (found ${present.join(', ')})`;
  ctx.addIssue({ code: 'custom', message });
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * zod skips refinements once a part failed; these run anyway so that a config check lists every
 * problem at once. The refinements therefore read their input defensively: parts of it may be raw.
 */
const EVEN_WITH_ISSUES = { when: (payload: { value: unknown }) => isRecord(payload.value) };

/** The keys of a fields block that may not have parsed. */
const keysOf = (fields: unknown): string[] => (isRecord(fields) ? Object.keys(fields) : []);

/**
 * The shapes a field mapping and a delete field take as written, for the configuration's JSON
 * Schema (src/config/json-schema.ts): the schemas below read them by key instead, for their messages.
 */
export const fieldMappingInputSchema = z.union([expressionText('the path'), formulaSchema, staticSchema, lookupSchema]);
export const deleteFieldInputSchema = z.union([formulaSchema, staticSchema]);

export const fieldMappingSchema = z.unknown().transform((value, ctx): FieldMappingSpec => {
  if (typeof value === 'string') return parseWith(expressionText('the path'), value, ctx);
  const hint = 'a field mapping is a JSONata path (a string) or an object with one of formula, static or lookup';
  switch (kindOf(value, ['formula', 'static', 'lookup'], hint, ctx)) {
    case 'formula':
      return parseWith(formulaSchema, value, ctx);
    case 'static':
      return parseWith(staticSchema, value, ctx) as FieldMappingSpec;
    case 'lookup':
      return parseWith(lookupSchema, value, ctx) as FieldMappingSpec;
    case null:
      return z.NEVER;
  }
});

export const deleteFieldSchema = z.unknown().transform((value, ctx): DeleteFieldSpec => {
  const hint = 'a delete has no source record: a delete field is { static: value } or { formula: expression over $hub }';
  switch (kindOf(value, ['formula', 'static'], hint, ctx)) {
    case 'formula':
      return parseWith(formulaSchema, value, ctx);
    case 'static':
      return parseWith(staticSchema, value, ctx) as DeleteFieldSpec;
    case null:
      return z.NEVER;
  }
});

/**
 * Target keys are dotted paths (`address.city` builds `{ address: { city } }`). A key may not sit
 * inside another mapped key: the two values would overwrite each other depending on order.
 */
function checkTargets(keys: readonly string[], ctx: z.RefinementCtx, at: PropertyKey[]): void {
  for (const key of keys) {
    const segments = key.split('.');
    if (segments.some((segment) => segment === '')) {
      ctx.addIssue({ code: 'custom', path: [...at, key], message: `"${key}" has an empty segment; write a.b.c` });
    } else if (segments.includes('__proto__')) {
      ctx.addIssue({ code: 'custom', path: [...at, key], message: `"${key}": __proto__ cannot be a field name` });
    }
    const outer = keys.find((other) => key.startsWith(`${other}.`));
    if (outer !== undefined && !segments.includes('')) {
      ctx.addIssue({
        code: 'custom',
        path: [...at, key],
        message: `"${key}" lies inside "${outer}", which is mapped itself; map one or the other`,
      });
    }
  }
}

export const deleteMappingSchema = z
  .strictObject({
    sync: z.enum(DELETE_SYNC_MODES),
    fields: z.record(z.string(), deleteFieldSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    const count = keysOf(spec.fields).length;
    if (spec.sync === 'delete_triggered_update' && count === 0) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'delete_triggered_update needs fields: the update to make instead of deleting' });
    }
    if (spec.sync === 'delete' && spec.fields !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'fields only apply to delete_triggered_update; sync: delete removes the record' });
    }
    checkTargets(keysOf(spec.fields), ctx, ['fields']);
  }, EVEN_WITH_ISSUES);

export const mappingCollectionSchema = z
  .strictObject({
    sync: z.enum(SYNC_MODES).default('add_and_update'),
    /**
     * A key of `fields`. to_hub: the hub field collision handling matches on. from_hub: the
     * destination field looked up (the integration's `find`) before creating a record.
     */
    match: z.string().min(1).optional(),
    /** Optional rather than defaulted, so that a collision written on from_hub can be refused; compile applies `error`. */
    collision: z.enum(COLLISION_MODES).optional(),
    filter: expressionText('the filter').optional(),
    fields: z.record(z.string(), fieldMappingSchema).optional(),
    delete: deleteMappingSchema.optional(),
    /** Optional rather than defaulted, so that on_deleted written on to_hub can be refused; compile applies `skip`. */
    on_deleted: z.enum(ON_DELETED_MODES).optional(),
  })
  .superRefine((spec, ctx) => {
    const targets = keysOf(spec.fields);
    checkTargets(targets, ctx, ['fields']);
    // A collision that is not one of the modes was refused above; it needs no second message.
    const collision: string | undefined = spec.collision;
    if (collision !== 'error' && (COLLISION_MODES as readonly unknown[]).includes(collision) && spec.match === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['collision'],
        message: `collision ${spec.collision} needs match: the hub field that finds the colliding record`,
      });
    }
    if (spec.match !== undefined && !targets.includes(spec.match)) {
      ctx.addIssue({
        code: 'custom',
        path: ['match'],
        message: `match "${spec.match}" is not one of the collection's fields, so there is no value to match on`,
      });
    }
  }, EVEN_WITH_ISSUES);

export const typeMappingsSchema = z
  .strictObject({
    to_hub: mappingCollectionSchema.optional(),
    from_hub: mappingCollectionSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.to_hub === undefined && spec.from_hub === undefined) {
      ctx.addIssue({ code: 'custom', message: 'map to_hub, from_hub or both' });
    }
    // match is allowed on from_hub (the destination is searched before creating); collision is not.
    if (isRecord(spec.from_hub) && spec.from_hub.collision !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['from_hub', 'collision'],
        message: 'collision is only allowed on to_hub: collisions are found among hub records',
      });
    }
    if (isRecord(spec.to_hub) && spec.to_hub.on_deleted !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['to_hub', 'on_deleted'],
        message: 'on_deleted is only allowed on from_hub: it says what to do when the destination deleted its record',
      });
    }
  }, EVEN_WITH_ISSUES);

export type MappingCollectionSpec = z.output<typeof mappingCollectionSchema>;
export type DeleteMappingSpec = z.output<typeof deleteMappingSchema>;
export type TypeMappingsSpec = z.output<typeof typeMappingsSchema>;
export type MappingsSpec = Partial<Record<DataType, TypeMappingsSpec>>;

/**
 * The whole block, keyed by data type. Here only the spelling of a type is checked: which types
 * exist (built in or declared under `types:`) is the configuration loader's question, which
 * names the closest known type for an unknown one.
 */
export const mappingsSchema = z
  .record(z.string(), typeMappingsSchema)
  .superRefine((spec, ctx) => {
    for (const [type, block] of Object.entries(spec)) {
      if (!isDataTypeName(type)) {
        ctx.addIssue({ code: 'custom', path: [type], message: `"${type}" is not a data type name: use lower snake case (e.g. product, issue_comment)` });
        continue;
      }
      // Only a control type carries no record of its own, so only it may map no field.
      if (CONTROL_TYPES.includes(type)) continue;
      for (const direction of ['to_hub', 'from_hub'] as const) {
        const collection: unknown = isRecord(block) ? block[direction] : undefined;
        // A fields block that is not an object at all already has its own message.
        if (!isRecord(collection) || (collection.fields !== undefined && !isRecord(collection.fields))) continue;
        if (keysOf(collection.fields).length === 0) {
          ctx.addIssue({
            code: 'custom',
            path: [type, direction, 'fields'],
            message: `a ${type} collection maps at least one field; only control types (${CONTROL_TYPES.join(', ')}) may map none`,
          });
        }
      }
    }
  }, EVEN_WITH_ISSUES)
  .transform((spec) => spec as MappingsSpec);
