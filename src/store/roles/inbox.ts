/**
 * The inbox: hooks appended before they are acknowledged, claimed by resolvers, and resolved into
 * notifications and transfer requests in one transaction.
 */
import type { HookStatus, IncomingHook, Notification, PlannedTransfer, StoredHook } from '../../domain/types.js';

export interface Appended {
  id: number;
  duplicate: boolean;
}

/** What a resolver worker writes for one hook, all in one transaction with the others of its batch. */
export interface HookResolution {
  hookId: number;
  status: Exclude<HookStatus, 'received'>;
  errorCode: string | null;
  errorMessage: string | null;
  notifications: readonly Notification[];
  /** Linked to their notification by `seq`; queued ones go through the transfer queue's enqueue rule. */
  transfers: readonly PlannedTransfer[];
}

/** What ingest's backpressure weighs: see Inbox.waitingWork. */
export interface WaitingWork {
  hooks: number;
  transfers: number;
}

/** Who holds newly appended hooks, and until when (epoch ms). */
export interface HookLease {
  worker: string;
  until: number;
}

export interface Inbox {
  /**
   * Appends hooks in one transaction; resolves once committed with each one's id, in order. A hook
   * whose delivery id its connection already had within the retention window is not stored again:
   * it comes back as `duplicate` with the id of the hook first stored.
   *
   * With `lease`, the new rows are stored already claimed by `lease.worker` until `lease.until`:
   * the resolver of the process that took them resolves them from memory, without claiming them
   * back from the store; should it not save them in time, they are claimed like any other.
   */
  appendHooks(hooks: readonly IncomingHook[], now: number, lease?: HookLease): Promise<Appended[]>;

  /**
   * Claims up to `limit` received hooks, oldest first, for `worker` until `now + leaseMs`.
   * A hook whose lease has expired can be claimed again.
   */
  claimHooks(worker: string, limit: number, now: number, leaseMs: number): Promise<StoredHook[]>;

  /**
   * Writes the outcome of resolving claimed hooks, with their notifications and transfer
   * requests, in one transaction. A hook whose lease `worker` no longer holds is left alone.
   * Resolves with the number of hooks written.
   */
  saveResolutions(worker: string, resolutions: readonly HookResolution[], now: number): Promise<number>;

  /** Hooks stored but not read yet: cheap enough to ask every second. */
  backlog(): Promise<number>;

  /**
   * The work waiting, for backpressure: hooks not read yet, and transfer requests due by `now`
   * (queued or retrying with run_at ≤ now; a running request is being worked on, and a debounced
   * request or a retry still waiting out its delay is not due). Both counts are answered from
   * partial indexes, cheap enough to ask every second.
   */
  waitingWork(now: number): Promise<WaitingWork>;
}
