/**
 * Combining a mapped record with the current hub record, and telling whether anything changed.
 * Both helpers share one rule so they never disagree: a field changed exactly when merging it
 * changes the stored value. That is what keeps echoes and no-op updates from fanning out.
 */
import { isPlainObject, jsonEqual, own, setOwn } from './json.js';

/**
 * The new hub data: `current` with every field of `mapped` written over it.
 *
 * Plain objects are merged at every depth, so `address.city` mapped alone keeps the stored
 * `address.zip`. Arrays and scalars replace. The consequence to know: a mapped object never
 * removes a key from the stored one; map the key to null to clear it. Neither input is modified;
 * values that are not rewritten are shared with `current`, not copied.
 */
export function mergeRecord(
  current: Record<string, unknown> | null,
  mapped: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (current) for (const [key, value] of Object.entries(current)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(mapped)) {
    const stored = own(current, key);
    setOwn(out, key, isPlainObject(value) && isPlainObject(stored) ? mergeRecord(stored, value) : value);
  }
  return out;
}

/** The top-level keys of `mapped` whose merged value differs (deep JSON equality) from `current`. */
export function diffFields(current: Record<string, unknown> | null, mapped: Record<string, unknown>): string[] {
  const merged = mergeRecord(current, mapped);
  return Object.keys(mapped).filter((key) => !jsonEqual(own(merged, key), own(current, key)));
}
