/**
 * The commands that read the hub's store and change nothing: `hookyard hooks` and `hookyard
 * transfers` list the newest first (a page of --limit, then --before the last id shown), `hookyard
 * hook ID` and `hookyard transfer ID` show one with what it led to. Each prints a table for people,
 * or with --json one JSON document (times as ISO 8601 text) for scripts. Each needs a store that
 * exists (HY_ERR_STORE_MISSING otherwise): reading never creates one.
 */
import type { HookStatus, StoredHook, TransferRequest, TransferStatus } from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { Output } from './commands.js';
import { withStore } from './with-store.js';
import { fail } from './progress.js';
import { formatTable } from './table.js';
import { formatTime, printJson } from './json.js';
import { bodyForDisplay } from '../api/plugin.js';

export interface StoreCommandOptions {
  config: string;
  data: string;
  json?: boolean;
}

export interface HooksOptions extends StoreCommandOptions {
  status?: HookStatus;
  connection?: string;
  before?: number;
  limit: number;
}

export interface TransfersOptions extends StoreCommandOptions {
  status?: TransferStatus;
  connection?: string;
  scope?: string;
  before?: number;
  limit: number;
}

/** `more: hookyard … --before N` when there is an older page. */
function nextPage(output: Output, command: string, next: number | null): void {
  if (next !== null) output.err(`older ones: hookyard ${command} --before ${next}`);
}

export function hooksCommand(options: HooksOptions, output: Output): Promise<number> {
  return withStore(options, output, async (store) => {
    const page = await store.listHooks({ status: options.status, connection: options.connection, before: options.before, limit: options.limit });
    if (options.json) {
      printJson(output, page);
      return 0;
    }
    if (page.items.length === 0) {
      output.out('no hooks match');
      return 0;
    }
    const rows = page.items.map((h) => [String(h.id), formatTime(h.receivedAt), h.connection, h.status, String(h.bodyBytes), h.errorCode ? `${h.errorCode}: ${h.errorMessage ?? ''}` : '']);
    output.out(formatTable(['ID', 'RECEIVED', 'CONNECTION', 'STATUS', 'BYTES', 'ERROR'], rows, ''));
    nextPage(output, 'hooks', page.next);
    return 0;
  });
}

export function transfersCommand(options: TransfersOptions, output: Output): Promise<number> {
  return withStore(options, output, async (store) => {
    const page = await store.listTransfers({ status: options.status, connection: options.connection, scope: options.scope, before: options.before, limit: options.limit });
    if (options.json) {
      printJson(output, page);
      return 0;
    }
    if (page.items.length === 0) {
      output.out('no transfer requests match');
      return 0;
    }
    output.out(formatTable(TRANSFER_HEADERS, page.items.map(transferRow), ''));
    nextPage(output, 'transfers', page.next);
    return 0;
  });
}

const TRANSFER_HEADERS = ['ID', 'CREATED', 'CONNECTION', 'DIRECTION', 'SCOPE', 'EXTERNAL ID', 'STATUS', 'ATTEMPTS', 'NOTE'];

function transferRow(t: TransferRequest): string[] {
  const note =
    t.status === 'retrying' ? `next ${formatTime(t.runAt)}${t.lastErrorCode ? ` after ${t.lastErrorCode}` : ''}` : t.lastErrorCode && t.status === 'dead' ? `${t.lastErrorCode}: ${t.lastError ?? ''}` : (t.reason ?? '');
  return [String(t.id), formatTime(t.createdAt), t.connection, t.direction, t.scope, t.externalId ?? (t.hubId !== null ? `hub ${t.hubId}` : ''), t.status, String(t.attempts), note];
}

function hookForOutput(hook: StoredHook) {
  const { body, bodyGuard: _guard, ...rest } = hook;
  return { ...rest, bodyBytes: body.length, body: bodyForDisplay(body) };
}

export function hookCommand(id: number, options: StoreCommandOptions, output: Output): Promise<number> {
  return withStore(options, output, async (store) => {
    const hook = await store.getHook(id);
    if (!hook) return fail(output, 'HY_ERR_HOOK_NOT_FOUND', `no hook ${id}`);
    const [notifications, transfers] = await Promise.all([store.notificationsOf(id), store.transfersOf(id)]);
    if (options.json) {
      printJson(output, { hook: hookForOutput(hook), notifications, transfers });
      return 0;
    }
    output.out(`hook ${hook.id} — ${hook.connection}, ${hook.status}`);
    output.out(`  received  ${formatTime(hook.receivedAt)}`);
    output.out(`  resolved  ${formatTime(hook.resolvedAt)}`);
    if (hook.errorCode) output.out(`  error     ${hook.errorCode}: ${hook.errorMessage ?? ''}`);
    output.out(`  body      ${hook.body.length} bytes${hook.contentType ? ` (${hook.contentType})` : ''}`);
    output.out('');
    output.out(notifications.length ? formatTable(['SEQ', 'HOOK NAME', 'SCOPE', 'EXTERNAL ID', 'STATUS', 'REASON'], notifications.map((n) => [String(n.seq), n.hookName ?? '', n.scope ?? '', n.externalId ?? '', n.status, n.reason ?? ''])) : '  no notifications');
    output.out('');
    output.out(transfers.length ? formatTable(TRANSFER_HEADERS, transfers.map(transferRow)) : '  no transfer requests');
    return 0;
  });
}

export function transferCommand(id: number, options: StoreCommandOptions, output: Output): Promise<number> {
  return withStore(options, output, async (store) => {
    const transfer = await store.getTransfer(id);
    if (!transfer) return fail(output, 'HY_ERR_TRANSFER_NOT_FOUND', `no transfer ${id}`);
    const [activity, children] = await Promise.all([store.activityOf(id), store.childrenOf(id)]);
    if (options.json) {
      printJson(output, { transfer, activity, children });
      return 0;
    }
    const t = transfer;
    output.out(`transfer ${t.id} — ${t.connection} ${t.direction} ${t.scope} ${t.externalId ?? ''}, ${t.status}`.trimEnd());
    output.out(`  created   ${formatTime(t.createdAt)}`);
    output.out(`  updated   ${formatTime(t.updatedAt)}`);
    if (t.status === 'queued' || t.status === 'retrying') output.out(`  runs at   ${formatTime(t.runAt)}`);
    if (t.finishedAt !== null) output.out(`  finished  ${formatTime(t.finishedAt)}`);
    output.out(`  attempts  ${t.attempts}`);
    if (t.hookId !== null) output.out(`  hook      ${t.hookId}`);
    if (t.parentId !== null) output.out(`  parent    ${t.parentId}`);
    if (t.reason) output.out(`  reason    ${t.reason}`);
    if (t.lastErrorCode) output.out(`  error     ${t.lastErrorCode}: ${t.lastError ?? ''}`);
    output.out('');
    output.out(activity.length ? formatTable(['AT', 'STEP', 'DETAIL'], activity.map((a) => [formatTime(a.at), a.step, a.detail ?? ''])) : '  no activity');
    if (children.length) {
      output.out('');
      output.out(formatTable(TRANSFER_HEADERS, children.map(transferRow)));
    }
    return 0;
  });
}
