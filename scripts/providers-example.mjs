// Writes examples/providers.yaml: one connection of each shipped integration, taken whole (with
// its comments) from examples/providers/<id>.yaml, so the two never disagree.
// Run: node scripts/providers-example.mjs (test/providers/shipped.test.ts checks it is current).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}examples/providers/`;

export function providersExample() {
  const parts = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(dir + name, 'utf8');
      const at = text.indexOf('\nconnections:\n');
      if (at < 0) throw new Error(`${name}: no top-level "connections:"`);
      return `  # --- ${name.replace(/\.yaml$/, '')}: examples/providers/${name}, docs/providers/${name.replace(/\.yaml$/, '.md')}\n${text.slice(at + '\nconnections:\n'.length).trimEnd()}\n`;
    });
  return [
    '# One connection of each integration hookyard ships, as in examples/providers/<id>.yaml (this',
    '# file is made from those by scripts/providers-example.mjs). Secrets and addresses come from',
    '# the environment, with placeholders; `hookyard check -c examples/providers.yaml` prints each',
    "# connection's scope table. Each page in docs/providers/ says how to set its system up.",
    'connections:',
    parts.join('\n'),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(`${root}examples/providers.yaml`, providersExample());
  console.log('wrote examples/providers.yaml');
}
