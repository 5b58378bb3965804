/** What every demo system offers tests and the demo besides its records: hooks, writes, failures. */
import type { ActiveFailure, FailureRule, RequestInfo } from './failures.js';
import type { HookAttempt } from './hook-queue.js';
import type { WriteCounter } from './writes.js';

export interface DemoSystem<Id extends string | number, HookMeta> {
  readonly url: string;
  /** Successful REST writes, by kind and id. */
  readonly writes: WriteCounter<Id>;
  /** Every hook delivery attempt, oldest first. */
  readonly hooksSent: readonly HookAttempt<HookMeta>[];
  /** Resolves when every queued hook was delivered or finally failed (waits while paused). */
  settle(): Promise<void>;
  pauseHooks(): void;
  resumeHooks(): void;
  failRequests(rule: FailureRule | ((request: RequestInfo) => boolean)): ActiveFailure;
  clearFailures(): void;
  close(): Promise<void>;
}
