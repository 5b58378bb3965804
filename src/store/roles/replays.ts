/**
 * Replays and cancels, the operator's corrections to the queue: dead or finished requests queued
 * again, hooks read again, waiting requests ended without running. Nothing is deleted; each replay
 * and each cancel is recorded.
 */
import type { TransferRequest, TransferStatus } from '../../domain/types.js';
import type { Page } from './admin.js';

/** Newest first: pass the page's `next` as `before`. */
export interface RecordedFilter {
  before?: number;
  limit: number;
}

/** Which finished or waiting requests a replay puts back in the queue (running and queued ones never). */
export interface ReplayFilter {
  status?: TransferStatus;
  connection?: string;
  scope?: string;
  /** created_at ≥ since (ms) */
  since?: number;
  /** created_at < until (ms) */
  until?: number;
}

export interface Replay {
  id: number;
  kind: 'transfer' | 'transfers' | 'hook';
  /** The id, or the filter as JSON. */
  target: string;
  count: number;
  actor: string;
  createdAt: number;
}

/**
 * Which waiting requests a cancel ends (running ones never: their attempt finishes). Mirrors
 * ReplayFilter; the status is queued or retrying, or either when left out.
 */
export interface CancelFilter {
  status?: 'queued' | 'retrying';
  connection?: string;
  scope?: string;
  /** created_at ≥ since (ms) */
  since?: number;
  /** created_at < until (ms) */
  until?: number;
}

/** A recorded cancel: of one request (`cancel`) or of every request a filter matched (`cancels`). */
export interface Cancel {
  id: number;
  kind: 'cancel' | 'cancels';
  /** The id, or the filter as JSON. */
  target: string;
  count: number;
  actor: string;
  createdAt: number;
}

export interface Replays {
  /**
   * Queues a request again with its attempts renewed; null when it is running or queued already.
   * A request whose record has another one waiting is absorbed by it (the enqueue rule) and ends
   * skipped as coalesced; the answer then shows that.
   */
  retryTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null>;
  countReplayable(filter: ReplayFilter): Promise<number>;
  /** Records a replay by filter; then replayPage requeues it page by page (for progress). */
  startReplay(filter: ReplayFilter, actor: string, now: number): Promise<number>;
  replayPage(replayId: number, filter: ReplayFilter, afterId: number, limit: number, now: number): Promise<{ requeued: number; lastId: number | null }>;
  /** Reads a stored hook again; resolves with the replay's id, or null when it is being read already. */
  replayHook(id: number, actor: string, now: number): Promise<number | null>;
  listReplays(filter: RecordedFilter): Promise<Page<Replay>>;

  /**
   * Ends one queued or retrying request as skipped, reason code `cancelled`; null (nothing
   * written) when it is running or finished.
   */
  cancelTransfer(id: number, actor: string, now: number): Promise<TransferRequest | null>;
  countCancellable(filter: CancelFilter): Promise<number>;
  /** Records a cancel by filter; then cancelPage ends its requests page by page (for progress). */
  startCancel(filter: CancelFilter, actor: string, now: number): Promise<number>;
  /** One page, one transaction: requests with an id above `afterId`; lastId null on the last page. */
  cancelPage(cancelId: number, filter: CancelFilter, afterId: number, limit: number, now: number): Promise<{ cancelled: number; lastId: number | null }>;
  listCancels(filter: RecordedFilter): Promise<Page<Cancel>>;
}
