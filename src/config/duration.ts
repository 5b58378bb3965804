/** Durations in the config: a number of milliseconds, or text with a unit: 500ms, 30s, 5m, 2h. */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const durationSchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration is milliseconds, or a number with ms, s, m or h (e.g. 30s)')
    .transform((text) => {
      const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text)!;
      return Math.round(Number(amount) * UNITS[unit!]!);
    }),
]);
