/**
 * Text templates in the `api` section: `{name}` is replaced by a value, everything else is kept.
 * Names are `settings.<key>`, `presets.<key>` and the request's own values (`externalId`,
 * `cursor`, `cursor.<key>`, `field`, `value`). Parsing and checking happen at load, so a misspelt name is a
 * config problem, not a failed transfer.
 *
 * `{+name}` (RFC 6570's "reserved" mark) is a value that is itself a path: in a request path its
 * `/` are kept and each segment is encoded on its own (`octo-org/hello/issues/7`), where `{name}`
 * would encode the `/` as `%2F`. Elsewhere it is an ordinary value.
 */

export interface Template {
  source: string;
  /** Literal text and variable names, alternating: text at even indexes. */
  parts: string[];
  /** The indexes in `parts` of names written `{+name}`: values whose `/` a path keeps. */
  paths: ReadonlySet<number>;
}

const PLACEHOLDER = /\{(\+?)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)?)\}/g;

export function parseTemplate(source: string): Template {
  const parts: string[] = [];
  const paths = new Set<number>();
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    parts.push(source.slice(last, match.index));
    if (match[1] === '+') paths.add(parts.length);
    parts.push(match[2]!);
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  return { source, parts, paths };
}

export function templateVariables(template: Template): string[] {
  return template.parts.filter((_, i) => i % 2 === 1);
}

/** A problem with the names a template uses, or null: `settings.*` and `presets.*` are always allowed. */
export function unknownVariable(template: Template, allowed: readonly string[]): string | null {
  for (const name of templateVariables(template)) {
    if (name.startsWith('settings.') || name.startsWith('presets.') || allowed.includes(name)) continue;
    // `cursor.<key>` allows every field of the cursor.
    if (allowed.some((a) => a.endsWith('.<key>') && name.startsWith(a.slice(0, -'<key>'.length)))) continue;
    const can = ['settings.<key>', 'presets.<key>', ...allowed].map((n) => `{${n}}`).join(', ');
    return `{${name}} is not a value this template can use (it can use ${can})`;
  }
  return null;
}

/**
 * The text with every name replaced by `lookup(name)`, each passed through `encode` (a `{+name}`
 * through `encodePath`, when given). A name whose value is null makes the whole result null (a
 * query parameter left out, e.g. `{cursor}` on the first poll).
 */
export function renderTemplate(
  template: Template,
  lookup: (name: string) => string | null,
  encode: (value: string) => string = (v) => v,
  encodePath: (value: string) => string = encode,
): string | null {
  let out = '';
  for (let i = 0; i < template.parts.length; i += 1) {
    if (i % 2 === 0) {
      out += template.parts[i];
      continue;
    }
    const value = lookup(template.parts[i]!);
    if (value === null) return null;
    out += template.paths.has(i) ? encodePath(value) : encode(value);
  }
  return out;
}
