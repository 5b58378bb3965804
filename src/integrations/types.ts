/**
 * The contract every integration fulfils, whether written as a TypeScript module or as a
 * declarative YAML file. An integration knows one kind of external system: which scopes it
 * has, which external hook names resolve to each scope (many to one), its presets, and how to
 * read a hook (the receiver definition).
 *
 * Integration code never sees the external hook name: the receiver definition turns it into a
 * scope before anything else runs.
 */
import type { DataType, Direction, RequestType, ScopeAction, ScopeName } from '../domain/types.js';

/**
 * Where one field of a hook comes from. After retrieval, `prefix` (if given) is stripped, then
 * `expression` (JSONata; `$` is the retrieved value) post-processes it. Expressions can use
 * `$body` (the body after preprocessing), `$element` (the current element of a multiple
 * selector), `$url` (URL segments after /hooks/:connection/), `$headers`, and the fields
 * already computed: `$hook` (when computing the external id).
 */
export type FieldSource =
  | { from: 'header'; name: string; prefix?: string; expression?: string }
  /** `path` is a JSONata expression over the element (or the whole body without a multiple selector). */
  | { from: 'body'; path: string; prefix?: string; expression?: string }
  /** `segment` counts from 0 after /hooks/:connection/. */
  | { from: 'url'; segment: number; prefix?: string; expression?: string }
  | { from: 'static'; value: string; prefix?: string; expression?: string };

export interface ReceiverDefinition {
  /** JSONata over the parsed body; its result replaces the body for everything below. */
  preprocess?: string;
  /** JSONata selecting the list of elements, one notification each (`notifications`). */
  multiple?: string;
  /** The external hook name, resolved to a scope through the integration's declarations. */
  hook: FieldSource;
  externalId: FieldSource;
  /** Where the webhook API key is carried; compared with the connection's key at ingest. */
  auth: FieldSource;
  /** Where the hook carries the whole record: transfers to the hub then read no record from the source. */
  record?: PayloadRecord;
}

/**
 * A payload record: `path` (JSONata over the element, or the body without `multiple`) selects the
 * record, e.g. `data.object` (Stripe) or `issue` (GitHub); an element without it falls back to
 * `get`. `version` (JSONata over the record, e.g. `updated_at`) orders payloads: one older than
 * the version the hub last took in from this record ends skipped as `stale`. Versions compare as
 * numbers when both are numbers, else as ISO times.
 */
export interface PayloadRecord {
  path: string;
  version?: string;
}

export interface ScopeDeclaration {
  scope: ScopeName;
  /** External hook names that resolve to this scope. Defaults to the scope name itself. */
  hooks: string[];
  /** Names the data type in both systems, e.g. "Shopify product → product". */
  description: string;
}

export interface PresetDeclaration {
  name: string;
  /** The data type the preset is about, when it is about one (e.g. an id prefix for `product`). */
  type?: DataType;
  description?: string;
  required?: boolean;
  default?: string;
  /** The allowed values, when the set is closed. */
  values?: string[];
}

/**
 * A child type whose hooks become requests for its parent: a customer-address hook is a reason
 * to transfer the customer. `parentId` says where the parent's id is in the hook's element.
 */
export interface ParentDeclaration {
  type: DataType;
  parent: DataType;
  parentId: FieldSource;
}

/** A record as the external system has it (its own field names). */
export type ExternalRecord = Record<string, unknown>;

/** What integration code sees of a transfer request: never the external hook name. */
export interface TransferInfo {
  id: number;
  trackingId: string;
  connection: string;
  type: DataType;
  action: ScopeAction;
  scope: ScopeName;
  direction: Direction;
  externalId: string | null;
  requestType: RequestType;
  parentId: number | null;
}

export interface IntegrationContext {
  /** The connection's name. */
  connection: string;
  settings: Readonly<Record<string, unknown>>;
  presets: Readonly<Record<string, string>>;
  /** Adds a line to the transfer's activity log. */
  log(step: string, detail?: string): void;
}

export interface WriteContext extends IntegrationContext {
  /** The hub record being written. */
  hubId: number;
  /**
   * The same for every attempt at creating this hub record in this connection: pass it to the
   * system (an idempotency key, an external reference) so that a create retried after a crash
   * finds the record the first attempt made instead of making a second one.
   */
  idempotencyKey: string;
}

/** A child request that prerequisites run (the DataHandler). */
export interface ChildRequest {
  scope: ScopeName;
  externalId: string;
}

export interface ChildOutcome {
  id: number;
  status: 'succeeded' | 'skipped';
  reason: string | null;
  hubId: number | null;
}

export interface PrerequisiteContext extends IntegrationContext {
  /** The data type whose preset (declared with a `type`) has this value on the connection, or null. */
  findMatchingType(presetValue: string): DataType | null;
  scopeFor(type: DataType, action: ScopeAction): ScopeName;
  /** Runs a child request to completion now; rejects with its error when it fails. */
  transfer(child: ChildRequest): Promise<ChildOutcome>;
  /** Runs a child request and ends this request as resolved by it (return what this gives). */
  resolveWith(child: ChildRequest): Promise<PrerequisiteResult>;
}

export type PrerequisiteResult = { resolvedBy: ChildOutcome } | undefined;

export interface PollPage {
  /** Changed records: an id, or an id with its type when a feed mixes types. */
  ids: Array<string | { id: string; type: DataType }>;
  /** Where the next poll continues (the high-water mark); null keeps the old one. */
  cursor: string | null;
  /** Another page is ready at once. */
  more?: boolean;
}

export interface ListPage {
  ids: string[];
  /** The next page; null when this was the last. */
  cursor: string | null;
  /** How many records there are in all, when the system says (for progress). */
  total?: number;
}

export interface TransferResult {
  hubId: number | null;
  /** created / updated / unchanged / deleted in the hub (to_hub) or the destination (from_hub). */
  outcome: 'created' | 'updated' | 'unchanged' | 'deleted';
  externalId: string | null;
}

/** The signature schemes that are one system's fixed recipe, so that a secret is all a connection gives. */
export const VERIFY_SCHEMES_OF_SYSTEMS = ['shopify', 'github', 'stripe', 'standard', 'woocommerce'] as const;
export type SystemVerifyScheme = (typeof VERIFY_SCHEMES_OF_SYSTEMS)[number];

export interface Integration {
  id: string;
  title: string;
  scopes: ScopeDeclaration[];
  presets: PresetDeclaration[];
  receiver: ReceiverDefinition;
  /**
   * Data types its scopes name beyond the built-in list (`issue`, `invoice`); a parent for one of
   * them goes in `parents`. The configuration loader refuses a scope whose type nobody declares.
   */
  types?: readonly DataType[];
  /** How the system signs its hooks: a connection's `webhook.secret` is verified this way. */
  verifyScheme?: SystemVerifyScheme;
  parents?: ParentDeclaration[];
  /**
   * The rate of calls the system allows (e.g. 10 per second), kept by the engine for every
   * connection that sets no `throttle.calls`/`per` of its own.
   */
  throttle?: { calls: number; perMs: number };
  /** Reads a record from the system (transfers to the hub); null when it does not exist. */
  get?(type: DataType, externalId: string, ctx: IntegrationContext): Promise<ExternalRecord | null>;
  /** Creates a record (transfers from the hub); resolves with its id in the system. */
  create?(type: DataType, record: ExternalRecord, ctx: WriteContext): Promise<{ externalId: string }>;
  update?(type: DataType, externalId: string, record: ExternalRecord, ctx: WriteContext): Promise<void>;
  /**
   * Looks a record up by a field (transfers from the hub whose collection has `match`, before
   * creating): the external id of a record of `type` whose `field` (in the system's own field
   * names, a key of the from_hub mapping's `fields`) equals `value`, or null when there is none.
   * The engine then links the hub record to it and updates it instead of creating a duplicate.
   * A field the system cannot search by fails permanently (HY_ERR_INTEGRATION_UNSUPPORTED).
   */
  find?(type: DataType, field: string, value: unknown, ctx: IntegrationContext): Promise<string | null>;
  delete?(type: DataType, externalId: string, ctx: WriteContext): Promise<void>;
  /**
   * Polling: the external ids of the records of `type` that changed since `cursor` (null: from the
   * start of the feed), and the cursor to continue from. `more` says another page is ready now.
   * Called by the scheduler for `type/poll` scopes; the ids flow through `type/updated`.
   */
  poll?(type: DataType, cursor: string | null, ctx: IntegrationContext): Promise<PollPage>;
  /**
   * Initialization: one page of ALL records of `type` (cursor null: the first page), for
   * `hookyard sync --all`. `cursor` null in the answer: that was the last page.
   */
  list?(type: DataType, cursor: string | null, ctx: IntegrationContext): Promise<ListPage>;
  /** Runs before a transfer: may run child requests first, or resolve the request by one. */
  handlePrerequisites?(request: TransferInfo, ctx: PrerequisiteContext): Promise<PrerequisiteResult>;
  /** Runs after a successful transfer. */
  handlePostActions?(request: TransferInfo, result: TransferResult, ctx: IntegrationContext): Promise<void>;
}

/**
 * The receiver of the standard iPaaS.com body:
 * `{"notifications":[{"scope":"product/updated","external_id":"123"}]}` with
 * `Authorization: Bearer <webhook API key>`. Declarative integrations get it by default.
 */
export const STANDARD_RECEIVER: ReceiverDefinition = {
  multiple: 'notifications',
  hook: { from: 'body', path: 'scope' },
  externalId: { from: 'body', path: 'external_id' },
  auth: { from: 'header', name: 'authorization', prefix: 'Bearer ' },
};

/** Where a declared parent's id is when the declaration does not say: the body's `<parent>_id` (`issue_id`). */
export function defaultParentId(parent: DataType): FieldSource {
  return { from: 'body', path: `${parent}_id` };
}
