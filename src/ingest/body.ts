/**
 * What a hook body must be before it is accepted: JSON (or a form), UTF-8 (and declared so, if
 * declared at all), not empty, not absurdly nested. Checked once at ingest, so that everything
 * stored can be read later and a sender learns at once, with a 4xx, that its hook is unreadable.
 */
import type { BodyKind } from '../domain/body-kind.js';
import { HyError } from '../errors.js';

export { bodyKind, type BodyKind } from '../domain/body-kind.js';

/** Deeper than any real webhook; deep enough to stop a parser-exhausting body. */
export const MAX_JSON_DEPTH = 64;

// ignoreBOM keeps a byte order mark in the text, so that JSON starting with one is refused here
// rather than accepted and then unreadable.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The nesting depth of a JSON text, counting brackets outside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return deepest;
}

/** Spellings of UTF-8 a Content-Type may declare (compared in lower case). */
const UTF8_NAMES: ReadonlySet<string> = new Set(['utf-8', 'utf8']);

/**
 * The charset a Content-Type declares, in lower case without quotes, or null when it declares
 * none. Parameters are split on ";" (a quoted ";" in another parameter splits it, harmlessly).
 */
export function declaredCharset(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  for (const parameter of contentType.split(';').slice(1)) {
    const at = parameter.indexOf('=');
    if (at < 0 || parameter.slice(0, at).trim().toLowerCase() !== 'charset') continue;
    return parameter.slice(at + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return null;
}

/**
 * Throws HY_ERR_BODY_CHARSET when the Content-Type declares a charset other than UTF-8: the body
 * would be read as UTF-8 all the same, and a latin1 "é" is not valid UTF-8 (or, worse, is
 * another character).
 */
export function checkCharset(contentType: string | null | undefined): void {
  const charset = declaredCharset(contentType);
  if (charset !== null && !UTF8_NAMES.has(charset)) throw new HyError('HY_ERR_BODY_CHARSET', `got "${charset.slice(0, 40)}"`);
}

/** What checkBody parsed: a JSON body's value, kept for the resolver; a form is not parsed here. */
export type CheckedBody = { parsed: true; value: unknown } | { parsed: false };

/** Throws the HyError that says what is wrong with the body, or returns what it parsed. */
export function checkBody(body: Buffer, kind: BodyKind): CheckedBody {
  if (body.length === 0) throw new HyError('HY_ERR_BODY_EMPTY');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new HyError('HY_ERR_BODY_ENCODING');
  }
  if (kind === 'form') return { parsed: false };
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new HyError('HY_ERR_BODY_TOO_DEEP', `more than ${MAX_JSON_DEPTH} levels`);
  try {
    return { parsed: true, value: JSON.parse(text) };
  } catch (error) {
    throw new HyError('HY_ERR_BODY_NOT_JSON', (error as Error).message);
  }
}
