/**
 * The contract every integration fulfils, whether written as a TypeScript module or as a
 * declarative YAML file. An integration knows one kind of external system: which scopes it
 * has, which external hook names resolve to each scope (many to one), its presets, and how to
 * read a hook (the receiver definition).
 *
 * Integration code never sees the external hook name: the receiver definition turns it into a
 * scope before anything else runs.
 */
import type { DataType, ScopeName } from '../domain/types.js';

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

export interface Integration {
  id: string;
  title: string;
  scopes: ScopeDeclaration[];
  presets: PresetDeclaration[];
  receiver: ReceiverDefinition;
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
