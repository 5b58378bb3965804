import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { ConnectionGuard, Guards, type CircuitChange, type GuardPolicy } from '../../src/engine/guard.js';
import { nextAttemptAt } from '../../src/engine/retry.js';

const policy: GuardPolicy = { rate: null, concurrent: null, circuit: { failures: 3, cooldownMs: 1000, probeIntervalMs: 200 } };

describe('the circuit breaker', () => {
  it('opens after N failures in a row, lets one probe through after the cooldown, and closes on its success', () => {
    const clock = new FakeClock(0);
    const guard = new ConnectionGuard(policy, clock);
    guard.failed(false);
    guard.failed(false);
    guard.succeeded(); // a success in between resets the count
    guard.failed(false);
    guard.failed(false);
    expect(guard.circuit).toBe('closed');
    guard.failed(false);
    expect(guard.circuit).toBe('open');
    expect(guard.admit()).toEqual({ admitted: false, until: 1000 });
    clock.advance(1000);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
    expect(guard.circuit).toBe('half-open');
    expect(guard.admit()).toMatchObject({ admitted: false }); // one probe at a time
    guard.succeeded();
    expect(guard.circuit).toBe('closed');
    expect(guard.admit()).toEqual({ admitted: true, probe: false });
  });

  it('after the cooldown, lets one probe through every probe interval — the wait never grows', () => {
    const clock = new FakeClock(0);
    const guard = new ConnectionGuard(policy, clock);
    for (let i = 0; i < 3; i++) guard.failed(false);
    const waits: number[] = [];
    for (let round = 0; round < 5; round++) {
      const closed = guard.admit();
      if (closed.admitted) throw new Error('expected open');
      waits.push(closed.until - clock.now());
      clock.set(closed.until);
      const probe = guard.admit();
      expect(probe).toEqual({ admitted: true, probe: true });
      expect(guard.admit()).toEqual({ admitted: false, until: clock.now() + 200 }); // the others look again in one interval
      guard.failed(true);
    }
    expect(waits).toEqual([1000, 200, 200, 200, 200]);
    // The system answers again: the next probe (at most one interval away) closes the circuit.
    clock.advance(200);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
    guard.succeeded();
    expect(guard.circuit).toBe('closed');
  });

  it('opens again for the configured cooldown after closing, however many probes failed before', () => {
    const clock = new FakeClock(0);
    const guard = new ConnectionGuard(policy, clock);
    for (let i = 0; i < 3; i++) guard.failed(false);
    for (let round = 0; round < 10; round++) {
      clock.advance(1000);
      expect(guard.admit()).toMatchObject({ admitted: true, probe: true });
      guard.failed(true);
    }
    clock.advance(1000);
    guard.admit();
    guard.succeeded();
    for (let i = 0; i < 3; i++) guard.failed(false);
    expect(guard.admit()).toEqual({ admitted: false, until: clock.now() + 1000 });
  });

  it('a probe that never reached the system lets the next one try', () => {
    const clock = new FakeClock(0);
    const guard = new ConnectionGuard(policy, clock);
    for (let i = 0; i < 3; i++) guard.failed(false);
    clock.advance(1000);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
    guard.settled(true);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
  });
});

describe('the throttle', () => {
  it('keeps calls at once under the limit', async () => {
    const guard = new ConnectionGuard({ ...policy, concurrent: 2 }, new FakeClock(0));
    let active = 0;
    let most = 0;
    const work = () =>
      guard.call(async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((r) => setTimeout(r, 5));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 10 }, work));
    expect(most).toBe(2);
  });

  it('waits for room in the rate window', async () => {
    const clock = new FakeClock(0);
    const guard = new ConnectionGuard({ ...policy, rate: { calls: 2, perMs: 60_000 } }, clock);
    const done: number[] = [];
    await guard.call(async () => done.push(1));
    await guard.call(async () => done.push(2));
    const third = guard.call(async () => done.push(3));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toEqual([1, 2]); // the third waits: two calls in the last minute
    clock.advance(60_000);
    await third;
    expect(done).toEqual([1, 2, 3]);
  });
});

describe('the retry schedule', () => {
  const ipaas = { maxAttempts: 4, delaysMs: null };
  it("follows iPaaS's 10·n·(n+1) minutes, with jitter of ±20 %", () => {
    const minute = 60_000;
    expect(nextAttemptAt(ipaas, 1, 0, null, () => 0.5)).toBe(20 * minute);
    expect(nextAttemptAt(ipaas, 2, 0, null, () => 0.5)).toBe(60 * minute);
    expect(nextAttemptAt(ipaas, 3, 0, null, () => 0.5)).toBe(120 * minute);
    expect(nextAttemptAt(ipaas, 1, 0, null, () => 0)).toBe(16 * minute);
    expect(nextAttemptAt(ipaas, 1, 0, null, () => 1)).toBe(24 * minute);
    expect(nextAttemptAt(ipaas, 4, 0, null, () => 0.5)).toBeNull();
  });

  it('uses configured delays (the last repeats) and honours a longer Retry-After', () => {
    const policy = { maxAttempts: 10, delaysMs: [1000, 5000] };
    expect(nextAttemptAt(policy, 1, 0, null, () => 0.5)).toBe(1000);
    expect(nextAttemptAt(policy, 5, 0, null, () => 0.5)).toBe(5000);
    expect(nextAttemptAt(policy, 1, 0, 90_000, () => 0.5)).toBe(90_000);
  });
});

describe('circuit changes', () => {
  it('are told once when a circuit opens and once when it closes; a failed probe keeps it open without a word', () => {
    const clock = new FakeClock(0);
    const changes: CircuitChange[] = [];
    const guards = new Guards(() => policy, clock, (change) => changes.push(change));
    const guard = guards.for('shop');
    for (let i = 0; i < 3; i++) guard.failed(false);
    expect(changes).toEqual([{ connection: 'shop', state: 'open', until: 1000 }]);
    guard.failed(false); // already open
    clock.set(1000);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
    guard.failed(true); // the probe failed: still open
    expect(changes).toHaveLength(1);
    clock.set(1200);
    expect(guard.admit()).toEqual({ admitted: true, probe: true });
    guard.succeeded();
    guard.succeeded(); // already closed
    expect(changes).toEqual([
      { connection: 'shop', state: 'open', until: 1000 },
      { connection: 'shop', state: 'closed' },
    ]);
  });
});
