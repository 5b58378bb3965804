/**
 * Alerts: operational events the operator's own systems should hear about, sent as webhooks
 * signed the Standard Webhooks way (https://www.standardwebhooks.com): headers `webhook-id`,
 * `webhook-timestamp` (seconds) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{body}" keyed with the secret's bytes after "whsec_"); the body is
 * `{ "type", "timestamp", "data" }`.
 *
 * Sending never slows the engine: the event listener only queues. Each target has its own bounded
 * queue, drained in order by its own loop, one alert at a time; a failed attempt (an error status,
 * a refused connection, no answer within the timeout) is tried again after a backoff, with the same
 * webhook-id so that the receiver can tell a retry from a new alert. A full queue drops its oldest
 * alert and says so in the log.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { AlertTarget, AlertType } from '../config/types.js';
import { DEFAULTS } from '../config/defaults.js';
import { targetName } from '../config/database-url.js';
import type { WaitingWork } from '../store/store.js';
import type { OpsEvent } from './events.js';
import type { EventLogger } from './log-events.js';

export interface Alert {
  /** The webhook-id: the same on every attempt. */
  id: string;
  type: AlertType;
  /** When it happened (ms since the epoch). */
  at: number;
  data: Record<string, unknown>;
}

/** The alert an operational event is, if any (backlog.high comes from the backlog watch instead). */
export function alertOf(event: OpsEvent): Pick<Alert, 'type' | 'data'> | null {
  switch (event.type) {
    case 'transfer.finished': {
      if (event.outcome.status !== 'dead') return null;
      const { transfer, outcome } = event;
      return {
        type: 'transfer.dead',
        data: {
          transfer: transfer.id,
          connection: transfer.connection,
          direction: transfer.direction,
          scope: transfer.scope,
          type: transfer.type,
          externalId: transfer.externalId,
          hubId: transfer.hubId ?? outcome.hubId,
          hook: transfer.hookId,
          attempts: transfer.attempts,
          errorCode: outcome.errorCode,
          error: outcome.error,
          reasonCode: outcome.reasonCode,
          reason: outcome.reason,
        },
      };
    }
    case 'circuit.opened':
      return { type: 'circuit.opened', data: { connection: event.connection, until: new Date(event.until).toISOString() } };
    case 'circuit.closed':
      return { type: 'circuit.closed', data: { connection: event.connection } };
    case 'feed.failed':
      return { type: 'feed.failed', data: { connection: event.connection, dataType: event.dataType, kind: event.kind, error: event.error } };
    default:
      return null;
  }
}

/** Below this share of the threshold the backlog counts as having fallen, and the next crossing is news. */
export const BACKLOG_REARM_SHARE = 0.8;

/**
 * backlog.high with hysteresis: true once when the backlog reaches `high`, then false until it has
 * fallen below 80 % of it — a backlog hovering around the threshold is one alert, not one per look.
 */
export class BacklogAlarm {
  private raised = false;

  constructor(readonly high: number) {}

  /** True when this value is a new crossing. */
  observe(waiting: number): boolean {
    if (this.raised) {
      if (waiting < this.high * BACKLOG_REARM_SHARE) this.raised = false;
      return false;
    }
    if (waiting < this.high) return false;
    this.raised = true;
    return true;
  }
}

/** The webhook-signature header value for one attempt. */
export function signAlert(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(secret.indexOf('_') + 1), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}


export interface AlertSenderOptions {
  /** Wall-clock time, for webhook-timestamp (receivers compare it with theirs). Default Date.now. */
  now?: () => number;
  log: EventLogger;
  /** Default DEFAULTS.alertQueueSize. */
  queueSize?: number;
  /** Default DEFAULTS.alertTimeoutMs. */
  timeoutMs?: number;
  /** The waits between attempts; their count plus one is the attempts made. Default DEFAULTS.alertRetryDelaysMs. */
  retryDelaysMs?: readonly number[];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One target's queue and the loop that drains it. */
export class AlertSender {
  private readonly queue: Alert[] = [];
  /** The alert being sent (out of the queue: a full queue never drops it). */
  private current: Alert | null = null;
  private draining: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private closed = false;
  /** Dropped since the last line about it. */
  private dropped = 0;
  readonly name: string;
  private readonly now: () => number;
  private readonly queueSize: number;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(
    readonly target: Pick<AlertTarget, 'url' | 'secret'>,
    private readonly options: AlertSenderOptions,
  ) {
    this.name = targetName(target.url);
    this.now = options.now ?? Date.now;
    this.queueSize = options.queueSize ?? DEFAULTS.alertQueueSize;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.alertTimeoutMs;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULTS.alertRetryDelaysMs;
  }

  /** Alerts queued or being sent. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  send(alert: Alert): void {
    if (this.closed) return;
    this.queue.push(alert);
    if (this.queue.length > this.queueSize) {
      this.queue.shift();
      // The first drop is logged at once; the ones after it are counted until the next delivery ends.
      if (this.dropped === 0) this.options.log.warn({ target: this.name, queueSize: this.queueSize }, `alert queue for ${this.name} is full (${this.queueSize}): dropping the oldest alerts`);
      this.dropped += 1;
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  /**
   * Lets queued alerts go out for at most `graceMs`, then stops: an attempt in flight is
   * aborted and what is still queued is dropped (and counted in the log).
   */
  async close(graceMs: number = DEFAULTS.alertCloseGraceMs): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.draining) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.draining, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.stopping.abort();
    await this.draining;
    this.reportDrops();
    if (this.queue.length > 0) {
      this.options.log.warn({ target: this.name, dropped: this.queue.length }, `${this.queue.length} alert(s) for ${this.name} not sent: the hub stopped`);
      this.queue.length = 0;
    }
  }

  private reportDrops(): void {
    if (this.dropped === 0) return;
    this.options.log.warn({ target: this.name, dropped: this.dropped, queueSize: this.queueSize }, `${this.dropped} alert(s) for ${this.name} dropped: its queue of ${this.queueSize} was full`);
    this.dropped = 0;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopping.signal.aborted) {
      this.current = this.queue.shift()!;
      await this.deliver(this.current);
      this.current = null;
      this.reportDrops();
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const body = JSON.stringify({ type: alert.type, timestamp: new Date(alert.at).toISOString(), data: alert.data });
    const attempts = this.retryDelaysMs.length + 1;
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      problem = await this.attempt(alert.id, body);
      if (problem === '') return;
      if (this.stopping.signal.aborted) break;
      if (attempt < attempts) await sleep(this.retryDelaysMs[attempt - 1]!, this.stopping.signal);
      if (this.stopping.signal.aborted) break;
    }
    this.options.log.error(
      { target: this.name, alert: alert.id, type: alert.type, error: problem },
      `alert ${alert.type} (${alert.id}) to ${this.name} not delivered${this.stopping.signal.aborted ? ' before the hub stopped' : ` after ${attempts} attempt(s)`}: ${problem}`,
    );
  }

  /** One POST; '' when the target took it (2xx), else what went wrong. */
  private async attempt(id: string, body: string): Promise<string> {
    const timestamp = Math.floor(this.now() / 1000);
    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hookyard-alerts',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signAlert(this.target.secret, id, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? '' : `answered ${response.status}`;
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') return `no answer within ${this.timeoutMs} ms`;
      if (e.name === 'AbortError') return 'stopped while sending';
      return e.cause?.code ?? e.cause?.message ?? e.message;
    }
  }
}

export interface AlertsOptions extends AlertSenderOptions {
  targets: readonly AlertTarget[];
  /** The work waiting (store.waitingWork), for backlog.high; null: this process does not watch it. */
  lookBacklog: (() => Promise<WaitingWork>) | null;
  /** Default DEFAULTS.alertBacklogLookMs. */
  backlogLookMs?: number;
}

/** Every target's sender, the listener that feeds them, and the backlog watch. */
export class Alerts {
  private readonly senders: Array<{ target: AlertTarget; sender: AlertSender; backlog: BacklogAlarm }>;
  private timer: NodeJS.Timeout | null = null;
  private looking = false;
  private readonly now: () => number;

  constructor(private readonly options: AlertsOptions) {
    this.now = options.now ?? Date.now;
    this.senders = options.targets.map((target) => ({ target, sender: new AlertSender(target, options), backlog: new BacklogAlarm(target.backlogHigh) }));
  }

  /** For OpsEvents.on: queues the event's alert for each target that wants it. Cheap; never throws. */
  readonly listener = (event: OpsEvent): void => {
    const alert = alertOf(event);
    if (alert) this.raise(alert.type, alert.data);
  };

  /** The sender of each target, in configuration order. */
  get targets(): readonly AlertSender[] {
    return this.senders.map((s) => s.sender);
  }

  /** Starts reading the backlog periodically (when a target wants backlog.high and a look was given). */
  start(): void {
    if (!this.options.lookBacklog || !this.senders.some((s) => s.target.events.has('backlog.high'))) return;
    this.timer = setInterval(() => void this.checkBacklog(), this.options.backlogLookMs ?? DEFAULTS.alertBacklogLookMs);
    this.timer.unref();
  }

  /** Reads the backlog once and raises backlog.high for each target whose threshold it newly crossed. */
  async checkBacklog(): Promise<void> {
    if (!this.options.lookBacklog || this.looking) return;
    this.looking = true;
    try {
      const waiting = await this.options.lookBacklog();
      const total = waiting.hooks + waiting.transfers;
      for (const { target, sender, backlog } of this.senders) {
        if (!target.events.has('backlog.high') || !backlog.observe(total)) continue;
        sender.send(this.alert('backlog.high', { waiting: total, hooks: waiting.hooks, transfers: waiting.transfers, threshold: target.backlogHigh }));
      }
    } catch (error) {
      this.options.log.error({ err: error }, 'alerts: reading the backlog failed');
    } finally {
      this.looking = false;
    }
  }

  /** Stops the backlog watch and gives each target's queue `graceMs` to go out. */
  async close(graceMs?: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.senders.map((s) => s.sender.close(graceMs)));
  }

  private raise(type: AlertType, data: Record<string, unknown>): void {
    for (const { target, sender } of this.senders) if (target.events.has(type)) sender.send(this.alert(type, data));
  }

  private alert(type: AlertType, data: Record<string, unknown>): Alert {
    return { id: `msg_${randomUUID()}`, type, at: this.now(), data };
  }
}
