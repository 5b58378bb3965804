/** What the engine's runs are given: the store, the configuration, the clock, their claims' keeper. */
import type { Clock } from '../clock.js';
import type { HubConfig } from '../config/types.js';
import type { ClaimedTransfer, Store, TransferOutcome } from '../store/store.js';
import type { Guards } from './guard.js';
import type { OpsEvents } from '../ops/events.js';
import type { TransferLeases } from './leases.js';

export interface EngineDeps {
  store: Store;
  config: HubConfig;
  clock: Clock;
  /** Names this worker's leases. */
  worker: string;
  leaseMs: number;
  /** Throttle and circuit breaker per connection. */
  guards: Guards;
  /** Renews the claims of running transfers; a worker's children are held here while they run. */
  leases?: TransferLeases;
  /** Told of every outcome written (logs, alerts, metrics listen). */
  events?: OpsEvents;
}

export interface RunResult {
  outcome: TransferOutcome;
  /** For a child's parent: whether trying again could help. */
  retryable: boolean;
}

/** Runs a claimed transfer to its outcome (run-transfer.ts); passed to a run for its children. */
export type RunTransfer = (deps: EngineDeps, transfer: ClaimedTransfer, options?: { child?: boolean }) => Promise<RunResult>;
