/** The bench's machine-readable lines: sub-bench `result` lines in, one `summary` line out. */
import { describe, expect, it } from 'vitest';
import { formatSummary, formatValue, median, parseKeyValueLine, resultOf } from '../../bench/summary.js';

describe('resultOf', () => {
  it('takes the last result line of a script\'s output, values as numbers', () => {
    const output = ['claims: 10k runnable …', 'result claim_ms_10k=9.9', 'claims: 1M runnable …', 'result claim_ms_10k=0.41 claim_ms_1m=0.47', ''].join('\n');
    expect(resultOf(output)).toEqual({ claim_ms_10k: 0.41, claim_ms_1m: 0.47 });
  });

  it('leaves out values that are not numbers and finds nothing in output without a result line', () => {
    expect(resultOf('result coalescing_reads=n/a sources=100')).toEqual({ sources: 100 });
    expect(resultOf('coalescing: done\nresults are in\n')).toBeNull();
  });

  it('reads a result line only when every word after "result" is key=value', () => {
    expect(parseKeyValueLine('result a=1 b=2', 'result')).toEqual({ a: '1', b: '2' });
    expect(parseKeyValueLine('result of the run: fine', 'result')).toBeNull();
    expect(parseKeyValueLine('summary a=1', 'result')).toBeNull();
  });
});

describe('formatSummary', () => {
  it('writes every key in its fixed order, n/a for what was not measured', () => {
    expect(formatSummary({ engine_ratio: 1.2345, coalescing_reads: 143, ingest_cpu_ratio: 0.4567 })).toBe(
      'summary ingest_cpu_ratio=0.457 ingest_rps_ratio=n/a engine_ratio=1.23 coalescing_reads=143 claim_ms_10k=n/a claim_ms_1m=n/a',
    );
  });

  it('gives three significant digits without exponents and reads back as the same numbers', () => {
    expect(formatValue(0.000412)).toBe('0.000412');
    expect(formatValue(12.04)).toBe('12');
    expect(formatValue(594.7)).toBe('595');
    expect(formatValue(Number.NaN)).toBe('n/a');
    const line = formatSummary({ ingest_cpu_ratio: 0.25, ingest_rps_ratio: 0.1, engine_ratio: 2, coalescing_reads: 100, claim_ms_10k: 0.41, claim_ms_1m: 0.47 });
    expect(parseKeyValueLine(line, 'summary')).toEqual({
      ingest_cpu_ratio: '0.25',
      ingest_rps_ratio: '0.1',
      engine_ratio: '2',
      coalescing_reads: '100',
      claim_ms_10k: '0.41',
      claim_ms_1m: '0.47',
    });
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([140, 32, 150])).toBe(140);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
