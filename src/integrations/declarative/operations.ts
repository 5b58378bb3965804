/**
 * The Integration methods an `api` section gives: each reads its operation's declaration for the
 * data type, sends the request (request.ts) and takes what it needs out of the answer with the
 * declared JSONata. A method exists only when some type declares its operation, so the engine's
 * own "cannot read records (no get)" stays true; a type that lacks it fails permanently.
 */
import type { DataType } from '../../domain/types.js';
import { compileExpression, evaluateExpression, ExpressionError } from '../../expressions/jsonata.js';
import { permanentError } from '../errors.js';
import type { ExternalRecord, Integration, IntegrationContext, ListPage, PollPage, WriteContext } from '../types.js';
import { linkNext, nextCursor, pageRequest, validCursor } from './paging.js';
import { send } from './request.js';
import type { ExchangeAnswer } from '../http.js';
import type { ApiSpec, OperationName, OperationsSpec } from './schema.js';

export type ApiMethods = Pick<Integration, 'get' | 'list' | 'find' | 'create' | 'update' | 'delete' | 'poll'>;

export function apiMethods(integrationId: string, api: ApiSpec): ApiMethods {
  const declared = (name: OperationName) => Object.values(api.types).some((operations) => operations?.[name] !== undefined);

  function operation<N extends OperationName>(type: DataType, name: N): NonNullable<OperationsSpec[N]> {
    const spec = api.types[type]?.[name];
    if (spec) return spec as NonNullable<OperationsSpec[N]>;
    const types = Object.entries(api.types)
      .filter(([, operations]) => operations?.[name] !== undefined)
      .map(([t]) => t);
    throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integrationId} cannot ${name} ${type}: its api section declares ${name} for ${types.join(', ')}`);
  }

  const methods: ApiMethods = {};
  if (declared('get')) {
    methods.get = async (type, externalId, ctx) => {
      const spec = operation(type, 'get');
      const answer = await send(api, spec, 'GET', ctx, { externalId }, { pass: [404] });
      if (answer.status === 404) return null;
      // A read by filter (BigCommerce's v3 customers: ?id:in=<id>) answers 200 with an empty
      // list when the record is gone: the file says so with `gone`, so that a `record` that
      // finds nothing anywhere else stays an error rather than a record silently not found.
      if (spec.gone && Boolean(await select(spec.gone, answer.json, seen(answer)))) return null;
      const record = await select(spec.record ?? '$', answer.json, seen(answer));
      return recordIn(record, `get ${type} ${externalId}`, spec.record ?? 'the answer');
    };
  }
  if (declared('list')) {
    methods.list = async (type, cursor, ctx): Promise<ListPage> => {
      const spec = operation(type, 'list');
      if (cursor !== null && spec.paging && !validCursor(spec.paging, cursor)) {
        throw permanentError('HY_ERR_INTEGRATION', `list cursor ${JSON.stringify(cursor)} is not one ${spec.paging.kind} paging makes`);
      }
      const page = spec.paging ? pageRequest(spec.paging, cursor) : { query: {}, url: null };
      const answer = await send(api, spec, 'GET', ctx, {}, { query: page.query, url: page.url });
      const bindings = seen(answer);
      // An empty answer (204, as BigCommerce's v2 gives past the last page) has no records.
      const records = answer.json === null ? [] : await recordsIn(spec.records, answer.json, `list ${type}`, bindings);
      const ids = await idsOf(records, spec.id, `list ${type}`);
      const total = spec.total && answer.json !== null ? await select(spec.total, answer.json, bindings) : undefined;
      const result: ListPage = { ids, cursor: null };
      if (typeof total === 'number') result.total = total;
      if (spec.paging) {
        const next = spec.paging.kind === 'cursor' ? await select(spec.paging.next, answer.json, bindings) : null;
        const pages = spec.paging.kind === 'page' && spec.paging.pages ? await select(spec.paging.pages, answer.json, bindings) : null;
        result.cursor = nextCursor(spec.paging, cursor, {
          count: records.length,
          total: typeof total === 'number' ? total : null,
          next: typeof next === 'string' || typeof next === 'number' ? String(next) : null,
          link: linkNext(answer.headers.get('link')),
          pages: typeof pages === 'number' ? pages : null,
        });
      }
      return result;
    };
  }
  if (declared('find')) {
    methods.find = async (type, field, value, ctx) => {
      const spec = operation(type, 'find');
      if (!spec.fields.includes(field)) {
        throw permanentError('HY_ERR_INTEGRATION_UNSUPPORTED', `integration ${integrationId} cannot find ${type} by "${field}": its api section finds by ${spec.fields.join(', ')}`);
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw permanentError('HY_ERR_INTEGRATION', `cannot find ${type} by ${field} = ${JSON.stringify(value)}: not a string, number or boolean`);
      }
      const answer = await send(api, spec, 'GET', ctx, { field, value: String(value) });
      const records = answer.json === null ? [] : await recordsIn(spec.records, answer.json, `find ${type}`, seen(answer));
      const ids = await idsOf(records, spec.id, `find ${type}`);
      if (ids.length > 1) {
        throw permanentError('HY_ERR_COLLISION', `the system has several ${type} records with ${field} = ${JSON.stringify(value)} (${ids.slice(0, 5).join(', ')}); merge them or link one by hand`);
      }
      return ids[0] ?? null;
    };
  }
  if (declared('create')) {
    methods.create = async (type, record, ctx: WriteContext) => {
      const spec = operation(type, 'create');
      const headers = api.idempotencyHeader ? { [api.idempotencyHeader]: ctx.idempotencyKey } : {};
      const answer = await send(api, spec, 'POST', ctx, {}, { body: await bodyOf(spec.body, record, {}), headers, encoding: spec.encoding ?? api.encoding });
      const id = await select(spec.id ?? 'id', answer.json, seen(answer));
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw permanentError('HY_ERR_DESTINATION_REJECTED', `create ${type}: the answer has no id at ${spec.id ?? 'id'}`);
      }
      const key = api.idempotencyHeader ? ` (${api.idempotencyHeader} ${ctx.idempotencyKey})` : '';
      ctx.log('create', `${type} ${id} created${key}`);
      return { externalId: String(id) };
    };
  }
  if (declared('update')) {
    methods.update = async (type, externalId, record, ctx) => {
      const spec = operation(type, 'update');
      await send(api, spec, 'PUT', ctx, { externalId }, { body: await bodyOf(spec.body, record, { externalId }), encoding: spec.encoding ?? api.encoding });
    };
  }
  if (declared('delete')) {
    methods.delete = async (type, externalId, ctx) => {
      const spec = operation(type, 'delete');
      // Gone already counts as deleted, so a delete retried after a lost answer succeeds.
      const answer = await send(api, spec, 'DELETE', ctx, { externalId }, { pass: [404] });
      if (answer.status === 404) ctx.log('delete', `${type} ${externalId} was already gone`);
    };
  }
  if (declared('poll')) {
    methods.poll = async (type, cursor, ctx: IntegrationContext): Promise<PollPage> => {
      const spec = operation(type, 'poll');
      const from = cursor ?? spec.start ?? null;
      const answer = await send(api, spec, 'GET', ctx, { cursor: from, ...cursorFields(from) });
      const bindings = { ...seen(answer), cursor: from };
      const records = answer.json === null ? [] : await recordsIn(spec.records, answer.json, `poll ${type}`, bindings);
      const ids = await idsOf(records, spec.id, `poll ${type}`);
      const next = await select(spec.cursor, answer.json, bindings);
      const page: PollPage = { ids, cursor: cursorText(next) };
      if (spec.more && Boolean(await select(spec.more, answer.json, bindings))) page.more = true;
      return page;
    };
  }
  return methods;
}

/** `cursor.<key>` for each field of a cursor that is a JSON object (a position of several parts). */
function cursorFields(cursor: string | null): Record<string, string | null> {
  if (cursor === null || !cursor.startsWith('{')) return {};
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    return {};
  }
  const fields: Record<string, string | null> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    fields[`cursor.${key}`] = typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean' ? String(field) : null;
  }
  return fields;
}

/** The cursor to keep: text as it is, an object as its JSON; nothing keeps the old one. */
function cursorText(next: unknown): string | null {
  if (typeof next === 'string' || typeof next === 'number') return String(next);
  if (typeof next === 'object' && next !== null && !Array.isArray(next)) return JSON.stringify(next);
  return null;
}

async function select(source: string, input: unknown, bindings: Record<string, unknown> = {}): Promise<unknown> {
  try {
    return await evaluateExpression(compileExpression(source), input, bindings, source);
  } catch (error) {
    if (error instanceof ExpressionError) throw permanentError('HY_ERR_INTEGRATION', `api expression ${source} failed on the answer: ${error.message}`);
    throw error;
  }
}

/** The body of a create or update: the mapped record, or the declared JSONata around it (`$` the record). */
async function bodyOf(source: string | undefined, record: ExternalRecord, bindings: Record<string, unknown>): Promise<unknown> {
  return source === undefined ? record : select(source, record, bindings);
}

function recordIn(value: unknown, what: string, where: string): ExternalRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw permanentError('HY_ERR_DESTINATION_REJECTED', `${what}: the answer has no record object at ${where}`);
  }
  return value as ExternalRecord;
}

/** What selectors over an answer see besides its body: `$headers`, by lower-case name. */
function seen(answer: ExchangeAnswer): Record<string, unknown> {
  return { headers: Object.fromEntries(answer.headers) };
}

async function recordsIn(source: string, answer: unknown, what: string, bindings: Record<string, unknown> = {}): Promise<unknown[]> {
  const value = await select(source, answer, bindings);
  if (Array.isArray(value)) return value;
  // JSONata gives a one-element result as the element itself.
  if (typeof value === 'object' && value !== null) return [value];
  throw permanentError('HY_ERR_DESTINATION_REJECTED', `${what}: the answer has no list of records at ${source}`);
}

async function idsOf(records: unknown[], source: string | undefined, what: string): Promise<string[]> {
  const ids: string[] = [];
  for (const record of records) {
    const id = await select(source ?? 'id', record);
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw permanentError('HY_ERR_DESTINATION_REJECTED', `${what}: a record has no id at ${source ?? 'id'}`);
    }
    ids.push(String(id));
  }
  return ids;
}
