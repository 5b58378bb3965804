/**
 * The Store: everything hookyard keeps, behind one interface that owns its connections. No
 * driver, client or transaction type crosses it, so the engine, ingest and API never import
 * better-sqlite3 or pg. Adapters: `sqlite/` (embedded, the default) and, later, `postgres/`.
 * One contract suite (test/store/store.contract.ts) runs unchanged against every adapter.
 *
 * Deliberately left out: ad-hoc queries and transactions spanning calls. Each method is one
 * transaction; where the engine needs several writes to happen together, there is one method
 * that does all of them (appendHooks, saveResolutions).
 *
 * Time is always passed in (`now`, epoch milliseconds) — the store never reads a clock.
 */
import type {
  HookStatus,
  IncomingHook,
  Notification,
  NotificationStatus,
  PlannedTransfer,
  ScopeName,
  StoredHook,
  TransferRequest,
  TransferStatus,
} from '../domain/types.js';

/** What a resolver worker writes for one hook, all in one transaction with the others of its batch. */
export interface HookResolution {
  hookId: number;
  status: Exclude<HookStatus, 'received'>;
  errorCode: string | null;
  errorMessage: string | null;
  notifications: readonly Notification[];
  /** Linked to their notification by `seq`. */
  transfers: readonly PlannedTransfer[];
}

export interface StoredNotification {
  id: number;
  hookId: number;
  seq: number;
  hookName: string | null;
  scope: ScopeName | null;
  externalId: string | null;
  status: NotificationStatus;
  reason: string | null;
}

/** A hook without its body, for listings. */
export type HookSummary = Omit<StoredHook, 'body' | 'headers' | 'segments'> & { bodyBytes: number };

export interface Page<T> {
  items: T[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  next: number | null;
}

export interface HookFilter {
  status?: HookStatus;
  connection?: string;
  /** Only hooks with a smaller id (paging backwards from the newest). */
  before?: number;
  limit: number;
}

export interface TransferFilter {
  status?: TransferStatus;
  scope?: string;
  connection?: string;
  before?: number;
  limit: number;
}

export interface StoreCounts {
  hooks: Record<HookStatus, number>;
  transfers: Record<TransferStatus, number>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  /** Appends hooks in one transaction; resolves with their ids, in order, once committed. */
  appendHooks(hooks: readonly IncomingHook[], now: number): Promise<number[]>;

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

  getHook(id: number): Promise<StoredHook | null>;
  listHooks(filter: HookFilter): Promise<Page<HookSummary>>;
  notificationsOf(hookId: number): Promise<StoredNotification[]>;
  transfersOf(hookId: number): Promise<TransferRequest[]>;

  getTransfer(id: number): Promise<TransferRequest | null>;
  listTransfers(filter: TransferFilter): Promise<Page<TransferRequest>>;

  counts(): Promise<StoreCounts>;

  close(): Promise<void>;
}
