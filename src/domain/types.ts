/**
 * hookyard's vocabulary as types. Glossary:
 *
 * - data type: a mapping collection type (`product`, `customer_address`, …) or the control type
 *   `message`, which carries hooks whose real type is only known after prerequisites run.
 * - scope: `type/action`, declared by an integration with the external hook names that resolve
 *   to it. Integration code only ever sees scopes, never the external hook names.
 * - hook: one received delivery, stored before it is acknowledged. Its status says what reading
 *   it came to: resolved, partial, unmatched, invalid, empty or failed (HOOK_STATUSES).
 * - notification: one (scope, external id) pair read out of a hook: planned, unmatched or invalid.
 * - transfer request: one unit of work — move one record of one type in one direction.
 */

/**
 * The built-in data types: what a commerce hub moves, after the iPaaS.com list, plus the control
 * type. A configuration or an integration may declare more (`types:`), checked when it loads.
 */
export const DATA_TYPES = [
  'product',
  'product_variant',
  'product_category',
  'product_inventory',
  'customer',
  'customer_address',
  'customer_category',
  'transaction',
  'transaction_line',
  'transaction_payment',
  'transaction_address',
  'gift_card',
  'message',
] as const;
export type BuiltinDataType = (typeof DATA_TYPES)[number];
/**
 * A built-in data type or a declared one (`issue`, `invoice`): a lower snake case name. Only the
 * configuration loader decides which names exist; every stage after it takes the name as given.
 * `string & {}` keeps the built-in names offered by editors without closing the set.
 */
export type DataType = BuiltinDataType | (string & {});

/** Control types carry no record of their own; prerequisites turn them into a real type. */
export const CONTROL_TYPES: readonly DataType[] = ['message'];

export const SCOPE_ACTIONS = ['created', 'updated', 'deleted', 'initialize', 'all', 'bulk', 'poll', 'other'] as const;
export type ScopeAction = (typeof SCOPE_ACTIONS)[number];

export type ScopeName = `${DataType}/${ScopeAction}`;

export interface Scope {
  name: ScopeName;
  type: DataType;
  action: ScopeAction;
  description: string;
}

export const DIRECTIONS = ['to_hub', 'from_hub'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const REQUEST_TYPES = ['standard', 'delete', 'child', 'initialization', 'bulk', 'polling'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * queued → running → succeeded | retrying → … | dead. `skipped` is final and carries a reason
 * (scope not enabled, delete scopes off, …).
 */
export const TRANSFER_STATUSES = ['queued', 'running', 'succeeded', 'skipped', 'retrying', 'dead'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/**
 * What reading a hook came to; every status but `received` and `resolved` is a list to act on,
 * and any hook can be replayed after a fix.
 *
 * - received: stored, not yet read.
 * - resolved: every notification was planned.
 * - partial: some were planned, others were unmatched or invalid.
 * - unmatched: none was planned, and at least one hook name matched no scope.
 * - invalid: none was planned, and each lacked a field (hook name, external id, parent id).
 * - empty: the hook held no notification at all (an empty list, nothing where the selector looks).
 * - failed: the hook could not be read at all, or held more notifications than
 *   `limits.notificationsPerHook` (the error says which); nothing was planned.
 */
export const HOOK_STATUSES = ['received', 'resolved', 'partial', 'unmatched', 'invalid', 'empty', 'failed'] as const;
export type HookStatus = (typeof HOOK_STATUSES)[number];

/** planned: a transfer request was made. unmatched: the hook name resolves to no scope. invalid: a field was missing. */
export const NOTIFICATION_STATUSES = ['planned', 'unmatched', 'invalid'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** A hook as the ingest endpoint received it: raw bytes, headers and the URL tail. */
export interface IncomingHook {
  connection: string;
  /** Lower-cased header names; credentials already redacted. */
  headers: Record<string, string>;
  /** The URL path after `/hooks/:connection/`, split on `/`. */
  segments: string[];
  contentType: string | null;
  body: Buffer;
  /** The sender's id for this delivery (webhook-id, X-GitHub-Delivery, …); re-deliveries share it. */
  deliveryId?: string | null;
  /**
   * The body replay guard, when the connection has one: the SHA-256 of the body, and how long the
   * connection keeps it. A hook whose hash the connection stored within `windowMs` is not stored again.
   */
  bodyGuard?: { hash: Buffer; windowMs: number } | null;
}

export interface StoredHook extends IncomingHook {
  id: number;
  receivedAt: number;
  status: HookStatus;
  errorCode: string | null;
  errorMessage: string | null;
  resolvedAt: number | null;
}

/** One (scope, external id) pair read out of a hook, before planning. */
export interface Notification {
  /** For a child type whose integration declares a parent: the parent record to transfer instead. */
  parent?: { type: DataType; externalId: string };
  /** The position of the element in the hook (0 when the hook holds one). */
  seq: number;
  /** The external hook name. Kept for operators; never passed to integration code. */
  hookName: string | null;
  scope: Scope | null;
  externalId: string | null;
  status: NotificationStatus;
  reason: string | null;
}

/** A transfer request as planned, before the store gives it an id. */
export interface PlannedTransfer {
  seq: number;
  trackingId: string;
  connection: string;
  type: DataType;
  direction: Direction;
  scope: ScopeName;
  externalId: string | null;
  requestType: RequestType;
  status: Extract<TransferStatus, 'queued' | 'skipped'>;
  reason: string | null;
  /** A short machine-readable reason: not_enabled, delete_off, ignored, … */
  reasonCode: string | null;
  /** When it may run: now, or later for a debounced type. */
  runAt: number;
  /** Why it exists when that is not plain: "customer_address/updated 55". */
  origin: string | null;
  /** The hook's element carries the record (a receiver with `record`): the transfer reads it there. */
  payload?: boolean;
  /**
   * With `payload`: the version of the record the element carries (the receiver's
   * `record.version`), read when the hook is resolved, so that a request waiting for the record
   * keeps the newest of the payloads it absorbs; null without a version.
   */
  payloadVersion?: string | null;
}

export interface TransferRequest {
  id: number;
  trackingId: string;
  hookId: number | null;
  parentId: number | null;
  connection: string;
  type: DataType;
  direction: Direction;
  scope: ScopeName;
  externalId: string | null;
  requestType: RequestType;
  status: TransferStatus;
  reason: string | null;
  attempts: number;
  runAt: number;
  lastErrorCode: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** The hub record it wrote (to_hub) or writes out (from_hub). */
  hubId: number | null;
  sourceConnection: string | null;
  origin: string | null;
  reasonCode: string | null;
  resolvedBy: number | null;
  finishedAt: number | null;
  /** Where its payload record is: a stored hook and the element's position; null: read from the source. */
  payload: { hookId: number; seq: number } | null;
  /** running: the worker whose run holds it, and until when (renewed while the run works). */
  leaseOwner: string | null;
  leaseUntil: number | null;
}

/** hookyard's canonical copy of a record. */
export interface HubRecord {
  id: number;
  type: DataType;
  data: Record<string, unknown>;
  version: number;
  deleted: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ActivityEntry {
  at: number;
  step: string;
  detail: string | null;
}
