/** What operators read: hooks, notifications, transfers, activity and counts. Reads only. */
import type { PrunedLineage } from './retention.js';
import type { ActivityEntry, HookStatus, NotificationStatus, ScopeName, StoredHook, TransferRequest, TransferStatus } from '../../domain/types.js';

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
  /** Pass as `before` to get the next (older) page (`after` for oldest-first lists); null on the last page. */
  next: number | null;
}

export interface HookFilter {
  status?: HookStatus;
  connection?: string;
  /** received_at ≥ since (ms) */
  since?: number;
  /** received_at < until (ms) */
  until?: number;
  /** Only hooks with a notification for this external id. */
  externalId?: string;
  /** Only hooks with a smaller id (paging backwards from the newest). */
  before?: number;
  limit: number;
}

export interface TransferFilter {
  status?: TransferStatus;
  scope?: string;
  connection?: string;
  /** created_at ≥ since (ms) */
  since?: number;
  /** created_at < until (ms) */
  until?: number;
  externalId?: string;
  before?: number;
  limit: number;
}

/** Oldest first: pass the page's `next` as `after`. */
export interface LineageFilter {
  after?: number;
  limit: number;
}

/** One transfer request that touched a hub record, with its activity log. */
export interface LineageStep {
  transfer: TransferRequest;
  activity: ActivityEntry[];
}

/** A lineage page, with the summary of the record's steps that retention pruned (null: none were). */
export type LineagePage = Page<LineageStep> & { pruned: PrunedLineage | null };

export interface StoreCounts {
  hooks: Record<HookStatus, number>;
  transfers: Record<TransferStatus, number>;
  /** Finished transfers by reason code (echo, coalesced, filtered, resolved_by_child, …). */
  reasons: Record<string, number>;
}

export interface AdminQueries {
  getHook(id: number): Promise<StoredHook | null>;
  listHooks(filter: HookFilter): Promise<Page<HookSummary>>;
  notificationsOf(hookId: number): Promise<StoredNotification[]>;
  transfersOf(hookId: number): Promise<TransferRequest[]>;
  getTransfer(id: number): Promise<TransferRequest | null>;
  listTransfers(filter: TransferFilter): Promise<Page<TransferRequest>>;
  activityOf(transferId: number): Promise<ActivityEntry[]>;
  childrenOf(transferId: number): Promise<TransferRequest[]>;
  /**
   * The transfer requests that wrote a hub record in (to_hub) or out (from_hub), oldest first, and
   * what those that retention pruned were (Retention).
   */
  lineageOf(hubId: number, filter: LineageFilter): Promise<LineagePage>;
  counts(): Promise<StoreCounts>;
}
