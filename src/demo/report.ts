/**
 * What `hookyard demo` prints while it runs, besides the traffic: a progress line from the store's
 * counts, and problems — failed or unusually slow transfers, unreadable hooks, refused hooks.
 * The demo runs the hub without its JSON logger, so this is where failures show.
 */
import type { TransferRequest } from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { DemoErp } from './erp.js';
import type { DemoShop } from './shop.js';

/** The two demo systems, as far as reports read them. */
export interface ReportedSystems {
  shop: Pick<DemoShop, 'products' | 'hooksSent'> & Partial<Pick<DemoShop, 'collections'>>;
  erp: Pick<DemoErp, 'items' | 'hooksSent'> & Partial<Pick<DemoErp, 'categories'>>;
}

/** `hooks 42 · transfers: 61 succeeded, 3 skipped (echo 2), 0 retrying, 0 dead · shop products 6 · erp items 6 · categories polled → shop collections 3` */
export async function progressLine(store: Store, systems: ReportedSystems): Promise<string> {
  const { hooks, transfers, reasons } = await store.counts();
  const total = Object.values(hooks).reduce((sum, n) => sum + n, 0);
  // Work not finished yet is shown only when there is some: usually there is none, and the line stays short.
  const pending = transfers.queued + transfers.running;
  return [
    `hooks ${total}`,
    `transfers: ${transfers.succeeded} succeeded, ${transfers.skipped} skipped (echo ${reasons.echo ?? 0}), ` +
      `${transfers.retrying} retrying, ${transfers.dead} dead${pending > 0 ? `, ${pending} in progress` : ''}`,
    `shop products ${systems.shop.products.size}`,
    `erp items ${systems.erp.items.size}`,
    ...(systems.shop.collections ? [`categories polled → shop collections ${systems.shop.collections.size}`] : []),
  ].join(' · ');
}

/** A demo transfer running longer than this is reported (10 s: they normally take milliseconds). */
const SLOW_TRANSFER_MS = 10_000;

/**
 * Transfers that failed (retrying or dead), transfers running unusually long, and hooks
 * that could not be read, each reported once per attempt. The demo runs the hub without its JSON
 * logger, so this is where failures show.
 */
export class ProblemWatch {
  /** Transfer id → `status:attempt` already reported; only ids still in the latest listings are kept. */
  private transfers = new Map<number, string>();
  private hooks = new Set<number>();

  constructor(
    private readonly store: Store,
    /** The hub's transfer lease, for the message about a long-running transfer. */
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async newProblems(): Promise<string[]> {
    const lines: string[] = [];
    const seen = new Map<number, string>();
    const report = (t: TransferRequest, what: string) => {
      // Keyed by status too: a transfer reported as slow is reported again when it ends dead.
      const key = `${t.status}:${t.attempts}`;
      seen.set(t.id, key);
      if (this.transfers.get(t.id) === key) return;
      lines.push(`transfer ${t.id} ${t.connection} ${t.scope} ${t.direction}: ${what}`.trim());
    };
    for (const t of (await this.store.listTransfers({ status: 'dead', limit: 20 })).items) {
      report(t, `dead after ${t.attempts} attempt(s): ${t.lastErrorCode ?? ''} ${t.lastError ?? t.reason ?? ''}`);
    }
    for (const t of (await this.store.listTransfers({ status: 'retrying', limit: 20 })).items) {
      report(t, `attempt ${t.attempts} failed, will retry: ${t.lastErrorCode ?? ''} ${t.lastError ?? ''}`);
    }
    // A claim sets updatedAt. Demo transfers take milliseconds: one running this long is hung on a
    // system, or its worker could not record the outcome (that error goes to the hub's logger,
    // which the demo turns off). Either way it is claimed again when its lease ends.
    for (const t of (await this.store.listTransfers({ status: 'running', limit: 50 })).items) {
      const runningMs = this.now() - t.updatedAt;
      if (runningMs > SLOW_TRANSFER_MS) {
        report(t, `attempt ${t.attempts} running for ${Math.round(runningMs / 1000)} s; claimed again when its ${this.leaseMs / 1000} s lease ends`);
      }
    }
    this.transfers = seen;
    const hookIds = new Set<number>();
    for (const hook of (await this.store.listHooks({ status: 'failed', limit: 20 })).items) {
      hookIds.add(hook.id);
      if (!this.hooks.has(hook.id)) lines.push(`hook ${hook.id} from ${hook.connection} could not be read: ${hook.errorCode ?? ''} ${hook.errorMessage ?? ''}`.trim());
    }
    this.hooks = hookIds;
    return lines;
  }
}

/**
 * Hooks the hub answered with a 4xx, which the systems do not send again (a wrong key or
 * signature, say): they never reach the store, so only the sending side can tell.
 */
export class RefusalWatch {
  private counted = { shop: 0, erp: 0 };

  constructor(private readonly systems: ReportedSystems) {}

  newRefusals(): string[] {
    const lines: string[] = [];
    for (const name of ['shop', 'erp'] as const) {
      const refused = this.systems[name].hooksSent.filter((a) => a.status >= 400 && a.status < 500);
      const fresh = refused.slice(this.counted[name]);
      this.counted[name] = refused.length;
      if (fresh.length > 0) {
        const statuses = [...new Set(fresh.map((a) => a.status))].join(', ');
        lines.push(`the hub refused ${fresh.length} hook(s) from the ${name} (${statuses}); its webhook credentials and the config disagree?`);
      }
    }
    return lines;
  }
}

