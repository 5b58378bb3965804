/** zod schemas for the parts of an integration that can be written as data. */
import { z } from 'zod';
import type { DataType, ScopeName } from '../domain/types.js';
import { isDataTypeName, parseScopeName } from '../domain/scope.js';
import { apiSchema } from './declarative/schema.js';
import { VERIFY_SCHEMES_OF_SYSTEMS } from './types.js';

const optionalExtras = { prefix: z.string().optional(), expression: z.string().min(1).optional() };

export const fieldSourceSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('header'), name: z.string().min(1), ...optionalExtras }),
  z.strictObject({ from: z.literal('body'), path: z.string().min(1), ...optionalExtras }),
  z.strictObject({ from: z.literal('url'), segment: z.number().int().min(0), ...optionalExtras }),
  z.strictObject({ from: z.literal('static'), value: z.string(), ...optionalExtras }),
]);

export const receiverSchema = z.strictObject({
  preprocess: z.string().min(1).optional(),
  multiple: z.string().min(1).optional(),
  hook: fieldSourceSchema,
  externalId: fieldSourceSchema,
  auth: fieldSourceSchema,
  record: z.strictObject({ path: z.string().min(1), version: z.string().min(1).optional() }).optional(),
});

/** A connection may replace any part of its integration's receiver definition; null removes preprocess or multiple. */
export const receiverOverrideSchema = receiverSchema.partial().extend({
  preprocess: z.string().min(1).nullable().optional(),
  multiple: z.string().min(1).nullable().optional(),
});

export const scopeNameSchema = z
  .string()
  .refine((value) => parseScopeName(value) !== null, {
    message: `must be "type/action": a data type in lower snake case and an action (e.g. product/updated)`,
  })
  .transform((value) => value as ScopeName);

/** Spelt like a data type; the configuration loader checks that it is built in or declared. */
export const dataTypeNameSchema = z
  .string()
  .refine(isDataTypeName, { message: 'a data type is lower snake case (e.g. product, issue_comment)' })
  .transform((value): DataType => value);

/**
 * A declared data type (`types: { issue: {}, issue_comment: { parent: issue } }`), in a
 * configuration or an integration file. With a parent, a hook for the type becomes a request for
 * the parent record, whose id is read from the hook by `parentId` (default: body path `<parent>_id`).
 * Empty (`issue:`) is a type without parent.
 */
export const typeDeclarationSchema = z
  .strictObject({ parent: z.string().min(1).optional(), parentId: fieldSourceSchema.optional() })
  .nullable()
  .refine((spec) => spec?.parentId === undefined || spec.parent !== undefined, { message: 'parentId needs a parent' });
export const typeDeclarationsSchema = z.record(z.string(), typeDeclarationSchema);
export type TypeDeclarationsSpec = z.output<typeof typeDeclarationsSchema>;

export const scopeDeclarationSchema = z.strictObject({
  scope: scopeNameSchema,
  hooks: z.array(z.string().min(1)).optional(),
  description: z.string().min(1),
});

export const presetDeclarationSchema = z.strictObject({
  name: z.string().min(1),
  type: dataTypeNameSchema.optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.string().optional(),
  values: z.array(z.string()).optional(),
});

/**
 * Prerequisites a file can declare. `catchAll`: requests of a control type (default `message`)
 * whose id starts with a prefix (`Item` in `Item:1234`, ended by `separator`) are resolved by a
 * child request for the type whose preset has that prefix as its value.
 */
export const prerequisitesSchema = z.strictObject({
  catchAll: z.strictObject({ type: dataTypeNameSchema.optional(), separator: z.string().min(1) }).optional(),
});

/** A declarative integration file: scopes, presets, (optionally) a receiver definition, and an `api` for reading and writing records. */
export const integrationFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
  title: z.string().optional(),
  /** Data types its scopes name beyond the built-in list. */
  types: typeDeclarationsSchema.optional(),
  scopes: z.array(scopeDeclarationSchema).min(1),
  presets: z.array(presetDeclarationSchema).optional(),
  /**
   * How the system signs its hooks (`shopify`, `github`, `stripe`, `standard`, `woocommerce`): a
   * connection then gives only `webhook.secret`.
   */
  verify: z.enum(VERIFY_SCHEMES_OF_SYSTEMS).optional(),
  /** Without it, the standard receiver; with it, only `auth` defaults (to the bearer header). */
  receiver: receiverSchema.extend({ auth: fieldSourceSchema.optional() }).optional(),
  /** Formulaic prerequisites (docs/integrations.md, "The catch-all"). */
  prerequisites: prerequisitesSchema.optional(),
  /** How to read and write records over the system's JSON API (docs/integrations.md). */
  api: apiSchema.optional(),
});
