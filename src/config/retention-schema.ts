/**
 * `retention:` — how long finished hooks and transfer requests are kept (src/engine/pruner.ts).
 * `false` keeps everything; `false` for one class keeps that class.
 *
 * Checked by hand rather than with z.union (false or an object; false or a duration), whose
 * refusal is a bare "Invalid input": this way each message names the key that is wrong.
 */
import { z } from 'zod';
import { durationSchema } from '../domain/duration.js';

const keepFor = durationSchema.refine((ms) => ms > 0, 'longer than 0 (false keeps them for ever)');

/** The classes of rows, each kept for a duration or (false) for ever. */
const CLASSES = ['hooks', 'transfers', 'dead'] as const;

const retentionObjectSchema = z.strictObject({
  /** Resolved, partial and empty hooks. */
  hooks: keepFor.nullable().optional(),
  /** Succeeded and skipped transfer requests. */
  transfers: keepFor.nullable().optional(),
  /** Dead transfer requests, and hooks that ended unmatched, invalid or failed. */
  dead: keepFor.nullable().optional(),
  /** Rows removed per transaction at most. */
  batch: z.number().int().min(1).max(10_000).optional(),
  /** Time between prune passes. */
  every: durationSchema.refine((ms) => ms >= 1_000, 'at least 1s').optional(),
});

/** What `retention` becomes: false, or the classes (null: kept for ever; absent: the default). */
export type RetentionSpec = false | z.infer<typeof retentionObjectSchema>;

export const retentionSchema = z.unknown().transform((value, ctx): RetentionSpec => {
  if (value === false) return false;
  const input =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([key, given]) => [key, given === false && (CLASSES as readonly string[]).includes(key) ? null : given]))
      : value;
  const result = retentionObjectSchema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const message = issue.path.length === 0 && issue.code === 'invalid_type' ? 'retention is false or an object: { hooks, transfers, dead, batch, every }' : issue.message;
    ctx.addIssue({ code: 'custom', message, path: issue.path });
  }
  return z.NEVER;
});

/** The shapes `retention` accepts, as the file writes them (for the JSON Schema). */
const keepForInput = z.union([z.literal(false), durationSchema]);
export const retentionInputSchema = z.union([
  z.literal(false),
  z.strictObject({
    hooks: keepForInput.optional(),
    transfers: keepForInput.optional(),
    dead: keepForInput.optional(),
    batch: z.number().int().min(1).max(10_000).optional(),
    every: durationSchema.optional(),
  }),
]);
