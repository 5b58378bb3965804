/**
 * Pagination for `list`, as pure decisions: which query parameters ask for the page a cursor
 * names, and the cursor of the page after the one that came back (null: that was the last).
 *
 * - offset: the cursor is the offset of the next record (`?offset=200&limit=100`);
 * - page: the cursor is the next page number (`?page=3&per_page=100`);
 * - cursor: the answer names the next page (`meta.next_cursor`), sent back as `?cursor=…`;
 * - link: the `Link` header's `rel="next"` URL, followed as it is (RFC 8288).
 *
 * A page shorter than the size asked for, or empty, is the last one; so is a page that reaches
 * the total when the answer gives one.
 */
import type { PagingSpec } from './schema.js';

export interface PageAnswer {
  /** Records on this page. */
  count: number;
  total: number | null;
  /** The `cursor` strategy's next cursor, as found in the answer. */
  next: string | null;
  /** The `link` strategy's next URL, as found in the Link header. */
  link: string | null;
  /** How many pages there are, when the answer says (`page` paging's `pages`). */
  pages?: number | null;
}

/** What asks for the page named by `cursor`: query parameters, or (link paging) a whole URL. */
export function pageRequest(paging: PagingSpec, cursor: string | null): { query: Record<string, string>; url: string | null } {
  switch (paging.kind) {
    case 'offset':
      return { query: { [paging.offsetParam ?? 'offset']: cursor ?? '0', [paging.limitParam ?? 'limit']: String(paging.limit) }, url: null };
    case 'page':
      return { query: { [paging.pageParam ?? 'page']: cursor ?? String(paging.first ?? 1), [paging.sizeParam ?? 'per_page']: String(paging.size) }, url: null };
    case 'cursor':
      return { query: { ...sizeQuery(paging), ...(cursor === null ? {} : { [paging.param ?? 'cursor']: cursor }) }, url: null };
    case 'link':
      return cursor === null ? { query: sizeQuery(paging), url: null } : { query: {}, url: cursor };
  }
}

function sizeQuery(paging: { size?: number; sizeParam?: string }): Record<string, string> {
  return paging.size === undefined ? {} : { [paging.sizeParam ?? 'limit']: String(paging.size) };
}

/** Whether `cursor` can be one this strategy made (a cursor from another file version is refused). */
export function validCursor(paging: PagingSpec, cursor: string): boolean {
  return paging.kind === 'offset' || paging.kind === 'page' ? /^\d+$/.test(cursor) : cursor !== '';
}

export function nextCursor(paging: PagingSpec, cursor: string | null, answer: PageAnswer): string | null {
  if (answer.count === 0) return null;
  switch (paging.kind) {
    case 'offset': {
      const offset = Number(cursor ?? 0) + answer.count;
      if (answer.count < paging.limit || (answer.total !== null && offset >= answer.total)) return null;
      return String(offset);
    }
    case 'page': {
      const first = paging.first ?? 1;
      const page = Number(cursor ?? first);
      if (answer.count < paging.size || (answer.total !== null && (page - first + 1) * paging.size >= answer.total)) return null;
      if (typeof answer.pages === 'number' && page - first + 1 >= answer.pages) return null;
      return String(page + 1);
    }
    case 'cursor':
      return answer.next === null || answer.next === '' || answer.next === cursor ? null : answer.next;
    case 'link':
      // A next link back to the page just read would read it forever.
      return answer.link === cursor ? null : answer.link;
  }
}

/** The `rel="next"` target of a Link header (`<https://…?page=2>; rel="next", <…>; rel="last"`), or null. */
export function linkNext(header: string | null): string | null {
  if (!header) return null;
  for (const entry of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(entry);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]!);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return match[1]!;
  }
  return null;
}
