/**
 * The database's clock, for processes that share a store across machines. Leases, due times and
 * debounce windows are times every process compares: taken from each machine's own clock, a
 * machine running a second fast would take a lease over a second early. So such a process reads
 * the time as the database has it: it measures its clock's offset from the database's (half the
 * round trip assumed each way, the reading with the shortest round trip of a few kept) when it
 * starts and again every `refreshMs`, and adds it to its own clock between. The store still takes
 * `now` from its caller, as with SQLite; only where `now` comes from changes.
 */
import type { Clock } from '../clock.js';
import type { Store } from './store.js';

const SAMPLES = 3;
const REFRESH_MS = 60_000;

export class DatabaseClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly databaseNow: () => Promise<number>,
    private readonly local: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The clock to run on `store`: the database's when it has one, else `local` itself. */
  static async of(store: Store, local: Clock, onError: (error: unknown) => void = () => {}, refreshMs = REFRESH_MS): Promise<Clock> {
    if (!store.databaseNow) return local;
    const clock = new DatabaseClock(() => store.databaseNow!(), local, onError);
    await clock.measure();
    clock.timer = setInterval(() => void clock.measure().catch(onError), refreshMs);
    clock.timer.unref();
    return clock;
  }

  now(): number {
    return this.local.now() + this.offsetMs;
  }

  /** The database's time minus this machine's, ms. */
  get offset(): number {
    return this.offsetMs;
  }

  async measure(): Promise<void> {
    let best: { roundTrip: number; offset: number } | null = null;
    for (let i = 0; i < SAMPLES; i++) {
      const sent = this.local.now();
      const database = await this.databaseNow();
      const received = this.local.now();
      const roundTrip = received - sent;
      const offset = database - (sent + roundTrip / 2);
      if (best === null || roundTrip < best.roundTrip) best = { roundTrip, offset };
    }
    this.offsetMs = Math.round(best!.offset);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
