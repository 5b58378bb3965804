/**
 * The configuration file's JSON Schema, for editors (YAML language server and the like) and other
 * tools: generated from the zod schema in ./schema.ts, so it describes the same file.
 *
 * It describes the file as written (zod's `io: 'input'`): a duration is a number or text such as
 * "30s", before it becomes milliseconds. What JSON Schema cannot say — the refinements (exactly one
 * of apiKey, secret or verify; a valid database URL), environment variables (`${NAME}` in any
 * string) and the checks against each integration — is left to `hookyard check`. The shipped copy,
 * schema/hookyard.schema.json, is regenerated with `npm run schema`.
 */
import { z } from 'zod';
import { deleteFieldInputSchema, deleteFieldSchema, fieldMappingInputSchema, fieldMappingSchema } from '../mapping/schema.js';
import { retentionInputSchema, retentionSchema } from './retention-schema.js';
import { configSchema, connectionSchema } from './schema.js';

const TARGET = 'draft-2020-12';

/**
 * Parts that take any value and check it by hand (for their messages) would come out as `{}`:
 * these are described by the shapes they accept instead.
 */
const INPUT_SHAPES = new Map<unknown, { name: string; shapes: z.ZodType }>([
  [fieldMappingSchema, { name: 'fieldMapping', shapes: fieldMappingInputSchema }],
  [deleteFieldSchema, { name: 'deleteField', shapes: deleteFieldInputSchema }],
  [retentionSchema, { name: 'retention', shapes: retentionInputSchema }],
]);

/** The `$id` of the schema: a name, not an address (editors are pointed at the file itself). */
export const CONFIG_SCHEMA_ID = 'urn:hookyard:config';

export function configJsonSchema(): Record<string, unknown> {
  // The loader checks each connection with connectionSchema on its own (so that one bad
  // connection hides no other's problems); the file's schema describes them in place.
  const file = configSchema.extend({
    connections: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/), connectionSchema),
  });
  // A shape's own definitions (z.json() is recursive) move to the top, where "#/$defs/…" points.
  const hoisted: Record<string, unknown> = {};
  const generated = z.toJSONSchema(file, {
    target: TARGET,
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const input = INPUT_SHAPES.get(zodSchema);
      if (!input) return;
      const { name, shapes } = input;
      const prefix = `${name}_`;
      const text = JSON.stringify(z.toJSONSchema(shapes, { target: TARGET, io: 'input' })).replaceAll('"#/$defs/', `"#/$defs/${prefix}`);
      const { $schema: _, $defs = {}, ...described } = JSON.parse(text) as Record<string, unknown> & { $defs?: Record<string, unknown> };
      for (const [key, definition] of Object.entries($defs)) hoisted[`${prefix}${key}`] = definition;
      Object.assign(jsonSchema, described);
    },
  }) as Record<string, unknown>;
  if (Object.keys(hoisted).length > 0) generated.$defs = { ...(generated.$defs as Record<string, unknown> | undefined), ...hoisted };
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'hookyard configuration',
    description: 'The YAML file hookyard serve, check, try, sync, replay and cancel read with --config (docs/configuration.md).',
    ...rest,
  };
}

/** The schema as `hookyard schema` prints it and schema/hookyard.schema.json holds it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
