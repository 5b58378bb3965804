/** How the CLI prints times and JSON: times as ISO 8601 text, never epoch milliseconds. */

/** Keys whose number values are epoch milliseconds: `at`, `…At` (receivedAt, runAt, …) and `…Until` (leaseUntil). */
const TIME_KEY = /^(at|.+At|.+Until)$/;

/** `2026-03-01 09:00:00.123Z` for a table: ISO 8601 in UTC, with a space for readability; `-` for none. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ');
}

/** A copy of `value` with each time field (see TIME_KEY) as ISO 8601 text. */
export function withIsoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIsoTimes);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, TIME_KEY.test(key) && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : withIsoTimes(v)]),
  );
}

/** The command's one JSON document on stdout (progress and notes go to stderr). */
export function printJson(output: { out(text: string): void }, value: unknown): void {
  output.out(JSON.stringify(withIsoTimes(value), null, 2));
}
