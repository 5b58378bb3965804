/** zod schemas for the parts of an integration that can be written as data. */
import { z } from 'zod';
import { DATA_TYPES, type ScopeName } from '../domain/types.js';
import { parseScopeName } from '../domain/scope.js';
import { apiSchema } from './declarative/schema.js';

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
    message: `must be "type/action" with a known data type and action (e.g. product/updated)`,
  })
  .transform((value) => value as ScopeName);

export const scopeDeclarationSchema = z.strictObject({
  scope: scopeNameSchema,
  hooks: z.array(z.string().min(1)).optional(),
  description: z.string().min(1),
});

export const presetDeclarationSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(DATA_TYPES).optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.string().optional(),
  values: z.array(z.string()).optional(),
});

/** A declarative integration file: scopes, presets, (optionally) a receiver definition, and an `api` for reading and writing records. */
export const integrationFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
  title: z.string().optional(),
  scopes: z.array(scopeDeclarationSchema).min(1),
  presets: z.array(presetDeclarationSchema).optional(),
  /** Without it, the standard receiver; with it, only `auth` defaults (to the bearer header). */
  receiver: receiverSchema.extend({ auth: fieldSourceSchema.optional() }).optional(),
  /** How to read and write records over the system's JSON API (docs/integrations.md). */
  api: apiSchema.optional(),
});
