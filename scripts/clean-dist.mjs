// Part of `npm run build`: dist/ is made anew, so that a file renamed or removed in src/ (a
// migration, a query, a shipped integration) leaves no stale copy for the store or the
// registry to pick up.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true, force: true });
