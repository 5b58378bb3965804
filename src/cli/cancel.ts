/**
 * `hookyard cancel`: end queued or retrying transfer requests without running them, directly in
 * the store (the data directory's, or the configured PostgreSQL database) — by id, or every one a
 * filter matches (a count first, then a progress bar). Running requests are never cancelled.
 * Cancelled requests can be replayed.
 */
import { systemClock } from '../clock.js';
import { cancelAll } from '../engine/cancel.js';
import { cancelFilterSchema } from '../api/cancel.js';
import type { Output } from './commands.js';
import { withStore } from './with-store.js';
import { fail, progress } from './progress.js';
import { printJson } from './json.js';

export interface CancelOptions {
  config: string;
  data: string;
  status?: string;
  connection?: string;
  scope?: string;
  since?: string;
  until?: string;
  transfer?: number;
  /** Only count what would be cancelled. */
  dryRun?: boolean;
  /** The result as one JSON document on stdout. */
  json?: boolean;
}

export async function cancelCommand(options: CancelOptions, output: Output, tty = process.stderr.isTTY): Promise<number> {
  return withStore(options, output, async (store) => {
    if (options.transfer !== undefined) {
      const before = await store.getTransfer(options.transfer);
      if (!before) return fail(output, 'HY_ERR_TRANSFER_NOT_FOUND', `no transfer ${options.transfer}`);
      const transfer = await store.cancelTransfer(options.transfer, 'cli', systemClock.now());
      if (!transfer) return fail(output, 'HY_ERR_TRANSFER_NOT_CANCELLABLE', `transfer ${options.transfer} is ${(await store.getTransfer(options.transfer))?.status}`);
      if (options.json) printJson(output, { transfer });
      else output.out(`transfer ${options.transfer} (${transfer.scope} ${transfer.externalId ?? `hub ${transfer.hubId}`}) cancelled`);
      return 0;
    }
    const parsed = cancelFilterSchema.safeParse({
      status: options.status,
      connection: options.connection,
      scope: options.scope,
      since: options.since,
      until: options.until,
    });
    if (!parsed.success) return fail(output, 'HY_ERR_QUERY_INVALID', parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
    const filter = parsed.data;
    const count = await store.countCancellable(filter);
    output.err(`${count} queued or retrying transfer request(s) match`);
    if (options.dryRun) {
      if (options.json) printJson(output, { dryRun: true, count });
      else output.out(`${count} transfer request(s) match; nothing was cancelled (--dry-run)`);
      return 0;
    }
    const shown = progress(output, tty, { endsOnly: true });
    const result = await cancelAll(store, filter, 'cli', systemClock, (done, total) => shown.bar(done, total));
    shown.end();
    if (options.json) printJson(output, { cancel: result.cancel, count: result.count });
    else output.out(`cancel ${result.cancel}: ${result.count} transfer request(s) cancelled (running ones are left to finish)`);
    return 0;
  });
}
