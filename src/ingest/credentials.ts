/** Keeping credentials out of stored hooks (comparing them: src/verify/digest.ts). */

/**
 * Headers that carry credentials whatever the connection: stored as "[redacted]" on every hook.
 * A connection adds the header its key travels in and any it names in `webhook.redact`.
 */
export const ALWAYS_REDACTED = ['authorization', 'proxy-authorization', 'cookie'] as const;

export const REDACTED = '[redacted]';

/**
 * The headers to store: each one named in `names` (lower case) that the request carries is kept
 * as "[redacted]". Called after every check, which all see the values as received. Copies the
 * map only when there is something to redact (most hooks: one header, or none).
 */
export function redactHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  let kept: Record<string, string> | null = null;
  for (const name of names) {
    if (!Object.hasOwn(headers, name)) continue;
    kept ??= { ...headers };
    kept[name] = REDACTED;
  }
  return kept ?? headers;
}
