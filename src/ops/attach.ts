/**
 * The operator's side of a hub, listening to its operational events: the log lines
 * (./log-events.ts) and the alert webhooks (./alerts.ts). createHub attaches it once.
 */
import type { HubConfig } from '../config/types.js';
import type { WaitingWork } from '../store/store.js';
import { Alerts } from './alerts.js';
import type { OpsEvents } from './events.js';
import { eventLog, type EventLogger } from './log-events.js';

export interface OpsAttachment {
  /** Null when the configuration names no alert target. */
  alerts: Alerts | null;
  /** Logs the refusals still counted, gives queued alerts a short grace, then stops listening. */
  close(): Promise<void>;
}

export function attachOps(
  events: OpsEvents,
  options: { config: HubConfig; log: EventLogger; lookBacklog: (() => Promise<WaitingWork>) | null },
): OpsAttachment {
  const logging = eventLog(options.log);
  const offs = [events.on(logging.listener)];
  const alerts = options.config.alerts.length > 0 ? new Alerts({ targets: options.config.alerts, log: options.log, lookBacklog: options.lookBacklog }) : null;
  if (alerts) {
    offs.push(events.on(alerts.listener));
    alerts.start();
  }
  return {
    alerts,
    async close() {
      for (const off of offs) off();
      logging.stop();
      await alerts?.close();
    },
  };
}
