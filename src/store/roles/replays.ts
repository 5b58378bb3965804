/** Replays: dead or finished requests queued again, hooks read again. Nothing is deleted; each replay is recorded. */
import type { TransferRequest, TransferStatus } from '../../domain/types.js';

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
  listReplays(limit: number): Promise<Replay[]>;
}
