/**
 * JSON values as mapping results: JSONata hands back its own shapes (sequences with an extra
 * `sequence` property, lambdas, references into the source), so every value that leaves a mapping
 * goes through toJson first. That keeps records plain, comparable and free of aliasing.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Thrown by toJson; `found` says what the value was, for the error message. */
export class NotJsonError extends Error {
  constructor(readonly found: string) {
    super(`${found} is not a JSON value`);
    this.name = 'NotJsonError';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The value of an own property only: `record.constructor` must not find Object's. */
export function own(record: Record<string, unknown> | null | undefined, key: string): unknown {
  return record != null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own property even for `__proto__`, where assignment would change the prototype. */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

function isJsonataFunction(value: object): boolean {
  const marked = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return marked._jsonata_function === true || marked._jsonata_lambda === true;
}

/**
 * A deep copy as plain JSON. undefined stays undefined at the top (the caller omits the field);
 * inside objects it drops the key and inside arrays it becomes null, as JSON.stringify does.
 * Throws NotJsonError for functions, non-finite numbers and class instances.
 */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === undefined || value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(String(value));
      return value;
    case 'object':
      break;
    default:
      throw new NotJsonError(`a ${typeof value}`);
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (isJsonataFunction(value)) throw new NotJsonError('a function');
  if (!isPlainObject(value)) throw new NotJsonError(`an instance of ${value.constructor?.name ?? 'a class'}`);
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const copy = toJson(item);
    if (copy !== undefined) setOwn(out, key, copy);
  }
  return out;
}

/** Deep equality as JSON sees it: key order is ignored and an undefined property is an absent one. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(own(a, key), own(b, key))) return false;
    return true;
  }
  return false;
}

/** A short rendering for messages; long values are cut so one record cannot flood a log line. */
export function preview(value: unknown, max = 80): string {
  if (value === undefined) return 'no value';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
