/**
 * Keeps the leases of running work alive. A transfer or a feed page may wait on a slow system far
 * longer than its lease (a 429 with a long Retry-After, a large page): the lease is renewed every
 * third of its length while the run works, so it is taken over only when its process has stopped
 * or stalled — and then the fencing token makes every later write of the old run fail.
 */
import type { Clock } from '../clock.js';
import type { Claim, FeedClaim, Feeds, TransferQueue } from '../store/store.js';

/** Renew at a third of the lease: two renewals may be late or fail before the lease runs out. */
const RENEWALS_PER_LEASE = 3;

export interface LeaseDeps {
  clock: Clock;
  leaseMs: number;
  onError?: (error: unknown) => void;
}

/** The claims of the transfers (and their inline children) one worker runs, renewed together. */
export class TransferLeases {
  private readonly held = new Map<number, Claim>();
  /** Claims the store said no longer hold (taken over or ended elsewhere): id → token. */
  private readonly lostTokens = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<TransferQueue, 'renewTransfers'>,
    private readonly deps: LeaseDeps,
  ) {}

  hold(claim: Claim): void {
    this.held.set(claim.id, claim);
    if (!this.timer) {
      this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.deps.leaseMs / RENEWALS_PER_LEASE)));
      this.timer.unref();
    }
  }

  release(claim: Claim): void {
    if (this.held.get(claim.id)?.token === claim.token) this.held.delete(claim.id);
    if (this.lostTokens.get(claim.id) === claim.token) this.lostTokens.delete(claim.id);
    if (this.held.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /**
   * Whether the store refused to renew this claim, or one it runs inside: the run's writes will
   * be refused too, so it should make no further call to other systems either.
   */
  lost(claim: Claim): boolean {
    for (let c: Claim | null | undefined = claim; c; c = c.parent) if (this.lostTokens.get(c.id) === c.token) return true;
    return false;
  }

  /** Renews every held claim now (one store call); a renewal still running is not doubled. */
  renew(): Promise<void> {
    this.renewing ??= this.renewHeld().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async renewHeld(): Promise<void> {
    const claims = [...this.held.values()];
    if (claims.length === 0) return;
    try {
      const lost = new Set(await this.store.renewTransfers(claims, this.deps.clock.now(), this.deps.leaseMs));
      // By the claim sent: the same request may have been claimed again meanwhile under a new token.
      for (const claim of claims) {
        if (!lost.has(claim.id)) continue;
        if (this.held.get(claim.id)?.token === claim.token) this.held.delete(claim.id);
        this.lostTokens.set(claim.id, claim.token);
      }
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.held.clear();
    this.lostTokens.clear();
  }
}

/** A feed reader's lease, renewed while it reads; `lost` once another reader took the feed over. */
export class FeedLease {
  private timer: NodeJS.Timeout;
  private isLost = false;

  constructor(
    private readonly store: Pick<Feeds, 'renewFeed'>,
    readonly claim: FeedClaim,
    private readonly deps: LeaseDeps,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(deps.leaseMs / RENEWALS_PER_LEASE)));
    this.timer.unref();
  }

  get lost(): boolean {
    return this.isLost;
  }

  async renew(): Promise<void> {
    if (this.isLost) return;
    try {
      if (!(await this.store.renewFeed(this.claim, this.deps.clock.now(), this.deps.leaseMs))) {
        this.isLost = true;
        clearInterval(this.timer);
      }
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  release(): void {
    clearInterval(this.timer);
  }
}
