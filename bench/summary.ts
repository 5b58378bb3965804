/**
 * The machine-readable lines of the bench. Each sub-bench script ends with
 * `result key=value key=value …`; bench/run.ts ends with
 * `summary ingest_cpu_ratio=… ingest_rps_ratio=… engine_ratio=… coalescing_reads=… claim_ms_10k=… claim_ms_1m=…`,
 * where a value that was not measured in this run is `n/a`.
 */

export const SUMMARY_KEYS = ['ingest_cpu_ratio', 'ingest_rps_ratio', 'engine_ratio', 'coalescing_reads', 'claim_ms_10k', 'claim_ms_1m'] as const;
export type SummaryKey = (typeof SUMMARY_KEYS)[number];
export type Summary = Partial<Record<SummaryKey, number>>;

const PAIR = /^([a-z][a-z0-9_]*)=(\S+)$/;

/** `key=value` pairs after `prefix` (`result` or `summary`), values as text; null when the line is not one. */
export function parseKeyValueLine(line: string, prefix: 'result' | 'summary'): Record<string, string> | null {
  const words = line.trim().split(/\s+/);
  if (words[0] !== prefix) return null;
  const values: Record<string, string> = {};
  for (const word of words.slice(1)) {
    const match = PAIR.exec(word);
    if (!match) return null;
    values[match[1]!] = match[2]!;
  }
  return values;
}

/** The last `result …` line of a sub-bench's output, its values as numbers (`n/a` and the like left out). */
export function resultOf(output: string): Record<string, number> | null {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const values = parseKeyValueLine(lines[i]!, 'result');
    if (!values) continue;
    const numbers: Record<string, number> = {};
    for (const [key, text] of Object.entries(values)) {
      const value = Number(text);
      if (text !== '' && Number.isFinite(value)) numbers[key] = value;
    }
    return numbers;
  }
  return null;
}

/** A figure with three significant digits at most, never in exponent form; whole numbers as they are. */
export function formatValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toFixed(Math.min(digits, 6)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function formatSummary(summary: Summary): string {
  return `summary ${SUMMARY_KEYS.map((key) => `${key}=${formatValue(summary[key])}`).join(' ')}`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
