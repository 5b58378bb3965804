#!/usr/bin/env node
// The CLI entry point. An installed package runs the compiled JavaScript in dist/. A source
// checkout (src/ is next to this file; the package does not ship it) runs the TypeScript
// through tsx, a dev dependency, so `npm start` and the tests need no build step and never
// run a stale dist/ left by an earlier `npm pack`.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
