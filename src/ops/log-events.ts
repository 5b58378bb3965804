/**
 * Operational events as log lines: what an operator must see (a transfer that ended dead, a
 * circuit opening or closing, a feed failing, hooks refused) without a line per hook. Successful
 * hooks and transfers are logged at debug only: at info the log would grow with the traffic.
 *
 * Refused hooks come in floods (a sender with a rotated key retries thousands of times), so they
 * are counted per connection and code: the first one is logged at once, the rest as one line per
 * `windowMs` with the count ("42 hooks refused for erp: HY_ERR_AUTH_INVALID in the last 10 s").
 */
import type { OpsEvent } from './events.js';

/** What this module needs of a logger: pino's and Fastify's both fit. */
export interface EventLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** 10 s: at most one line per connection and refusal code in this long. */
export const REFUSALS_WINDOW_MS = 10_000;

/** The key of a refused hook's counter; a hook to no configured connection is counted under '-'. */
function refusalKey(connection: string | null, code: string | null): string {
  return `${connection ?? '-'}\u0000${code ?? '-'}`;
}

interface RefusalCount {
  connection: string | null;
  code: string | null;
  status: number;
  /** Refused since the last line about them. */
  count: number;
}

export interface EventLog {
  /** The listener to pass to OpsEvents.on. */
  listener: (event: OpsEvent) => void;
  /** Logs the refusals counted and not yet logged, and stops the timer. */
  stop(): void;
}

export function eventLog(log: EventLogger, windowMs: number = REFUSALS_WINDOW_MS): EventLog {
  const refusals = new Map<string, RefusalCount>();
  let timer: NodeJS.Timeout | null = null;
  const seconds = Math.round(windowMs / 1000);

  const flush = (): void => {
    for (const [key, entry] of refusals) {
      // A quiet window forgets the pair: its next refusal is news again and is logged at once.
      if (entry.count === 0) {
        refusals.delete(key);
        continue;
      }
      log.warn(
        { connection: entry.connection, code: entry.code, status: entry.status, count: entry.count, windowMs },
        `${entry.count} hook(s) refused for ${entry.connection ?? 'no configured connection'}: ${entry.code} in the last ${seconds} s`,
      );
      entry.count = 0;
    }
    if (refusals.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  const refused = (connection: string | null, code: string | null, status: number): void => {
    const key = refusalKey(connection, code);
    const entry = refusals.get(key);
    if (entry) {
      entry.count += 1;
      return;
    }
    refusals.set(key, { connection, code, status, count: 0 });
    log.warn(
      { connection, code, status, count: 1 },
      `hook refused for ${connection ?? 'no configured connection'}: ${code} (${status}); more like it are counted and logged every ${seconds} s`,
    );
    if (!timer) {
      timer = setInterval(flush, windowMs);
      timer.unref();
    }
  };

  const listener = (event: OpsEvent): void => {
    switch (event.type) {
      case 'hook.received':
        if (event.answer === 'rejected') refused(event.connection, event.code, event.status);
        else log.debug({ connection: event.connection, answer: event.answer, status: event.status, ms: event.ms }, `hook ${event.answer}`);
        return;
      case 'transfer.finished': {
        const { transfer, outcome } = event;
        const fields = {
          transfer: transfer.id,
          connection: transfer.connection,
          direction: transfer.direction,
          scope: transfer.scope,
          externalId: transfer.externalId,
          attempts: transfer.attempts,
          status: outcome.status,
          code: outcome.errorCode ?? outcome.reasonCode,
          ms: event.ms,
        };
        if (outcome.status === 'dead') {
          log.warn(
            { ...fields, error: outcome.error },
            `transfer ${transfer.id} ${transfer.connection} ${transfer.scope} ${transfer.direction} ${transfer.externalId ?? ''} dead after ${transfer.attempts} attempt(s): ${outcome.errorCode ?? outcome.reasonCode ?? ''} ${outcome.error ?? outcome.reason ?? ''}`.replace(/ +/g, ' ').trim(),
          );
        } else {
          log.debug({ ...fields, reason: outcome.reason, error: outcome.error }, `transfer ${transfer.id} ${outcome.status}`);
        }
        return;
      }
      case 'circuit.opened':
        log.warn({ connection: event.connection, until: new Date(event.until).toISOString() }, `circuit of ${event.connection} opened: no calls to it until ${new Date(event.until).toISOString()}, then one probe at a time`);
        return;
      case 'circuit.closed':
        log.info({ connection: event.connection }, `circuit of ${event.connection} closed: calls resume`);
        return;
      case 'feed.failed': {
        const fields = { connection: event.connection, dataType: event.dataType, kind: event.kind, error: event.error };
        // A failed poll is tried again at the next interval; a failed initialization stops until it is started again.
        if (event.kind === 'init') log.error(fields, `initialization of ${event.connection} ${event.dataType} failed: ${event.error}`);
        else log.warn(fields, `poll of ${event.connection} ${event.dataType} failed: ${event.error}`);
        return;
      }
    }
  };

  return {
    listener,
    stop() {
      flush();
      if (timer) clearInterval(timer);
      timer = null;
      refusals.clear();
    },
  };
}
