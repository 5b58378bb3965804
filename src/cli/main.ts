/** The `hookyard` command: a thin commander layer over src/index.ts. */

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { configJsonSchemaText } from '../config/json-schema.js';
import { checkCommand, consoleOutput, tryCommand } from './commands.js';
import { runDemo, serveCommand } from './serve.js';
import { replayCommand, type ReplayOptions } from './replay.js';
import { INTERRUPTED, syncCommand, type SyncOptions } from './sync.js';
import { cancelCommand, type CancelOptions } from './cancel.js';
import { parseRole, ROLE_HELP } from './role.js';
import { runDemoSystems } from './demo-systems.js';
import type { HubRole } from '../server.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command();
// package.json is two folders up both from src/cli/ (a source checkout) and from dist/cli/ (the
// package), and the package ships it.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

program
  .name('hookyard')
  .description('Self-hosted integration hub: receive webhooks, resolve them, transfer records.')
  .version(version, '-V, --version', 'print the version');

/** Where --data matters: the SQLite store; PostgreSQL is chosen by URL. */
const DATA_HELP = 'data directory of the embedded SQLite store (unused when HOOKYARD_DATABASE_URL or store.url selects PostgreSQL)';

program
  .command('serve')
  .description('run the hub: ingest, admin API and workers (or one of them: --role)')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-d, --data <dir>', DATA_HELP, process.env.HOOKYARD_DATA ?? '.hookyard')
  .option('-p, --port <n>', 'HTTP port (default: the config, else 8080)', port)
  .option('-H, --host <host>', 'address to listen on (default: the config, else 127.0.0.1)')
  .option('--role <role>', `what this process does: ${ROLE_HELP}`, parseRole, 'all' as HubRole)
  .action(async (options: { config: string; data: string; port?: number; host?: string; role: HubRole }) => {
    // Exit once stopped: work still waiting on another system was handed back and must not keep
    // the process alive.
    process.exit(await serveCommand(options, consoleOutput));
  });

program
  .command('check')
  .description('validate a configuration and print each connection\'s scope table')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .action(async (options: { config: string }) => {
    process.exitCode = await checkCommand(options.config, consoleOutput);
  });

program
  .command('schema')
  .description('print the configuration file\'s JSON Schema (the package ships it as schema/hookyard.schema.json), for editors')
  .action(() => {
    process.stdout.write(configJsonSchemaText());
  });

program
  .command('try')
  .description('dry run: print the notifications and transfer requests a hook would produce; writes nothing')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .requiredOption('--connection <name>', 'the connection the hook is sent to')
  .option('--header <name:value>', 'a request header (repeatable)', collect, [])
  .option('--path <segments>', 'URL path after /hooks/<connection>/')
  .option('--prerequisites', "run the integration's prerequisites for each queued request against the system (child requests are shown, not run)")
  .argument('<body-file>', 'the hook body')
  .action(async (bodyFile: string, options: { config: string; connection: string; header: string[]; path?: string; prerequisites?: boolean }) => {
    process.exitCode = await tryCommand({ ...options, headers: options.header, bodyFile }, consoleOutput);
  });

program
  .command('replay')
  .description('queue dead (or other finished) transfer requests again, or read a stored hook again')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-d, --data <dir>', DATA_HELP, process.env.HOOKYARD_DATA ?? '.hookyard')
  .option('--status <status>', 'transfers with this status (default: dead)')
  .option('--connection <name>', 'only this connection')
  .option('--scope <scope>', 'only this scope, e.g. product/updated')
  .option('--since <time>', 'created at or after (ISO 8601)')
  .option('--until <time>', 'created before (ISO 8601)')
  .option('--transfer <id>', 'one transfer request', Number)
  .option('--hook <id>', 'read one stored hook again', Number)
  .option('--dry-run', 'only count what would be replayed')
  .action(async (options: ReplayOptions) => {
    process.exitCode = await replayCommand(options, consoleOutput);
  });

program
  .command('cancel')
  .description('end queued or retrying transfer requests without running them (running ones are never cancelled)')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-d, --data <dir>', DATA_HELP, process.env.HOOKYARD_DATA ?? '.hookyard')
  .option('--status <status>', 'queued or retrying (default: both)')
  .option('--connection <name>', 'only this connection')
  .option('--scope <scope>', 'only this scope, e.g. product/updated')
  .option('--since <time>', 'created at or after (ISO 8601)')
  .option('--until <time>', 'created before (ISO 8601)')
  .option('--transfer <id>', 'one transfer request', Number)
  .option('--dry-run', 'only count what would be cancelled')
  .action(async (options: CancelOptions) => {
    process.exitCode = await cancelCommand(options, consoleOutput);
  });

program
  .command('sync')
  .description('queue records of a connection for transfer: --all (an initialization, resumable) or the ids given')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-d, --data <dir>', DATA_HELP, process.env.HOOKYARD_DATA ?? '.hookyard')
  .requiredOption('--connection <name>', 'the connection whose system has the records')
  .requiredOption('--type <type>', 'the data type, e.g. product')
  .option('--all', 'every record of the type (an initialization)')
  .option('--file <file>', 'ids to sync, one per line')
  .argument('[ids...]', 'ids to sync')
  .action(async (ids: string[], options: Omit<SyncOptions, 'ids'>) => {
    const code = await syncCommand({ ...options, ids }, consoleOutput);
    // Interrupted: the page being read is abandoned, so do not wait for its answer to arrive.
    if (code === INTERRUPTED) process.exit(code);
    process.exitCode = code;
  });

program
  .command('demo')
  .description('run the demo: on embedded SQLite in HOOKYARD_DATA, or with HOOKYARD_DATABASE_URL in a database of its own on that PostgreSQL server (PORT is honoured)')
  .option('--systems-only', 'run only the demo shop and ERP, sending their hooks to the hub at --hub (compose.yaml\'s demo profile)')
  .option('--hub <url>', 'with --systems-only: the base URL of the hub (an ingest process or its load balancer)')
  .option('-H, --host <host>', 'with --systems-only: the address the shop and the ERP listen on', '127.0.0.1')
  .option('--shop-port <n>', 'with --systems-only: the shop\'s port (default: any free one)', port)
  .option('--erp-port <n>', 'with --systems-only: the ERP\'s port (default: any free one)', port)
  .action(async (options: { systemsOnly?: boolean; hub?: string; host: string; shopPort?: number; erpPort?: number }) => {
    if (!options.systemsOnly) {
      if (options.hub !== undefined || options.shopPort !== undefined || options.erpPort !== undefined) {
        consoleOutput.err('--hub, --shop-port and --erp-port go with --systems-only');
        process.exit(1);
      }
      process.exit(await runDemo(consoleOutput));
    }
    process.exit(await runDemoSystems({ hub: options.hub, host: options.host, shopPort: options.shopPort, erpPort: options.erpPort }, consoleOutput));
  });

await program.parseAsync(process.argv);
