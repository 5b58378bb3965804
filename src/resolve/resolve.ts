/**
 * Resolution: a stored hook → notifications, each a (scope, external id) pair or a reason why
 * not. Pure: the same hook and definition always give the same answer.
 */
import type { DataType, Notification, IncomingHook, Scope, ScopeAction } from '../domain/types.js';
import type { ErrorCode } from '../errors.js';
import { bodyKind } from '../domain/body-kind.js';
import { evaluateExpression, ExpressionError } from '../expressions/jsonata.js';
import { readField, type CompiledField, type CompiledReceiver, type FieldContext } from './receiver.js';
import { hookStatusOf, type ReadHookStatus } from './hook-status.js';

/** An integration's declarations, indexed for resolution. */
export interface ScopeIndex {
  integrationId: string;
  /** External hook name → scope. */
  byHook: ReadonlyMap<string, Scope>;
  /** Child type → its parent type and where the parent's id is in the hook. */
  parents?: ReadonlyMap<DataType, { parent: DataType; field: CompiledField }>;
}

export type Resolution =
  | { status: ReadHookStatus; notifications: Notification[] }
  | { status: 'failed'; errorCode: ErrorCode; errorMessage: string; notifications: [] };

/** Actions that are about one record and so need its external id. */
const NEEDS_EXTERNAL_ID: ReadonlySet<ScopeAction> = new Set(['created', 'updated', 'deleted']);

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses the raw body: JSON, or a form (`a=1&b=2` → `{a: "1", b: "2"}`, a repeated name → a
 * list) when the Content-Type says so. An empty body is `undefined`, not an error.
 */
export function parseBody(body: Buffer, contentType: string | null = null): ParsedBody {
  if (body.length === 0) return { ok: true, value: undefined };
  if (bodyKind(contentType) === 'form') {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
      const seen = form[key];
      form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return { ok: true, value: form };
  }
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function failed(errorCode: ErrorCode, errorMessage: string): Resolution {
  return { status: 'failed', errorCode, errorMessage, notifications: [] };
}

function elementsOf(selected: unknown): unknown[] {
  if (selected === undefined || selected === null) return [];
  return Array.isArray(selected) ? selected : [selected];
}

/**
 * `maxNotifications`: a hook whose selector yields more elements fails with
 * HY_ERR_TOO_MANY_NOTIFICATIONS before a single one is read, so that one body cannot fan out into
 * tens of thousands of requests (a 1 MiB body holds about 19,000 small elements).
 */
export async function resolveHook(
  receiver: CompiledReceiver,
  scopes: ScopeIndex,
  hook: IncomingHook,
  maxNotifications: number,
  /** The body as ingest parsed it, when it was handed over with the hook; else it is parsed here. */
  parsedBody?: { value: unknown },
): Promise<Resolution> {
  const parsed: ParsedBody = parsedBody ? { ok: true, value: parsedBody.value } : parseBody(hook.body, hook.contentType);
  if (!parsed.ok) {
    return failed('HY_ERR_HOOK_BODY_NOT_JSON', parsed.reason);
  }
  const base = { headers: hook.headers, segments: hook.segments };
  try {
    const { body, elements } = await selectElements(receiver, parsed.value, hook);
    if (elements.length > maxNotifications) {
      return failed(
        'HY_ERR_TOO_MANY_NOTIFICATIONS',
        `the hook holds ${elements.length} notifications, the limit is ${maxNotifications} (limits.notificationsPerHook); ask the sender for smaller batches, or raise the limit and replay the hook`,
      );
    }

    const notifications: Notification[] = [];
    for (const [seq, element] of elements.entries()) {
      notifications.push(await readNotification(receiver, scopes, { ...base, body, element }, seq));
    }
    return { status: hookStatusOf(notifications), notifications };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return failed('HY_ERR_RECEIVER_EXPRESSION', `${error.message} in "${error.source}"`);
    }
    throw error;
  }
}

/** The body after preprocessing and the elements the multiple selector picks (the body alone without one). Throws ExpressionError. */
export async function selectElements(
  receiver: CompiledReceiver,
  parsed: unknown,
  hook: Pick<IncomingHook, 'headers' | 'segments'>,
): Promise<{ body: unknown; elements: unknown[] }> {
  let body = parsed;
  if (receiver.preprocess) {
    body = await evaluateExpression(receiver.preprocess, body, { body, url: hook.segments, headers: hook.headers }, receiver.definition.preprocess!);
  }
  const elements = receiver.multiple
    ? elementsOf(await evaluateExpression(receiver.multiple, body, { body, url: hook.segments, headers: hook.headers }, receiver.definition.multiple!))
    : [body];
  return { body, elements };
}

async function readNotification(
  receiver: CompiledReceiver,
  scopes: ScopeIndex,
  ctx: FieldContext,
  seq: number,
): Promise<Notification> {
  const hookName = await readField(receiver.hook, ctx);
  if (hookName === null) {
    return { seq, hookName, scope: null, externalId: null, status: 'invalid', reason: 'HY_ERR_HOOK_NAME_MISSING: the receiver definition found no hook name in this element' };
  }
  const externalId = await readField(receiver.externalId, { ...ctx, hook: hookName });
  const scope = scopes.byHook.get(hookName) ?? null;
  if (scope === null) {
    return {
      seq,
      hookName,
      scope: null,
      externalId,
      status: 'unmatched',
      reason: `hook name "${hookName}" matches no scope of integration ${scopes.integrationId}`,
    };
  }
  if (externalId === null && NEEDS_EXTERNAL_ID.has(scope.action)) {
    return { seq, hookName, scope, externalId, status: 'invalid', reason: 'HY_ERR_EXTERNAL_ID_MISSING: the receiver definition found no external id in this element' };
  }
  const parent = scopes.parents?.get(scope.type);
  if (parent) {
    const parentId = await readField(parent.field, { ...ctx, hook: hookName });
    if (parentId === null) {
      return { seq, hookName, scope, externalId, status: 'invalid', reason: `HY_ERR_EXTERNAL_ID_MISSING: a ${scope.type} hook becomes a ${parent.parent} request, but this element has no ${parent.parent} id` };
    }
    return { seq, hookName, scope, externalId, status: 'planned', reason: null, parent: { type: parent.parent, externalId: parentId } };
  }
  return { seq, hookName, scope, externalId, status: 'planned', reason: null };
}
