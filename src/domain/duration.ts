/** Durations, in the configuration and in integration files alike: a number of milliseconds, or text with a unit: 500ms, 30s, 5m, 2h, 30d. */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const FORMAT = 'a duration is milliseconds (a whole number), or a number with ms, s, m, h or d: 500ms, 30s, 5m, 2h, 30d';

export const durationSchema = z.union(
  [
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, FORMAT)
    .transform((text) => {
      const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text)!;
      return Math.round(Number(amount) * UNITS[unit!]!);
    }),
  ],
  { error: (issue) => `${FORMAT}; got ${JSON.stringify(issue.input)}` },
);
