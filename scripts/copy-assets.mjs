// Part of `npm run build`: the files src/ reads from disk at run time (SQL queries and
// migrations, next to the code that reads them through import.meta.url) are copied to the
// same place under dist/. Everything that is not TypeScript is an asset.
import { cpSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
cpSync(`${root}src`, `${root}dist`, {
  recursive: true,
  filter: (source) => !/\.[cm]?ts$/.test(source),
});

// Each store adapter (sqlite/, postgres/) reads its queries/ and migrations/ at start: a build
// that left one of them behind would make a package that fails only when it opens that store.
for (const adapter of readdirSync(`${root}src/store`, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
  for (const folder of ['queries', 'migrations']) {
    const sql = (dir) => {
      try {
        return readdirSync(dir).filter((file) => file.endsWith('.sql')).sort().join('\n');
      } catch {
        return '';
      }
    };
    const source = sql(`${root}src/store/${adapter.name}/${folder}`);
    if (source !== sql(`${root}dist/store/${adapter.name}/${folder}`)) throw new Error(`copy-assets: src/store/${adapter.name}/${folder} was not copied to dist/`);
  }
}

// The console (src/ui/assets) is served from dist/ui/assets: a package without it serves no /ui/.
const ui = (dir) => {
  try {
    return readdirSync(dir).sort().join('\n');
  } catch {
    return '';
  }
};
if (!ui(`${root}src/ui/assets`) || ui(`${root}src/ui/assets`) !== ui(`${root}dist/ui/assets`)) throw new Error('copy-assets: src/ui/assets was not copied to dist/ui/assets');
