/**
 * The hot-path tallies behind /metrics write exactly what prom-client's own Counter and Histogram
 * write for the same observations — bucket edges inclusive, cumulative, +Inf equal to the count.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterTally, HistogramTally } from '../src/ops/tally.js';
import { parseExposition } from './helpers/exposition.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const OBSERVED: Array<[string, number]> = [['a', 0.001], ['a', 0.0011], ['a', 0], ['b', 0.5], ['a', 7], ['b', 1], ['a', 0.01]];

describe('tallies', () => {
  it('export a histogram and a counter exactly as prom-client does', async () => {
    const theirs = new Registry();
    const histogram = new Histogram({ name: 't_seconds', help: 'h', labelNames: ['c'], buckets: BOUNDS, registers: [theirs] });
    const counter = new Counter({ name: 't_total', help: 'c', labelNames: ['c', 'd'], registers: [theirs] });
    const ours = new Registry();
    const hTally = new HistogramTally('t_seconds', 'h', ['c'], BOUNDS, ours);
    const cTally = new CounterTally('t_total', 'c', ['c', 'd'], ours);
    for (const [c, v] of OBSERVED) {
      histogram.labels(c).observe(v);
      counter.labels(c, 'x').inc();
      hTally.observe(hTally.child(c), v);
      cTally.child(c, 'x').value += 1;
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    const families = parseExposition(text);
    const buckets = families.get('t_seconds')!.samples.filter((s) => s.name === 't_seconds_bucket' && s.labels.c === 'a').map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([['0.001', 2], ['0.01', 4], ['0.1', 4], ['1', 4], ['+Inf', 5]]);
  });

  it('refuse a wrong number of label values and bounds that do not increase', () => {
    const registry = new Registry();
    expect(() => new CounterTally('x_total', 'x', ['a', 'b'], registry).child('only-one')).toThrow(/takes 2 label values, not 1/);
    expect(() => new HistogramTally('y_seconds', 'y', [], [1, 1], registry)).toThrow(/must increase/);
  });
});
