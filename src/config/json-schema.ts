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
import { configSchema, connectionSchema } from './schema.js';

/** The `$id` of the schema: a name, not an address (editors are pointed at the file itself). */
export const CONFIG_SCHEMA_ID = 'urn:hookyard:config';

export function configJsonSchema(): Record<string, unknown> {
  // The loader checks each connection with connectionSchema on its own (so that one bad
  // connection hides no other's problems); the file's schema describes them in place.
  const file = configSchema.extend({
    connections: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/), connectionSchema),
  });
  const generated = z.toJSONSchema(file, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
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
