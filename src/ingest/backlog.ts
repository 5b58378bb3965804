/**
 * The inbox backlog, read from the store once a second (not per request): past the limit, ingest
 * answers 429 with Retry-After instead of letting the inbox grow without bound. In-process hooks
 * still waiting for their group commit count too.
 */
import type { Store } from '../store/store.js';

export class BacklogGauge {
  private stored = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.look();
    this.timer = setInterval(() => void this.look(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get value(): number {
    return this.stored;
  }

  private async look(): Promise<void> {
    try {
      this.stored = await this.store.backlog();
    } catch (error) {
      this.onError(error);
    }
  }
}
