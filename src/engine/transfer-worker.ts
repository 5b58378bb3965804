/**
 * The transfer worker: keeps up to `concurrency` transfer requests running, claiming more as
 * slots free up. Claims carry a lease, renewed while the run works, so a crashed (or stalled)
 * worker's requests are claimed again once it expires — and the old run's writes are refused. The
 * store hands out only the first request in line for each record, so one record's requests never
 * run at once and run in arrival order.
 *
 * Resolution first: while hooks wait to be resolved, it claims only requests that have been due for
 * `engine.resolveFirst` (5 s) at least, so that those hooks fold into the waiting requests instead
 * of each running them once more (claim-horizon.ts). It looks again whenever the resolver saves a
 * batch (the last one empties the inbox), and at least every `idleMs`: a held request starts within
 * `idleMs` of its hold running out.
 */
import { claimHorizon } from './claim-horizon.js';
import { TransferLeases } from './leases.js';
import { runTransfer, type EngineDeps } from './run-transfer.js';
import { WakeSignal } from './wake.js';

export interface TransferWorkerOptions extends EngineDeps {
  concurrency: number;
  /** How long an idle worker waits before it looks for due retries without being woken. */
  idleMs: number;
  onError?: (error: unknown) => void;
}

export class TransferWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly signal: WakeSignal;
  private readonly leases: TransferLeases;

  constructor(private readonly options: TransferWorkerOptions) {
    this.signal = new WakeSignal(options.idleMs);
    this.leases = new TransferLeases(options.store, options);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** There may be work: new requests were queued, or a slot freed up. */
  wake(): void {
    this.signal.wake();
  }

  /**
   * Stops claiming and waits up to `graceMs` for the transfers in flight to end; what is still
   * running then is handed back to the store (queued again, the attempt not counted) for another
   * worker, and resolves with how many were handed back. A late answer from one of them is then
   * ignored: the lease is no longer this worker's.
   */
  async stop(graceMs = 10_000): Promise<number> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    this.leases.stop();
    if (result === 'done') return 0;
    return this.options.store.releaseTransfers(this.options.worker, this.options.clock.now());
  }

  /** Claims what is runnable now (up to the free slots) and runs it to the end; resolves with the count. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    await Promise.allSettled(claimed);
    return claimed.length;
  }

  private async claim(): Promise<Array<Promise<void>>> {
    const { store, clock, worker, leaseMs, concurrency } = this.options;
    const free = concurrency - this.inFlight.size;
    if (free <= 0) return [];
    const now = clock.now();
    const transfers = await store.claimTransfers(worker, free, now, leaseMs, await this.dueBy(now));
    const deps = { ...this.options, leases: this.leases };
    return transfers.map((transfer) => {
      this.leases.hold(transfer.claim);
      const running: Promise<void> = runTransfer(deps, transfer)
        .then(() => undefined, (error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.leases.release(transfer.claim);
          this.inFlight.delete(running);
          this.wake();
        });
      this.inFlight.add(running);
      return running;
    });
  }

  /** How far this claim reaches (claim-horizon.ts); the inbox is not asked when the hold is off. */
  private async dueBy(now: number): Promise<number> {
    const { resolveFirstMs } = this.options.config.engine;
    if (resolveFirstMs <= 0) return now;
    return claimHorizon(now, await this.options.store.backlog(), resolveFirstMs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.signal.looking();
      let claimed = 0;
      let free = 0;
      try {
        free = this.options.concurrency - this.inFlight.size;
        claimed = (await this.claim()).length;
      } catch (error) {
        this.options.onError?.(error);
      }
      // All free slots filled: look again at once (more may be waiting). Otherwise wait to be woken.
      if (claimed > 0 && claimed === free) {
        // Claims and quick outcomes may finish without real I/O: let requests in between rounds.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      if (this.running) await this.signal.rest();
    }
  }

}
