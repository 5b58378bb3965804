// Part of `npm run build`: the files src/ reads from disk at run time (SQL queries and
// migrations, next to the code that reads them through import.meta.url) are copied to the
// same place under dist/. Everything that is not TypeScript is an asset.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
cpSync(`${root}src`, `${root}dist`, {
  recursive: true,
  filter: (source) => !/\.[cm]?ts$/.test(source),
});
