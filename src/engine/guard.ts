/**
 * What stands between the engine and one connection's system: a throttle (calls per window and
 * calls at once) and a circuit breaker. Kept in memory, per process: each process protects the
 * system from its own calls, and a restart starts closed.
 *
 * Circuit: closed → (N retryable failures in a row) → open: for `cooldown` no call is made, and
 * requests wait without spending attempts → half-open: one request probes → success closes it;
 * failure keeps it open and the next probe goes out `probeInterval` later. Neither wait grows: a
 * system that answers again is called again within one probe interval (5 s by default), where a
 * cooldown that doubled after each failed probe kept a recovered system waiting for up to 10 min.
 */
import type { Clock } from '../clock.js';
import type { GuardPolicy } from '../config/types.js';

export type { GuardPolicy };

export type Admission = { admitted: true; probe: boolean } | { admitted: false; until: number };

/** A circuit opened (from closed: a probe that fails keeps it open and says nothing) or closed again. */
export type CircuitChange = { connection: string; state: 'open'; until: number } | { connection: string; state: 'closed' };

export class ConnectionGuard {
  private readonly calls: number[] = []; // start times within the rate window
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private failuresInARow = 0;
  /** While open: when the next probe may go out. */
  private nextProbeAt = 0;
  private probing = false;
  private state: 'closed' | 'open' | 'half-open' = 'closed';

  constructor(
    readonly policy: GuardPolicy,
    private readonly clock: Clock,
    private readonly changed: (change: { state: 'open'; until: number } | { state: 'closed' }) => void = () => {},
  ) {}

  get circuit(): 'closed' | 'open' | 'half-open' {
    return this.state;
  }

  /** Whether a transfer may call the system now; when open, until when it should wait. */
  admit(): Admission {
    if (this.state === 'closed') return { admitted: true, probe: false };
    const now = this.clock.now();
    if (this.state === 'open' && now < this.nextProbeAt) return { admitted: false, until: this.nextProbeAt };
    // A probe is out: the others look again in one probe interval, by when it has answered.
    if (this.probing) return { admitted: false, until: now + this.policy.circuit.probeIntervalMs };
    this.state = 'half-open';
    this.probing = true;
    return { admitted: true, probe: true };
  }

  /** The system answered (or refused for a reason of the request's own): it is up. */
  succeeded(): void {
    this.failuresInARow = 0;
    this.probing = false;
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.changed({ state: 'closed' });
  }

  /** The system is down or overloaded (a retryable failure). */
  failed(probe: boolean): void {
    this.failuresInARow += 1;
    if (probe || this.state === 'half-open') {
      this.probing = false;
      this.open(this.policy.circuit.probeIntervalMs);
    } else if (this.state === 'closed' && this.failuresInARow >= this.policy.circuit.failures) {
      this.open(this.policy.circuit.cooldownMs);
    }
  }

  /** Ends a probe that neither succeeded nor failed against the system (e.g. a skipped request). */
  settled(probe: boolean): void {
    if (probe) this.probing = false;
  }

  private open(forMs: number): void {
    const wasClosed = this.state === 'closed';
    this.state = 'open';
    this.nextProbeAt = this.clock.now() + forMs;
    if (wasClosed) this.changed({ state: 'open', until: this.nextProbeAt });
  }

  /** Runs one call to the system within the throttle: waits for a slot and for the rate window. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  private async acquire(): Promise<void> {
    for (;;) {
      if (this.policy.concurrent !== null && this.active >= this.policy.concurrent) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      const wait = this.rateWait();
      if (wait > 0) {
        // In slices: the window is measured on the injected clock, the sleep on the real one.
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 250)));
        continue;
      }
      this.active += 1;
      if (this.policy.rate) this.calls.push(this.clock.now());
      return;
    }
  }

  /** Milliseconds until the rate window has room for one more call. */
  private rateWait(): number {
    const rate = this.policy.rate;
    if (!rate) return 0;
    const now = this.clock.now();
    while (this.calls.length > 0 && this.calls[0]! <= now - rate.perMs) this.calls.shift();
    return this.calls.length < rate.calls ? 0 : this.calls[0]! + rate.perMs - now;
  }
}

/** One guard per connection, made on first use. */
export class Guards {
  private readonly guards = new Map<string, ConnectionGuard>();

  constructor(
    private readonly policyOf: (connection: string) => GuardPolicy,
    private readonly clock: Clock,
    /** Told when a connection's circuit opens or closes. */
    private readonly onChange: (change: CircuitChange) => void = () => {},
  ) {}

  for(connection: string): ConnectionGuard {
    let guard = this.guards.get(connection);
    if (!guard) {
      guard = new ConnectionGuard(this.policyOf(connection), this.clock, (change) => this.onChange({ connection, ...change }));
      this.guards.set(connection, guard);
    }
    return guard;
  }

  /**
   * After a configuration reload: the guards whose policy changed (or whose connection is gone)
   * are dropped, and the next call makes one with the new policy (its circuit starts closed).
   * Calls already inside an old guard finish there. Returns the connections dropped.
   */
  refresh(): string[] {
    const dropped: string[] = [];
    for (const [name, guard] of this.guards) {
      if (JSON.stringify(guard.policy) !== JSON.stringify(this.policyOf(name))) {
        this.guards.delete(name);
        dropped.push(name);
      }
    }
    return dropped;
  }

  /** Circuit states, for /readyz and /metrics. */
  states(): Record<string, 'closed' | 'open' | 'half-open'> {
    return Object.fromEntries([...this.guards].map(([name, guard]) => [name, guard.circuit]));
  }
}
