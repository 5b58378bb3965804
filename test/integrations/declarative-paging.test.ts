/**
 * Listing every record for initialization through a declared api, each pagination strategy
 * against a real local server that pages the way such APIs document it: offset/limit, page
 * number, a cursor in the body, the Link header (rel="next"). And the paging decisions as a table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration, ListPage } from '../../src/integrations/types.js';
import { linkNext, nextCursor } from '../../src/integrations/declarative/paging.js';
import { rejection, writeContext } from './context.js';
import { integrationFromYaml, startApi, type ApiServer, type Route } from './declarative-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Seven items, ids i1…i7. */
const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: `i${i + 1}`, name: `Item ${i + 1}` }));

async function api(route: Route): Promise<ApiServer> {
  const server = await startApi(route);
  closers.push(() => server.close());
  return server;
}

function lister(list: string): Integration {
  return integrationFromYaml(`
id: inventory
scopes: [{ scope: product/updated, description: "Item → product" }]
api:
  baseUrl: "{settings.baseUrl}"
  types:
    product:
      list: ${list}
`);
}

/** Every page from the first, as initialization walks them. */
async function walk(integration: Integration, settings: Record<string, unknown>): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let cursor: string | null = null;
  do {
    const page: ListPage = await integration.list!('product', cursor, writeContext(settings));
    pages.push(page);
    cursor = page.cursor;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

describe('pagination strategies', () => {
  it('offset/limit: advances by the records received, stops at the total', async () => {
    const server = await api((r) => {
      if (r.path !== '/items') return undefined;
      const offset = Number(r.query.get('start')), limit = Number(r.query.get('count'));
      return { json: { items: ITEMS.slice(offset, offset + limit), meta: { total: ITEMS.length } } };
    });
    const inventory = lister('{ path: /items, records: items, total: meta.total, paging: { kind: offset, limit: 3, offsetParam: start, limitParam: count } }');
    const pages = await walk(inventory, { baseUrl: server.url });
    expect(pages.map((p) => p.ids)).toEqual([['i1', 'i2', 'i3'], ['i4', 'i5', 'i6'], ['i7']]);
    expect(pages[0]!.total).toBe(7);
    expect(server.received.map((r) => r.url)).toEqual(['/items?start=0&count=3', '/items?start=3&count=3', '/items?start=6&count=3']);
  });

  it('page number: asks page 1, 2, 3 and stops at a short page', async () => {
    const server = await api((r) => {
      const page = Number(r.query.get('page')), size = Number(r.query.get('per_page'));
      return { json: ITEMS.slice((page - 1) * size, page * size) };
    });
    const inventory = lister('{ path: /items, records: "$", paging: { kind: page, size: 3 } }');
    const pages = await walk(inventory, { baseUrl: server.url });
    expect(pages.map((p) => p.ids)).toEqual([['i1', 'i2', 'i3'], ['i4', 'i5', 'i6'], ['i7']]);
    expect(server.received.map((r) => r.url)).toEqual(['/items?page=1&per_page=3', '/items?page=2&per_page=3', '/items?page=3&per_page=3']);
  });

  it('cursor in the body: sends back the next cursor until the answer has none', async () => {
    const server = await api((r) => {
      const after = r.query.get('starting_after');
      const start = after === null ? 0 : ITEMS.findIndex((i) => i.id === after) + 1;
      const data = ITEMS.slice(start, start + 3);
      const more = start + 3 < ITEMS.length;
      return { json: { data, has_more: more, next_cursor: more ? data[data.length - 1]!.id : null } };
    });
    const inventory = lister('{ path: /v1/items, records: data, paging: { kind: cursor, next: next_cursor, param: starting_after, size: 3, sizeParam: limit } }');
    const pages = await walk(inventory, { baseUrl: server.url });
    expect(pages.map((p) => p.ids)).toEqual([['i1', 'i2', 'i3'], ['i4', 'i5', 'i6'], ['i7']]);
    expect(pages.map((p) => p.cursor)).toEqual(['i3', 'i6', null]);
    expect(server.received.map((r) => r.url)).toEqual(['/v1/items?limit=3', '/v1/items?limit=3&starting_after=i3', '/v1/items?limit=3&starting_after=i6']);
  });

  it('Link header: follows rel="next" as given until there is none', async () => {
    const server = await api((r) => {
      const page = Number(r.query.get('page') ?? '1');
      const links = [`<${'http://127.0.0.1:' + r.headers.host!.split(':')[1]}/repos/items?page=${ITEMS.length}&per_page=3>; rel="last"`];
      if (page * 3 < ITEMS.length) links.unshift(`</repos/items?page=${page + 1}&per_page=3>; rel="next"`);
      return { headers: { link: links.join(', ') }, json: ITEMS.slice((page - 1) * 3, page * 3) };
    });
    const inventory = lister('{ path: /repos/items, records: "$", paging: { kind: link, size: 3, sizeParam: per_page } }');
    const pages = await walk(inventory, { baseUrl: server.url });
    expect(pages.map((p) => p.ids)).toEqual([['i1', 'i2', 'i3'], ['i4', 'i5', 'i6'], ['i7']]);
    expect(server.received.map((r) => r.url)).toEqual(['/repos/items?per_page=3', '/repos/items?page=2&per_page=3', '/repos/items?page=3&per_page=3']);
  });

  it('does not follow a Link to another origin (the credentials would go with it)', async () => {
    const server = await api(() => ({ headers: { link: '<https://elsewhere.example/items?page=2>; rel="next"' }, json: [ITEMS[0]] }));
    const inventory = lister('{ path: /items, records: "$", paging: { kind: link } }');
    const first = await inventory.list!('product', null, writeContext({ baseUrl: server.url }));
    const error = await rejection(inventory.list!('product', first.cursor, writeContext({ baseUrl: server.url })));
    expect(error.code).toBe('HY_ERR_DESTINATION_REJECTED');
    expect(server.received).toHaveLength(1);
  });

  it('without paging, one request is the whole list', async () => {
    const server = await api(() => ({ json: { items: ITEMS } }));
    const page = await lister('{ path: /items, records: items }').list!('product', null, writeContext({ baseUrl: server.url }));
    expect(page).toEqual({ ids: ITEMS.map((i) => i.id), cursor: null });
  });
});

describe('paging decisions', () => {
  const offset = { kind: 'offset', limit: 3 } as const;
  const page = { kind: 'page', size: 3 } as const;
  const answer = (count: number, total: number | null = null) => ({ count, total, next: null, link: null });
  it.each([
    ['offset: a full page goes on', offset, null, answer(3), '3'],
    ['offset: a short page is the last', offset, '3', answer(2), null],
    ['offset: reaching the total is the last', offset, '3', answer(3, 6), null],
    ['offset: an empty page is the last', offset, '6', answer(0), null],
    ['page: a full page goes on', page, null, answer(3), '2'],
    ['page: the total reached is the last', page, '2', answer(3, 6), null],
    ['page: counts from first', { kind: 'page', size: 3, first: 0 } as const, null, answer(3), '1'],
    ['cursor: the same cursor again is the last', { kind: 'cursor', next: 'n' } as const, 'c2', { ...answer(3), next: 'c2' }, null],
    ['cursor: an empty cursor is the last', { kind: 'cursor', next: 'n' } as const, 'c2', { ...answer(3), next: '' }, null],
    ['link: a next link to the page just read is the last', { kind: 'link' } as const, 'https://a/x?page=2', { ...answer(3), link: 'https://a/x?page=2' }, null],
    ['link: a next link elsewhere goes on', { kind: 'link' } as const, 'https://a/x?page=2', { ...answer(3), link: 'https://a/x?page=3' }, 'https://a/x?page=3'],
  ])('%s', (_name, paging, cursor, page, expected) => {
    expect(nextCursor(paging, cursor, page)).toBe(expected);
  });

  it.each([
    ['<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"', 'https://a/x?page=2'],
    ['<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel=next', 'https://a/x?page=3'],
    ['<https://a/x?page=2>; rel="next last"', 'https://a/x?page=2'],
    ['<https://a/x?page=9>; rel="last"', null],
    ['', null],
  ])('Link %s → %s', (headerValue, expected) => {
    expect(linkNext(headerValue)).toBe(expected);
  });
});
