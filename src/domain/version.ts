/**
 * Versions of payload records: payloads can arrive out of order (a provider retries an old
 * delivery after a newer one went through), so a payload older than the version the hub last took
 * in from the same source record must not overwrite it (the engine's stale guard), and a request
 * waiting for a record keeps the newest of the payloads it absorbs, not the last to arrive (the
 * enqueue rule).
 */

/** Numbers (a revision counter, epoch seconds) compare as numbers; anything else as an ISO time. */
function comparable(version: string): number | null {
  const trimmed = version.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? null : time;
}

/**
 * True when `incoming` is older than `stored`. Equal versions are not stale (a re-delivery maps to
 * "unchanged"); versions that cannot be compared (unparseable, or a number against a time) are
 * not stale either: without an order the newest arrival wins, as without a version field.
 */
export function isStalePayload(incoming: string | null, stored: string | null): boolean {
  if (incoming === null || stored === null) return false;
  const a = comparable(incoming);
  const b = comparable(stored);
  if (a === null || b === null) return false;
  const aIsNumber = Number.isFinite(Number(incoming.trim()));
  const bIsNumber = Number.isFinite(Number(stored.trim()));
  if (aIsNumber !== bIsNumber) return false;
  return a < b;
}
