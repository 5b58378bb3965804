/**
 * The hub side of the provider end-to-end tests. A provider's records travel through the hub to
 * a destination: a small JSON API on 127.0.0.1 (an ERP, a help desk, a CRM) that keeps what it is
 * sent and checks a bearer token, connected through the declarative file that describes exactly
 * the requests it answers. The hub listens on a real port with a real SQLite file, its
 * configuration written beside that file; the test reads it through the admin API and waits for
 * transfers to reach a status there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig, loadConfig, type HubConfig } from '../../src/config/load.js';
import { DATA_TYPES } from '../../src/domain/types.js';
import { tempDir } from '../helpers/hub.js';
import { startListeningHub, type ListeningHub } from '../helpers/listening.js';
import { until } from '../helpers/wait.js';
import { header, startApi, type ApiServer } from '../integrations/declarative-server.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface DestinationSpec {
  /** The integration's id, e.g. `erp`. */
  id: string;
  /** The hub type it receives, e.g. `product` (one beyond the built-in list is declared in the file). */
  type: string;
  /** Its collection, e.g. `/items`: POST creates a record, `{path}/{id}` updates (and deletes) one. */
  path: string;
  /** Where the file's baseUrl ends, before `path`, e.g. `/api` (none unless told). */
  basePath?: string;
  /** The field a created record's id is answered in (`id` unless told). */
  idField?: string;
  /** Ids it gives, numbered in order: `IT-` gives IT-1, IT-2, … */
  idPrefix: string;
  /** A record travels wrapped in this key both ways, e.g. `ticket`: {"ticket": {…}}. */
  wrapper?: string;
  /** How a record is updated (PUT, the declarative default, unless told). */
  update?: 'PUT' | 'PATCH';
  /** Whether it deletes records too (DELETE, answered 204). */
  deletes?: boolean;
  /** The bearer token it accepts; anything else is 401 {"error": "unauthorized"}. */
  token: string;
}

export interface Destination extends ApiServer {
  spec: DestinationSpec;
  /** What it holds, by the id it gave. */
  records: Map<string, Record<string, unknown>>;
  /** The integration file (YAML) that connects it: the hook scope, bearer auth, create/update/delete. */
  file: string;
  /**
   * Its connection, named by its id, through `./<id>.yaml` (startHub writes the file): hub records
   * of its type go to it with these `fields` (and deletes follow when it deletes). As data, and as
   * JSON is YAML, as text too.
   */
  connection(fields: Record<string, string>): Record<string, any>;
}

/** The file describing `spec`'s API, as a test would write it by hand. */
export function destinationFile(spec: DestinationSpec): string {
  const idField = spec.idField ?? 'id';
  const noun = spec.path.split('/').at(-1)!.replace(/s$/, '');
  const body = spec.wrapper ? `, body: "{ '${spec.wrapper}': $ }"` : '';
  const method = spec.update && spec.update !== 'PUT' ? `method: ${spec.update}, ` : '';
  const declared = (DATA_TYPES as readonly string[]).includes(spec.type) ? '' : `types: { ${spec.type}: {} }\n`;
  return `id: ${spec.id}
${declared}scopes: [{ scope: ${spec.type}/updated, hooks: [${noun}.updated], description: "${spec.id} ${noun} → ${spec.type}" }]
api:
  baseUrl: "{settings.baseUrl}${spec.basePath ?? ''}"
  auth: { kind: bearer, token: "{settings.token}" }
  types:
    ${spec.type}:
      create: { path: ${spec.path}${body}, id: ${spec.wrapper ? `${spec.wrapper}.` : ''}${idField} }
      update: { ${method}path: "${spec.path}/{externalId}"${body} }
${spec.deletes ? `      delete: { path: "${spec.path}/{externalId}" }\n` : ''}`;
}

/** Starts the JSON API `spec` describes; its `file` connects it. */
export async function startDestination(spec: DestinationSpec): Promise<Destination> {
  const records = new Map<string, Record<string, unknown>>();
  const collection = `${spec.basePath ?? ''}${spec.path}`;
  const update = spec.update ?? 'PUT';
  const unwrap = (json: any) => (spec.wrapper ? json[spec.wrapper] : json);
  const wrap = (record: unknown) => (spec.wrapper ? { [spec.wrapper]: record } : record);
  const api = await startApi((r) => {
    if (header(r, 'authorization') !== `Bearer ${spec.token}`) return { status: 401, json: { error: 'unauthorized' } };
    if (r.method === 'POST' && r.path === collection) {
      const record = { ...unwrap(r.json()), [spec.idField ?? 'id']: `${spec.idPrefix}${records.size + 1}` };
      records.set(record[spec.idField ?? 'id'], record);
      return { status: 201, json: wrap(record) };
    }
    const id = r.path.startsWith(`${collection}/`) ? r.path.slice(collection.length + 1) : null;
    if (id === null || id.includes('/') || !records.has(id)) return undefined;
    if (r.method === update) {
      records.set(id, { ...records.get(id), ...unwrap(r.json()) });
      return { json: wrap(records.get(id)) };
    }
    if (r.method === 'DELETE' && spec.deletes) {
      records.delete(id);
      return { status: 204 };
    }
    return undefined;
  });
  const connection = (fields: Record<string, string>) => ({
    integration: `./${spec.id}.yaml`,
    webhook: { apiKey: `${spec.id}-hook-key` },
    settings: { baseUrl: api.url, token: spec.token },
    scopes: [],
    mappings: { [spec.type]: { from_hub: { sync: 'add_and_update', fields, ...(spec.deletes ? { delete: { sync: 'delete' } } : {}) } } },
  });
  return Object.assign(api, { records, file: destinationFile(spec), spec, connection });
}

/** examples/providers/<id>.yaml as data, for a test to point at its simulator before the hub starts. */
export function exampleConfig(id: string): Record<string, any> {
  return parseYaml(readFileSync(resolve(ROOT, `examples/providers/${id}.yaml`), 'utf8'));
}

export interface HubOptions {
  /** hookyard.yaml: its text (with `${NAME}` read from `env`), data (such as exampleConfig's), or a file to load as it is. */
  config: { text: string } | { data: Record<string, unknown> } | { file: string };
  /** Destinations whose files are written beside hookyard.yaml, as `<id>.yaml`. */
  destinations?: Destination[];
  env?: Record<string, string>;
  /** Whether workers run (default: yes). */
  workers?: boolean;
}

export interface HubUnderTest {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  listening: ListeningHub;
  /** GETs an admin API path; it must answer 200. */
  api<T = any>(path: string): Promise<T>;
  /** POSTs JSON to an admin API path (initialize, sync); it must answer 202, accepted. */
  post<T = any>(path: string, body: unknown): Promise<T>;
  /** Transfers, newest first, filtered as the API filters them: `connection=erp&status=dead`. */
  transfers(filter?: string): Promise<any[]>;
  /** Starts `sync --all` of `type` on `connection` and waits until its init feed is done; that feed. */
  initialize(connection: string, type: string): Promise<any>;
  /** Waits until some transfer (of `filter`) has `status`; that transfer. */
  untilTransfer(status: string, filter?: string): Promise<any>;
  /** Waits until exactly `count` transfers (of `filter`) have `status`; those. */
  untilTransfers(count: number, status: string, filter?: string): Promise<any[]>;
  dispose(): Promise<void>;
}

/** A hub on a real port, configured in a temp directory; dispose removes both. */
export async function startHub(options: HubOptions): Promise<HubUnderTest> {
  const dir = tempDir('hookyard-provider-');
  let listening: ListeningHub;
  try {
    for (const destination of options.destinations ?? []) writeFileSync(join(dir.path, `${destination.spec.id}.yaml`), destination.file);
    const env = options.env ?? {};
    const file = join(dir.path, 'hookyard.yaml');
    let config: HubConfig;
    if ('text' in options.config) {
      writeFileSync(file, options.config.text);
      config = await loadConfig(file, { env });
    } else if ('data' in options.config) {
      config = buildConfig(options.config.data, { file, env });
    } else {
      config = await loadConfig(options.config.file, { env });
    }
    listening = await startListeningHub(config, { workers: options.workers ?? true });
  } catch (error) {
    dir.remove();
    throw error;
  }

  const url = listening.url;
  const api = async (path: string, init?: RequestInit, status = 200) => {
    const response = await fetch(`${url}${path}`, init);
    expect(response.status, `${init?.method ?? 'GET'} ${path}`).toBe(status);
    return response.json();
  };
  const transfers = async (filter = ''): Promise<any[]> => (await api(`/api/transfers?limit=500${filter ? `&${filter}` : ''}`)).items;
  const having = async (status: string, filter: string) => (await transfers(filter)).filter((t) => t.status === status);

  return {
    url,
    listening,
    api: (path) => api(path),
    post: (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 202),
    transfers,
    async initialize(connection, type) {
      await api(`/api/connections/${connection}/initialize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type }) }, 202);
      let feed: any;
      await until(`the initialization of ${connection} is done`, async () => {
        feed = (await api(`/api/feeds?connection=${connection}`)).items.find((f: any) => f.kind === 'init' && f.status === 'done');
        return feed !== undefined;
      });
      return feed;
    },
    async untilTransfer(status, filter = '') {
      let found: any[] = [];
      await until(`a transfer ${status} (${filter || 'any'})`, async () => (found = await having(status, filter)).length > 0);
      return found[0];
    },
    async untilTransfers(count, status, filter = '') {
      let found: any[] = [];
      await until(`${count} transfers ${status} (${filter || 'any'})`, async () => (found = await having(status, filter)).length === count);
      return found;
    },
    async dispose() {
      try {
        await listening.dispose();
      } finally {
        dir.remove();
      }
    },
  };
}
