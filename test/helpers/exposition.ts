/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests of /metrics: every
 * line is `# HELP`, `# TYPE`, a sample `name{labels} value` or blank; every sample belongs to a
 * family announced by HELP and TYPE before it; a histogram's buckets are cumulative, end at
 * le="+Inf" and that bucket equals its _count. Anything else throws, naming the line.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // prom-client writes NaN as "Nan" (an event-loop gauge before its first sample); Prometheus
  // reads values with Go's ParseFloat, which takes NaN in any case.
  if (text.toLowerCase() === 'nan') return NaN;
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a number: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`bad labels: ${line}`);
    if (match[1]! in labels) throw new Error(`label ${match[1]} twice: ${line}`);
    labels[match[1]!] = match[2]!.replaceAll('\\n', '\n').replaceAll('\\"', '"').replaceAll('\\\\', '\\');
    rest = rest.slice(match[0].length);
  }
  return labels;
}

/** The family a sample belongs to: its own name, or a histogram's/summary's base name. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(name);
  if (own) return own;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (base && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return base;
  }
  return undefined;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
      if (!meta) throw new Error(`neither HELP nor TYPE: ${line}`);
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (kind === 'HELP') {
        if (help.has(name)) throw new Error(`HELP for ${name} twice`);
        help.set(name, rest);
      } else {
        if (!TYPES.has(rest)) throw new Error(`unknown type: ${line}`);
        if (families.has(name)) throw new Error(`TYPE for ${name} twice`);
        if (!help.has(name)) throw new Error(`TYPE before HELP for ${name}`);
        families.set(name, { name, help: help.get(name)!, type: rest as Family['type'], samples: [] });
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const [, name, labels, value] = match as unknown as [string, string, string | undefined, string];
    const family = familyOf(name, families);
    if (!family) throw new Error(`sample without HELP and TYPE before it: ${line}`);
    family.samples.push({ name, labels: labels ? parseLabels(labels, line) : {}, value: parseValue(value, line) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

const keyOf = (labels: Record<string, string>) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== 'le')
      .sort(([a], [b]) => a.localeCompare(b)),
  );

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  const of = (labels: Record<string, string>) => {
    const key = keyOf(labels);
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { buckets: [] }));
    return entry;
  };
  for (const sample of family.samples) {
    if (sample.name.endsWith('_bucket')) {
      if (sample.labels.le === undefined) throw new Error(`${sample.name} without le`);
      of(sample.labels).buckets.push([parseValue(sample.labels.le, sample.name), sample.value]);
    } else if (sample.name.endsWith('_count')) of(sample.labels).count = sample.value;
    else if (sample.name.endsWith('_sum')) of(sample.labels).sum = sample.value;
  }
  for (const [key, { buckets, count, sum }] of series) {
    const where = `${family.name}${key}`;
    if (count === undefined || sum === undefined) throw new Error(`${where} lacks _count or _sum`);
    if (buckets.length === 0 || buckets.at(-1)![0] !== Infinity) throw new Error(`${where} does not end with le="+Inf"`);
    for (let i = 1; i < buckets.length; i += 1) {
      if (!(buckets[i]![0] > buckets[i - 1]![0])) throw new Error(`${where}: le not increasing`);
      if (buckets[i]![1] < buckets[i - 1]![1]) throw new Error(`${where}: buckets not cumulative`);
    }
    if (buckets.at(-1)![1] !== count) throw new Error(`${where}: +Inf bucket ${buckets.at(-1)![1]} is not _count ${count}`);
  }
}

/** The value of the sample `name` with exactly these labels, or undefined when there is none. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = familyOf(name, families);
  const want = keyOf(labels);
  return family?.samples.find((s) => s.name === name && keyOf(s.labels) === want && (s.labels.le ?? null) === (labels.le ?? null))?.value;
}
