/**
 * How a worker loop waits for work: it looks, and when there was nothing it rests until woken
 * (new work was stored) or until `idleMs` has passed (work that became due by time). A wake-up
 * that comes while the loop is looking is not lost: the next rest ends at once.
 */
export class WakeSignal {
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(private readonly idleMs: number) {}

  wake(): void {
    this.woken = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  /** Call before each look: it covers every wake-up so far. */
  looking(): void {
    this.woken = false;
  }

  /** Rests until woken or `idleMs` passed; at once when woken since the last look. */
  rest(): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, this.idleMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
