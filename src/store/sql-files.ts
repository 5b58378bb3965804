/** Reads an adapter's .sql files: named queries and numbered migrations. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every `name.sql` in the folder, by name. */
export function loadQueries(dir: string): Record<string, string> {
  const queries: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.sql')) queries[file.slice(0, -4)] = readFileSync(join(dir, file), 'utf8');
  }
  return queries;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `001_inbox.sql` → version 1, name `inbox`; sorted by version, gaps and repeats refused. */
export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_(.+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3, …; found ${migration.version} at position ${i + 1}`);
  });
  return migrations;
}
