import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Every .ts file under src, as a path relative to src (`plan/plan.ts`). */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

// `import … from '…'`, `import '…'`, `export … from '…'`, also when the clause spans lines.
const SPECIFIER = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm;

/** The files under src that a file imports (relative specifiers only), without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1]!)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.(js|ts)$/, ''));
}

const files = sourceFiles();
const graph = new Map(files.map((file) => [file.replace(/\.ts$/, ''), importsOf(file)]));

/** The pipeline stages and the store: they read the loaded configuration, never the loader. */
const STAGES = ['plan', 'resolve', 'ingest', 'engine', 'mapping', 'domain', 'api', 'store'];
/** The stages below the engine, with the domain and the store they build on. */
const LOWER_STAGES = ['plan', 'resolve', 'ingest', 'verify', 'mapping', 'integrations', 'domain', 'store', 'expressions'];
/** What sits above them: the configuration and its loader, the engine and the edges (server.ts, index.ts). */
const UPPER = ['config', 'engine', 'api', 'cli', 'server', 'index'];
/** The YAML loader and the zod schema belong to the edges (src/config, src/cli). */
const LOADER = ['config/load', 'config/schema'];

describe('the import structure', () => {
  it('reads the source files it checks', () => {
    expect(graph.get('plan/plan')).toContain('domain/types');
  });

  it('keeps the configuration loader and schema out of the stages', () => {
    const offending = [...graph]
      .filter(([file]) => STAGES.includes(file.split('/')[0]!))
      .flatMap(([file, imports]) => imports.filter((target) => LOADER.includes(target)).map((target) => `${file} → ${target}`));
    expect(offending, 'import the types from config/types (engine, api) or the stage\'s own slice, defaults from config/defaults').toEqual([]);
  });

  it('points every import of a stage down: never at the configuration, the engine or the edges', () => {
    // Each stage declares the slice of configuration it reads (PlanningConnection, IngestConfig, …);
    // src/config's types extend those slices, so the loader depends on the stages, not the reverse.
    const offending = [...graph]
      .filter(([file]) => LOWER_STAGES.includes(file.split('/')[0]!))
      .flatMap(([file, imports]) => imports.filter((target) => UPPER.includes(target.split('/')[0]!)).map((target) => `${file} → ${target}`));
    expect(offending, 'declare the slice of configuration the stage reads in its own folder').toEqual([]);
  });

  it('keeps the domain free of the stages, the configuration and the integrations', () => {
    // Only the error table and the clock sit below the domain.
    const below = (target: string) => target.startsWith('domain/') || target === 'errors' || target === 'clock';
    const offending = [...graph]
      .filter(([file]) => file.startsWith('domain/'))
      .flatMap(([file, imports]) => imports.filter((target) => !below(target)).map((target) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
