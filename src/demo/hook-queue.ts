/**
 * Outgoing webhooks of a demo system: an in-memory queue delivered strictly in order, one at a
 * time, after the change that caused them (like real shops, never inside the API call). A
 * delivery that fails with a network error or a non-2xx, non-4xx status is retried after each of
 * `retryDelaysMs`; a 4xx is final, because the receiver has said the hook itself is wrong.
 * Every attempt is logged, so tests can see retries.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { networkErrorMessage } from '../errors.js';

/** What a system knows about a delivery when it builds its headers. */
export interface QueuedHook<M> {
  meta: M;
  /** The raw body; built once when queued, so retries send the same bytes. */
  body: string;
  /** Stable across retries, like `X-Shopify-Webhook-Id`. */
  deliveryId: string;
  /** When the change happened (queued), not when this attempt is made. */
  triggeredAt: Date;
}

export type HookAttempt<M> = M & {
  deliveryId: string;
  attempt: number;
  /** HTTP status, or 0 when no answer came (network error, timeout). */
  status: number;
  error?: string;
};

export interface HookQueueOptions<M> {
  url: string;
  headers(hook: QueuedHook<M>): Record<string, string>;
  /** Waits before the 2nd, 3rd, … attempt; attempts = 1 + length. */
  retryDelaysMs: readonly number[];
  timeoutMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [50, 200, 500];

export class HookQueue<M> {
  /** Every delivery attempt, oldest first. */
  readonly sent: HookAttempt<M>[] = [];
  private readonly pending: QueuedHook<M>[] = [];
  private running = false;
  private paused = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly stop = new AbortController();

  constructor(private readonly options: HookQueueOptions<M>) {}

  enqueue(meta: M, body: unknown): void {
    if (this.closed) return;
    this.pending.push({ meta, body: JSON.stringify(body), deliveryId: randomUUID(), triggeredAt: new Date() });
    // setImmediate, not a microtask: the API response that caused the change is written first.
    setImmediate(() => void this.pump());
  }

  /** Holds deliveries that have not started; one already being delivered (or retried) finishes. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    setImmediate(() => void this.pump());
  }

  /** Resolves once every queued delivery has finished, delivered or finally failed. While paused
   * with deliveries waiting it resolves only after `resume()`. */
  settle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued and aborts what is in flight; settle() then resolves. */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
    this.stop.abort();
    this.notifyIdle();
  }

  private idle(): boolean {
    return !this.running && (this.pending.length === 0 || this.closed);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (!this.paused && !this.closed && this.pending.length > 0) {
      await this.deliver(this.pending[0]!);
      this.pending.shift();
    }
    this.running = false;
    if (this.idle()) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async deliver(hook: QueuedHook<M>): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      const { status, error } = await this.post(hook);
      if (this.closed) return;
      this.sent.push({ ...hook.meta, deliveryId: hook.deliveryId, attempt, status, ...(error ? { error } : {}) });
      const final = (status >= 200 && status < 300) || (status >= 400 && status < 500);
      const delay = this.options.retryDelaysMs[attempt - 1];
      if (final || delay === undefined) return;
      try {
        await sleep(delay, undefined, { signal: this.stop.signal });
      } catch {
        return; // closed while waiting
      }
    }
  }

  private async post(hook: QueuedHook<M>): Promise<{ status: number; error?: string }> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: this.options.headers(hook),
        body: hook.body,
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]),
      });
      // Read the answer to the end so the keep-alive connection can be reused.
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { status: 0, error: networkErrorMessage(error) };
    }
  }
}
