/**
 * `hookyard replay`: put dead (or other finished) transfer requests back in the queue, or read a
 * stored hook again, directly in the store (the data directory's, or the PostgreSQL database the
 * configuration names). A running hub picks the work up.
 */
import { systemClock } from '../clock.js';
import { replayAll } from '../engine/replay.js';
import { replayFilterSchema } from '../api/replay.js';
import type { Output } from './commands.js';
import { withStore } from './with-store.js';
import { fail, progress } from './progress.js';
import { printJson } from './json.js';

export interface ReplayOptions {
  config: string;
  data: string;
  status?: string;
  connection?: string;
  scope?: string;
  since?: string;
  until?: string;
  transfer?: number;
  hook?: number;
  /** Only count what would be replayed. */
  dryRun?: boolean;
  /** The result as one JSON document on stdout. */
  json?: boolean;
}

export async function replayCommand(options: ReplayOptions, output: Output, tty = process.stderr.isTTY): Promise<number> {
  // The configuration is loaded (a broken one would fail the replayed work again) before the store is opened.
  return withStore(options, output, async (store) => {
    if (options.hook !== undefined) {
      if (!(await store.getHook(options.hook))) return fail(output, 'HY_ERR_HOOK_NOT_FOUND', `no hook ${options.hook}`);
      const replay = await store.replayHook(options.hook, 'cli', systemClock.now());
      if (replay === null) return fail(output, 'HY_ERR_HOOK_NOT_REPLAYABLE', `hook ${options.hook} is being read already`);
      if (options.json) printJson(output, { hook: options.hook, replay });
      else output.out(`hook ${options.hook} will be read again (replay ${replay})`);
      return 0;
    }
    if (options.transfer !== undefined) {
      if (!(await store.getTransfer(options.transfer))) return fail(output, 'HY_ERR_TRANSFER_NOT_FOUND', `no transfer ${options.transfer}`);
      const transfer = await store.retryTransfer(options.transfer, 'cli', systemClock.now());
      if (!transfer) return fail(output, 'HY_ERR_TRANSFER_NOT_REPLAYABLE', `transfer ${options.transfer} is running or queued already`);
      if (options.json) printJson(output, { transfer });
      else output.out(`transfer ${options.transfer} (${transfer.scope} ${transfer.externalId ?? `hub ${transfer.hubId}`}) queued again`);
      return 0;
    }
    const parsed = replayFilterSchema.safeParse({
      status: options.status ?? 'dead',
      connection: options.connection,
      scope: options.scope,
      since: options.since,
      until: options.until,
    });
    if (!parsed.success) return fail(output, 'HY_ERR_QUERY_INVALID', parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
    const filter = parsed.data;
    if (options.dryRun) {
      const count = await store.countReplayable(filter);
      if (options.json) printJson(output, { dryRun: true, count });
      else output.out(`${count} transfer request(s) match; nothing was replayed (--dry-run)`);
      return 0;
    }
    const shown = progress(output, tty, { endsOnly: true });
    const { replay, count } = await replayAll(store, filter, 'cli', systemClock, (done, total) => shown.bar(done, total));
    shown.end();
    if (options.json) printJson(output, { replay, count });
    else output.out(`replay ${replay}: ${count} transfer request(s) queued again`);
    return 0;
  });
}
