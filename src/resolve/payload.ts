/**
 * Payload records: the record a hook's element carries (a receiver with `record`), read again from
 * the stored hook when the transfer runs — the hook is stored once, the record is not stored twice.
 * Pure apart from JSONata's evaluation being asynchronous.
 */
import type { IncomingHook } from '../domain/types.js';
import { evaluateExpression, ExpressionError } from '../expressions/jsonata.js';
import { readRaw, type CompiledReceiver } from './receiver.js';
import { parseBody, selectElements } from './resolve.js';

export interface PayloadRecordRead {
  record: Record<string, unknown>;
  /** The record's version (the receiver's `record.version`), as text; null without one. */
  version: string | null;
}

/**
 * The record carried by element `seq` of the hook, or null when the element has none (not an
 * object): the transfer then reads the record from the source. Throws ExpressionError.
 */
export async function readPayloadRecord(
  receiver: CompiledReceiver,
  hook: Pick<IncomingHook, 'headers' | 'segments' | 'body' | 'contentType'>,
  seq: number,
  /** The body already parsed (by ingest), when it is at hand. */
  parsedBody?: { value: unknown },
): Promise<PayloadRecordRead | null> {
  if (!receiver.record) return null;
  const parsed = parsedBody ? { ok: true as const, value: parsedBody.value } : parseBody(hook.body, hook.contentType);
  if (!parsed.ok) return null;
  const { body, elements } = await selectElements(receiver, parsed.value, hook);
  const element = elements[seq];
  if (element === undefined) return null;
  const record = await readRaw(receiver.record.path, { body, element, headers: hook.headers, segments: hook.segments });
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return null;
  let version: string | null = null;
  if (receiver.record.version) {
    const raw = await evaluateExpression(receiver.record.version, record, { body, element }, receiver.definition.record!.version!);
    version = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : null;
  }
  return { record: record as Record<string, unknown>, version };
}

export { ExpressionError };
