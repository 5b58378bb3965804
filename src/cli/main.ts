/** The `hookyard` command: a thin commander layer over src/index.ts. */

import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { configJsonSchemaText } from '../config/json-schema.js';
import { checkCommand, consoleOutput, tryCommand } from './commands.js';
import { runDemo, serveCommand } from './serve.js';
import { replayCommand, type ReplayOptions } from './replay.js';
import { INTERRUPTED, syncCommand, type SyncOptions } from './sync.js';
import { cancelCommand, type CancelOptions } from './cancel.js';
import { parseRole, ROLE_HELP } from './role.js';
import { runDemoSystems } from './demo-systems.js';
import type { HubRole } from '../server.js';
import { HOOK_STATUSES, TRANSFER_STATUSES } from '../domain/types.js';
import { collect, id, isoTime, oneOf, port, USAGE_ERRORS, USAGE_EXIT_CODE, wholeNumber } from './flags.js';
import { hookCommand, hooksCommand, transferCommand, transfersCommand, type HooksOptions, type StoreCommandOptions, type TransfersOptions } from './read.js';

const program = new Command();
// A command line that cannot be run as given (a bad flag value, an unknown option, a missing
// argument) exits 2, so that scripts tell it from a command that ran and failed (1). Set before
// the commands are added: each inherits it.
program.exitOverride((error) => {
  process.exit(USAGE_ERRORS.has(error.code) ? USAGE_EXIT_CODE : error.exitCode);
});
// package.json is two folders up both from src/cli/ (a source checkout) and from dist/cli/ (the
// package), and the package ships it.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

program
  .name('hookyard')
  .description('Self-hosted integration hub: receive webhooks, resolve them, transfer records.')
  .version(version, '-V, --version', 'print the version');

/** Where --data matters: the SQLite store; PostgreSQL is chosen by URL. */
const DATA_HELP = 'data directory of the embedded SQLite store (unused when HOOKYARD_DATABASE_URL or store.url selects PostgreSQL)';

/** -c, --config: the flag, else HOOKYARD_CONFIG. */
const configOption = () => new Option('-c, --config <file>', 'configuration file (YAML)').env('HOOKYARD_CONFIG').makeOptionMandatory();
/** -d, --data: the flag, else HOOKYARD_DATA, else .hookyard. */
const dataOption = (help = DATA_HELP) => new Option('-d, --data <dir>', help).env('HOOKYARD_DATA').default('.hookyard');
/** The commands that only read the hub's store, and the ones that change it, need one that exists. */
const EXISTING_DATA_HELP = `${DATA_HELP}; it must hold a store already (only serve and demo create one)`;
const jsonOption = (what: string) => new Option('--json', `print ${what} as one JSON document on stdout (times as ISO 8601 text)`);
const sinceOption = () => new Option('--since <time>', 'created at or after (ISO 8601, e.g. 2026-03-01T09:00:00Z or 2026-03-01)').argParser(isoTime);
const untilOption = () => new Option('--until <time>', 'created before (ISO 8601)').argParser(isoTime);
const CANCELLABLE = ['queued', 'retrying'] as const;
const limitOption = () => new Option('--limit <n>', 'how many to show, 1 to 500').argParser(wholeNumber(1, 500)).default(50);
const beforeOption = () => new Option('--before <id>', 'only older ones than this id (the next page)').argParser(id);

program
  .command('serve')
  .description('run the hub: ingest, admin API and workers (or one of them: --role); creates the store when there is none')
  .addOption(configOption())
  .addOption(dataOption())
  .addOption(new Option('-p, --port <n>', 'HTTP port, 0 for any free one; --port wins over PORT, PORT over server.port in the config, else 8080').env('PORT').argParser(port))
  .option('-H, --host <host>', 'address to listen on (default: server.host in the config, else 127.0.0.1)')
  .option('--role <role>', `what this process does: ${ROLE_HELP}`, parseRole, 'all' as HubRole)
  .addHelpText(
    'after',
    '\nA flag wins over its environment variable: --config over HOOKYARD_CONFIG, --data over HOOKYARD_DATA,\n--port over PORT; PORT wins over server.port in the configuration. HOOKYARD_DATABASE_URL (or\nstore.url) selects PostgreSQL instead of the data directory.',
  )
  .action(async (options: { config: string; data: string; port?: number; host?: string; role: HubRole }) => {
    // Exit once stopped: work still waiting on another system was handed back and must not keep
    // the process alive.
    process.exit(await serveCommand(options, consoleOutput));
  });

program
  .command('check')
  .description('validate a configuration and print each connection\'s scope table')
  .addOption(configOption())
  .addOption(jsonOption('the connections and their scopes'))
  .action(async (options: { config: string; json?: boolean }) => {
    process.exitCode = await checkCommand(options.config, consoleOutput, undefined, { json: options.json });
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
  .addOption(configOption())
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
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(new Option('--status <status>', 'transfers with this status (default: dead)').choices(TRANSFER_STATUSES).argParser(oneOf(TRANSFER_STATUSES)))
  .option('--connection <name>', 'only this connection')
  .option('--scope <scope>', 'only this scope, e.g. product/updated')
  .addOption(sinceOption())
  .addOption(untilOption())
  .option('--transfer <id>', 'one transfer request', id)
  .option('--hook <id>', 'read one stored hook again', id)
  .option('--dry-run', 'only count what would be replayed')
  .addOption(jsonOption('the result'))
  .action(async (options: ReplayOptions) => {
    process.exitCode = await replayCommand(options, consoleOutput);
  });

program
  .command('cancel')
  .description('end queued or retrying transfer requests without running them (running ones are never cancelled)')
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(new Option('--status <status>', 'queued or retrying (default: both)').choices(CANCELLABLE).argParser(oneOf(CANCELLABLE)))
  .option('--connection <name>', 'only this connection')
  .option('--scope <scope>', 'only this scope, e.g. product/updated')
  .addOption(sinceOption())
  .addOption(untilOption())
  .option('--transfer <id>', 'one transfer request', id)
  .option('--dry-run', 'only count what would be cancelled')
  .addOption(jsonOption('the result'))
  .action(async (options: CancelOptions) => {
    process.exitCode = await cancelCommand(options, consoleOutput);
  });

program
  .command('sync')
  .description('queue records of a connection for transfer: --all (an initialization, resumable) or the ids given')
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .requiredOption('--connection <name>', 'the connection whose system has the records')
  .requiredOption('--type <type>', 'the data type, e.g. product')
  .option('--all', 'every record of the type (an initialization)')
  .option('--file <file>', 'ids to sync, one per line')
  .addOption(jsonOption('the result'))
  .argument('[ids...]', 'ids to sync')
  .action(async (ids: string[], options: Omit<SyncOptions, 'ids'>) => {
    const code = await syncCommand({ ...options, ids }, consoleOutput);
    // Interrupted: the page being read is abandoned, so do not wait for its answer to arrive.
    if (code === INTERRUPTED) process.exit(code);
    process.exitCode = code;
  });

program
  .command('hooks')
  .description('list stored hooks, newest first; reads the store, changes nothing')
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(new Option('--status <status>', 'only hooks with this status').choices(HOOK_STATUSES).argParser(oneOf(HOOK_STATUSES)))
  .option('--connection <name>', 'only this connection')
  .addOption(limitOption())
  .addOption(beforeOption())
  .addOption(jsonOption('the page ({"items": […], "next": id or null})'))
  .action(async (options: HooksOptions) => {
    process.exitCode = await hooksCommand(options, consoleOutput);
  });

program
  .command('hook')
  .description('show one stored hook, its notifications and the transfer requests it led to')
  .argument('<id>', 'the hook id', id)
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(jsonOption('the hook'))
  .action(async (hookId: number, options: StoreCommandOptions) => {
    process.exitCode = await hookCommand(hookId, options, consoleOutput);
  });

program
  .command('transfers')
  .description('list transfer requests, newest first; reads the store, changes nothing')
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(new Option('--status <status>', 'only transfer requests with this status').choices(TRANSFER_STATUSES).argParser(oneOf(TRANSFER_STATUSES)))
  .option('--connection <name>', 'only this connection')
  .option('--scope <scope>', 'only this scope, e.g. product/updated')
  .addOption(limitOption())
  .addOption(beforeOption())
  .addOption(jsonOption('the page ({"items": […], "next": id or null})'))
  .action(async (options: TransfersOptions) => {
    process.exitCode = await transfersCommand(options, consoleOutput);
  });

program
  .command('transfer')
  .description('show one transfer request with its activity log and child requests')
  .argument('<id>', 'the transfer request id', id)
  .addOption(configOption())
  .addOption(dataOption(EXISTING_DATA_HELP))
  .addOption(jsonOption('the transfer request'))
  .action(async (transferId: number, options: StoreCommandOptions) => {
    process.exitCode = await transferCommand(transferId, options, consoleOutput);
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
