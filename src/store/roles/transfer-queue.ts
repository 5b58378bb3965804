/**
 * The transfer queue: requests waiting, claimed under a lease, renewed while they run, and ended
 * with their outcome.
 *
 * Claims are fenced. Each claim of a request gets a new token; every write a run makes presents
 * its claim, and the store refuses it once the request was claimed again (its lease expired and
 * another run took it over) or ended. A child runs inside its parent: its claim names the parent's,
 * and both must still hold.
 *
 * Enqueueing follows one rule everywhere (resolution, fan-out, feeds, manual syncs, replays): a
 * request for a record that already has one waiting (queued or retrying, not running) is absorbed
 * by it — the waiting one has not read the record yet, so it covers the newer change too. When
 * none waits but one runs (not a child), the running one is marked to run once more, with the
 * newest such request (its scope, request type, hook, notification and payload): finishTransfer
 * then queues that one follow-up — or hands it to a request waiting for the record by then — and
 * an attempt that ends retrying takes the mark in itself, since its retry reads the record anew. A
 * run whose claim was taken over finishes nothing, so it neither consumes nor doubles the mark.
 */
import type { ActivityEntry, DataType, Direction, PlannedTransfer, RequestType, ScopeName, TransferRequest } from '../../domain/types.js';

/** A run's hold on a transfer request: the request and the fencing token its claim was given. */
export interface Claim {
  id: number;
  token: number;
  /** A child's: its parent's claim, which must still hold as well. */
  parent?: Claim | null;
}

/** A claimed request with the claim its run presents on every write. */
export type ClaimedTransfer = TransferRequest & { claim: Claim };

/** A transfer request the engine creates: a child of a running request, or a fan-out from the hub. */
export interface NewTransfer {
  trackingId: string;
  parentId: number | null;
  hookId: number | null;
  connection: string;
  type: DataType;
  direction: Direction;
  scope: ScopeName;
  externalId: string | null;
  hubId: number | null;
  requestType: RequestType;
  sourceConnection: string | null;
  origin: string | null;
}

/** How one attempt at a transfer ended. */
export interface TransferOutcome {
  status: 'succeeded' | 'skipped' | 'retrying' | 'dead';
  reason: string | null;
  reasonCode: string | null;
  errorCode: string | null;
  error: string | null;
  /** retrying: when to try again. */
  runAt: number | null;
  hubId: number | null;
  resolvedBy: number | null;
  /** The attempt did not call the system (its circuit was open): it does not count. */
  refundAttempt?: boolean;
}

/** Writes that end a transfer together with it (from_hub: the new cross-reference and the echo). */
export interface FinishEffects {
  /** `knownHub` / `known`: the hub record's values (JSON) the write carried there (see ExternalLink). */
  link?: { connection: string; type: DataType; externalId: string; hubId: number; writtenHash: string | null; knownHub?: string | null };
  writtenHash?: { connection: string; type: DataType; hubId: number; hash: string; known?: string | null };
  echo?: { connection: string; type: DataType; externalId: string; expiresAt: number };
  /** The connection's record of this hub record is gone (deleted there): its link is marked deleted, not removed. */
  linkDeleted?: { connection: string; type: DataType; hubId: number };
  /**
   * The attempt ended retrying or done: this transfer's children that failed (status dead) end
   * `skipped` with reason code `retried_with_parent`, their error kept. A parent that dies leaves them dead.
   */
  retireFailedChildren?: boolean;
}

/**
 * A from_hub create finished, but the hub record was linked to another record of that connection
 * meanwhile (its own to_hub transfer matched it): nothing was written; the created record is a
 * duplicate in the destination.
 */
export class LinkConflictError extends Error {
  constructor(
    readonly connection: string,
    readonly externalId: string,
    readonly linkedTo: string,
  ) {
    super(`the hub record was linked to ${connection} ${linkedTo} while ${externalId} was being created there`);
    this.name = 'LinkConflictError';
  }
}

/** Where enqueued requests went: inserted as new ones, or absorbed by one waiting for (or running) the same record. */
export interface Enqueued {
  queued: number;
  absorbed: number;
}

export interface TransferQueue {
  /**
   * Claims up to `limit` runnable requests for `worker` until `now + leaseMs`: due ones (and
   * running ones whose lease expired) that are first in line for their record. Each comes with a
   * new claim token. `dueBy` (default `now`, never later) narrows "due" to requests whose time came
   * by then: the engine passes an earlier time to hold back requests that became due lately.
   */
  claimTransfers(worker: string, limit: number, now: number, leaseMs: number, dueBy?: number): Promise<ClaimedTransfer[]>;

  /**
   * Extends the leases of claims that still hold to `now + leaseMs`; resolves with the ids of those
   * that no longer hold (taken over or ended): their runs must stop.
   */
  renewTransfers(claims: readonly Claim[], now: number, leaseMs: number): Promise<number[]>;

  /** Inserts a child request already running under its parent (it runs inline, now); null when the parent's claim is lost. */
  startChild(parent: Claim, child: NewTransfer, now: number, leaseMs: number): Promise<ClaimedTransfer | null>;

  /**
   * Ends an attempt with its activity and effects while the claim holds; false (and nothing
   * written) when it does not. Throws LinkConflictError (and writes nothing) when `effects.link`
   * would give the hub record a second link on the connection.
   */
  finishTransfer(claim: Claim, outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects, now: number): Promise<boolean>;

  /** Hands back every request `worker` still runs (it is stopping); resolves with how many. */
  releaseTransfers(worker: string, now: number): Promise<number>;

  /** Queues planned requests (a manual sync), absorbing those a waiting request already covers. */
  queueTransfers(planned: readonly PlannedTransfer[], now: number): Promise<Enqueued>;
}
