/**
 * The transfer's decisions as tables of plain values: every sync mode × link state × collision
 * handling × match found or not (to_hub), every link state × sync × delete × match × unchanged
 * hash (from_hub), deletes, echoes, fan-out, failures and children.
 */
import { describe, expect, it } from 'vitest';
import type { ScopeName, TransferRequest } from '../../src/domain/types.js';
import {
  checksEcho,
  decideFromHub,
  decideHubDelete,
  decideUpsert,
  failed,
  isStaleRead,
  sourceChanges,
  fanOut,
  looksForExisting,
  retiresFailedChildren,
  type HubView,
} from '../../src/engine/decide/index.js';
import { COLLISION_MODES, SYNC_MODES, type CollisionMode, type SyncMode } from '../../src/mapping/schema.js';

const hub = (id: number, data: Record<string, unknown> = { sku: 'A', name: 'Mug' }, deleted = false): HubView => ({ id, version: 3, data, deleted });
const SAME = { sku: 'A', name: 'Mug' };
const CHANGED = { sku: 'A', name: 'Mug, blue' };

/** A short name for what a to_hub upsert decided, to compare in tables. */
function upsertSummary(d: ReturnType<typeof decideUpsert>): string {
  switch (d.kind) {
    case 'skip':
      return `skip ${d.reasonCode}`;
    case 'fail':
      return `fail ${d.code}`;
    case 'unchanged':
      return `unchanged ${d.hubId}`;
    case 'write':
      return `write ${d.target ? d.target.id : 'new'} link=${d.link ? (d.link.replaceExisting ? 'replace' : 'add') : 'none'} changed=${d.changed.join(',') || '-'}`;
  }
}

type Link = 'none' | 'live' | 'deleted';
type Candidate = 'none' | 'unlinked' | 'linked here' | 'linked here, deleted';

function upsert(linked: Link, sync: SyncMode, collision: CollisionMode, candidate: Candidate, mapped: Record<string, unknown>) {
  return decideUpsert({
    connection: 'shop',
    type: 'product',
    externalId: '7',
    sync,
    collision,
    match: 'sku',
    linked: linked === 'none' ? null : { hub: hub(1), linkDeleted: linked === 'deleted' },
    candidate:
      linked !== 'none' || candidate === 'none'
        ? null
        : { hub: hub(2), linkedHere: candidate === 'unlinked' ? null : { externalId: '6', deleted: candidate === 'linked here, deleted' } },
    mapped,
  });
}

describe('to_hub upsert: linked × sync × collision × match found', () => {
  // Linked: collision handling is not consulted (no candidate is looked for).
  const linkedCases: Array<[Link, SyncMode, Record<string, unknown>, string]> = [
    ['live', 'add', CHANGED, 'skip exists'],
    ['live', 'update', CHANGED, 'write 1 link=none changed=name'],
    ['live', 'add_and_update', CHANGED, 'write 1 link=none changed=name'],
    ['live', 'update', SAME, 'unchanged 1'],
    ['live', 'add_and_update', SAME, 'unchanged 1'],
    // The source deleted the record once and has it again: the link is made live again, even unchanged.
    ['deleted', 'add', CHANGED, 'skip exists'],
    ['deleted', 'update', SAME, 'write 1 link=add changed=-'],
    ['deleted', 'add_and_update', CHANGED, 'write 1 link=add changed=name'],
  ];
  for (const collision of COLLISION_MODES) {
    it.each(linkedCases)(`linked %s, sync %s, collision ${collision}: %j → %s`, (linked, sync, mapped, expected) => {
      expect(upsertSummary(upsert(linked, sync, collision, 'unlinked', mapped))).toBe(expected);
    });
  }

  // Not linked, no hub record matches: add and add_and_update create and link; update skips.
  it.each(SYNC_MODES.flatMap((sync) => COLLISION_MODES.map((collision) => [sync, collision] as const)))('not linked, sync %s, collision %s, no match → create or skip', (sync, collision) => {
    expect(upsertSummary(upsert('none', sync, collision, 'none', CHANGED))).toBe(sync === 'update' ? 'skip not_linked' : 'write new link=add changed=sku,name');
  });

  // Not linked, a hub record matches: the same for every sync mode (a match is an update).
  const matchCases: Array<[CollisionMode, Candidate, Record<string, unknown>, string]> = [
    ['error', 'unlinked', CHANGED, 'fail HY_ERR_COLLISION'],
    ['error', 'linked here', CHANGED, 'fail HY_ERR_COLLISION'],
    ['update_and_link', 'unlinked', CHANGED, 'write 2 link=add changed=name'],
    ['update_and_link', 'unlinked', SAME, 'write 2 link=add changed=-'],
    ['update_and_link', 'linked here', CHANGED, 'fail HY_ERR_COLLISION'],
    // Its link here points at a record deleted in this connection: it holds the hub record no more.
    ['update_and_link', 'linked here, deleted', CHANGED, 'write 2 link=add changed=name'],
    ['remap_and_link', 'unlinked', CHANGED, 'write 2 link=replace changed=name'],
    ['remap_and_link', 'linked here', CHANGED, 'write 2 link=replace changed=name'],
    ['remap_and_link', 'linked here, deleted', SAME, 'write 2 link=replace changed=-'],
    ['update_and_no_link', 'unlinked', CHANGED, 'write 2 link=none changed=name'],
    ['update_and_no_link', 'unlinked', SAME, 'unchanged 2'],
    ['update_and_no_link', 'linked here', CHANGED, 'write 2 link=none changed=name'],
  ];
  for (const sync of SYNC_MODES) {
    it.each(matchCases)(`not linked, sync ${sync}, collision %s, match found %s, %j → %s`, (collision, candidate, mapped, expected) => {
      expect(upsertSummary(upsert('none', sync, collision, candidate, mapped))).toBe(expected);
    });
  }

  it('names the collision and the remedy', () => {
    expect(upsert('none', 'add_and_update', 'update_and_link', 'linked here', CHANGED)).toEqual({
      kind: 'fail',
      code: 'HY_ERR_COLLISION',
      message: 'hub product 2 has sku = "A" and is linked to shop 6 already; use remap_and_link to move the link',
    });
    expect(upsert('none', 'add', 'error', 'unlinked', CHANGED)).toMatchObject({ message: 'hub product 2 has sku = "A"; collision handling is "error"' });
  });

  it('merges the mapped fields over the hub record', () => {
    const d = decideUpsert({ connection: 'shop', type: 'product', externalId: '7', sync: 'update', collision: 'error', match: null, linked: { hub: hub(1, { sku: 'A', name: 'Mug', price: 3 }), linkDeleted: false }, candidate: null, mapped: { name: 'Cup' } });
    expect(d).toMatchObject({ kind: 'write', data: { sku: 'A', name: 'Cup', price: 3 }, changed: ['name'] });
  });
});

describe('to_hub delete', () => {
  const del = (linked: Link, mapping: 'none' | 'delete' | 'update', hubDeleted = false) =>
    decideHubDelete({
      connection: 'shop',
      type: 'product',
      externalId: '7',
      linked: linked === 'none' ? null : { hub: hub(1, SAME, hubDeleted), linkDeleted: linked === 'deleted' },
      mapping: mapping === 'update' ? { kind: 'update', record: { active: false } } : { kind: mapping },
    });
  const cases: Array<[Link, 'none' | 'delete' | 'update', boolean, object]> = [
    ['none', 'delete', false, { kind: 'skip', reasonCode: 'not_linked', markLinkDeleted: false }],
    ['none', 'update', false, { kind: 'skip', reasonCode: 'not_linked', markLinkDeleted: false }],
    ['deleted', 'delete', false, { kind: 'skip', reasonCode: 'already_deleted', markLinkDeleted: false }],
    ['deleted', 'update', false, { kind: 'skip', reasonCode: 'already_deleted', markLinkDeleted: false }],
    // No delete block: the hub record stays, but the source's record is gone all the same.
    ['live', 'none', false, { kind: 'skip', reasonCode: 'delete_not_mapped', markLinkDeleted: true, hubId: 1 }],
    ['live', 'delete', false, { kind: 'write', deleted: true, changed: ['deleted'], fanOut: 'deleted', reasonCode: null }],
    ['live', 'delete', true, { kind: 'write', deleted: true, changed: [], fanOut: null }],
    ['live', 'update', false, { kind: 'write', deleted: false, data: { ...SAME, active: false }, changed: ['active'], fanOut: 'updated', reasonCode: 'delete_triggered_update' }],
  ];
  it.each(cases)('link %s, delete mapping %s, hub deleted %s → %j', (linked, mapping, hubDeleted, expected) => {
    expect(del(linked, mapping, hubDeleted)).toMatchObject(expected);
  });
  it('a delete_triggered_update that changes nothing sends nothing on', () => {
    const d = decideHubDelete({ connection: 'shop', type: 'product', externalId: '7', linked: { hub: hub(1, { active: false }), linkDeleted: false }, mapping: { kind: 'update', record: { active: false } } });
    expect(d).toMatchObject({ kind: 'write', changed: [], fanOut: null });
  });
});

/** A short name for what a from_hub transfer decided. */
function fromHubSummary(d: ReturnType<typeof decideFromHub>): string {
  switch (d.kind) {
    case 'skip':
      return `skip ${d.reasonCode}`;
    case 'unchanged':
      return 'unchanged';
    case 'fail':
      return `fail ${d.code}`;
    case 'write':
      return `${d.steps.join('+')} ${d.externalId ?? 'new'} ${d.values} link=${d.link}${d.echoWithOutcome ? ' echo-with-outcome' : ''}${d.reasonCode ? ` (${d.reasonCode})` : ''}`;
  }
}

type FromLink = 'none' | 'live' | 'live, same hash' | 'deleted';
type Found = 'not found' | 'found' | 'found, linked elsewhere';

function fromHub(o: { link: FromLink; sync?: SyncMode; deleting?: boolean; deleteMapping?: 'none' | 'delete' | 'update'; found?: Found; onDeleted?: 'skip' | 'recreate'; attempts?: number }) {
  return decideFromHub({
    connection: 'erp',
    type: 'product',
    hubId: 1,
    sync: o.sync ?? 'add_and_update',
    onDeleted: o.onDeleted ?? 'skip',
    match: 'sku',
    deleting: o.deleting ?? false,
    link: o.link === 'none' ? null : { externalId: 'X1', writtenHash: o.link === 'live, same hash' ? 'h' : 'old', deleted: o.link === 'deleted' },
    deleteMapping: o.deleteMapping ?? 'none',
    hash: o.deleting ? null : 'h',
    found: !o.found || o.found === 'not found' ? null : { externalId: 'X9', value: 'A', linkedTo: o.found === 'found' ? null : 5 },
    attempts: o.attempts ?? 1,
  });
}

describe('from_hub: linked × sync × delete × match found × unchanged hash', () => {
  const ECHOED_UPDATE = 'register_echo+update';
  const changes: Array<[FromLink, SyncMode, Found, string]> = [];
  const expectChange = (link: FromLink, sync: SyncMode, found: Found): string => {
    if (link === 'live') return sync === 'add' ? 'skip exists' : `${ECHOED_UPDATE} X1 mapped link=keep_with_hash`;
    if (link === 'live, same hash') return sync === 'add' ? 'skip exists' : 'unchanged';
    if (link === 'deleted') return 'skip deleted_in_destination'; // on_deleted: skip (the default)
    if (sync === 'update') return 'skip not_linked';
    if (found === 'found') return `${ECHOED_UPDATE} X9 mapped link=new (matched)`;
    if (found === 'found, linked elsewhere') return 'fail HY_ERR_COLLISION';
    return 'create new mapped link=new echo-with-outcome';
  };
  for (const link of ['none', 'live', 'live, same hash', 'deleted'] as const) {
    for (const sync of SYNC_MODES) for (const found of ['not found', 'found', 'found, linked elsewhere'] as const) changes.push([link, sync, found, expectChange(link, sync, found)]);
  }
  it.each(changes)('a change, link %s, sync %s, match %s → %s', (link, sync, found, expected) => {
    expect(fromHubSummary(fromHub({ link, sync, found }))).toBe(expected);
  });

  const recreate: Array<[SyncMode, Found, string]> = [
    ['add', 'not found', 'create new mapped link=new echo-with-outcome'],
    ['add_and_update', 'not found', 'create new mapped link=new echo-with-outcome'],
    ['add_and_update', 'found', `${ECHOED_UPDATE} X9 mapped link=new (matched)`],
    ['update', 'not found', 'skip not_linked'],
  ];
  it.each(recreate)('a change, link deleted, on_deleted recreate, sync %s, match %s → %s', (sync, found, expected) => {
    expect(fromHubSummary(fromHub({ link: 'deleted', sync, found, onDeleted: 'recreate' }))).toBe(expected);
  });

  // A delete request and a change of a deleted hub record are the same to the destination.
  const deletes: Array<[FromLink, 'none' | 'delete' | 'update', string]> = [
    ['none', 'delete', 'skip not_linked'],
    ['none', 'update', 'skip not_linked'],
    ['deleted', 'delete', 'skip deleted_in_destination'],
    ['deleted', 'update', 'skip deleted_in_destination'],
    ['live', 'none', 'skip delete_not_mapped'],
    ['live', 'delete', 'register_echo+delete X1 delete_fields link=mark_deleted'],
    // The record still exists there, updated (e.g. inactive): its link stays live.
    ['live', 'update', `${ECHOED_UPDATE} X1 delete_fields link=keep (delete_triggered_update)`],
    ['live, same hash', 'update', `${ECHOED_UPDATE} X1 delete_fields link=keep (delete_triggered_update)`],
  ];
  for (const sync of SYNC_MODES) {
    for (const onDeleted of ['skip', 'recreate'] as const) {
      it.each(deletes)(`a delete, sync ${sync}, on_deleted ${onDeleted}, link %s, delete mapping %s → %s`, (link, deleteMapping, expected) => {
        expect(fromHubSummary(fromHub({ link, sync, deleting: true, deleteMapping, onDeleted, found: 'found' }))).toBe(expected);
      });
    }
  }

  it('registers the echo before every write to a known record, and a create retried is written over with an echo first', () => {
    expect(fromHub({ link: 'none', attempts: 2 })).toMatchObject({ steps: ['create', 'register_echo', 'update'], echoWithOutcome: true });
    for (const d of [fromHub({ link: 'live' }), fromHub({ link: 'none', found: 'found' }), fromHub({ link: 'live', deleting: true, deleteMapping: 'update' })]) {
      expect(d.kind === 'write' && d.steps.slice(0, 2)).toEqual(['register_echo', 'update']);
    }
  });

  it('looks for an existing record only where it would create one, and only with match', () => {
    expect(looksForExisting(fromHub({ link: 'none' }), 'sku')).toBe(true);
    expect(looksForExisting(fromHub({ link: 'none' }), null)).toBe(false);
    expect(looksForExisting(fromHub({ link: 'live' }), 'sku')).toBe(false);
    expect(looksForExisting(fromHub({ link: 'deleted' }), 'sku')).toBe(false);
    expect(looksForExisting(fromHub({ link: 'deleted', onDeleted: 'recreate' }), 'sku')).toBe(true);
  });

  it('names the duplicate when the record found is linked to another hub record', () => {
    expect(fromHub({ link: 'none', found: 'found, linked elsewhere' })).toMatchObject({
      message: 'erp product X9 has sku = "A" but is linked to hub product 5 already; hub product 1 is a duplicate in the hub',
    });
  });
});

describe('echoes looked for on the way in', () => {
  it.each([
    ['product', '7', false, true],
    ['product', '7', true, false],
    ['product', null, false, false],
    ['message', 'Item:7', false, false],
  ] as const)('%s %s, delete %s → %s', (type, externalId, isDelete, expected) => {
    expect(checksEcho(type, externalId, isDelete)).toBe(expected);
  });
});

describe('a stale read from a source: what hookyard last wrote or read there', () => {
  const written = { sku: 'S', name: 'Kettle', price: 25, active: true, stock: 4 };
  const hubNow = { ...written, name: 'Kettle, steel', price: 27 };
  const linked = (o: { knownHub?: Record<string, unknown> | null; linkDeleted?: boolean; deleted?: boolean } = {}) => ({
    hub: { id: 1, version: 3, data: hubNow, deleted: o.deleted ?? false },
    linkDeleted: o.linkDeleted ?? false,
    knownHub: o.knownHub === undefined ? written : o.knownHub,
  });

  it('is the record holding exactly the values hookyard last knew it to hold, once the hub has changed', () => {
    expect(isStaleRead(linked(), { sku: 'S', name: 'Kettle', price: 25, active: true })).toBe(true);
  });

  it.each([
    ['a field the source changed since', linked(), { sku: 'S', name: 'Kettle', price: 26, active: true }],
    ['a field only the source fills, changed there', linked(), { sku: 'S', name: 'Kettle', price: 25, stock: 3 }],
    ['the hub values already: nothing would change', linked(), { sku: 'S', name: 'Kettle, steel', price: 27 }],
    ['nothing known of the record yet', linked({ knownHub: null }), { sku: 'S', name: 'Kettle', price: 25 }],
    ['a link whose record was deleted there', linked({ linkDeleted: true }), { sku: 'S', name: 'Kettle', price: 25 }],
    ['a deleted hub record', linked({ deleted: true }), { sku: 'S', name: 'Kettle', price: 25 }],
  ])('is not %s', (_what, link, mapped) => {
    expect(isStaleRead(link, mapped)).toBe(false);
  });

  it('brings only the fields the source changed since the write; the hub keeps newer values of the rest', () => {
    expect(sourceChanges(linked(), { sku: 'S', name: 'Kettle', price: 30, stock: 4 })).toEqual({ fields: { price: 30 }, kept: ['name'] });
    expect(sourceChanges(linked(), { sku: 'S', name: 'Pot', price: 30 })).toEqual({ fields: { name: 'Pot', price: 30 }, kept: [] });
  });

  it('brings the whole record when nothing is known of it, or the link or record was deleted', () => {
    const mapped = { sku: 'S', name: 'Kettle', price: 30 };
    for (const link of [null, linked({ knownHub: null }), linked({ linkDeleted: true }), linked({ deleted: true })]) {
      expect(sourceChanges(link, mapped)).toEqual({ fields: mapped, kept: [] });
    }
  });
});

describe('fan-out', () => {
  const source = { id: 9, trackingId: 't', hookId: 4, connection: 'shop', scope: 'product/updated' satisfies ScopeName as ScopeName, externalId: '7' } as TransferRequest;
  it('one from_hub request per other connection that maps the type out', () => {
    const out = fanOut(source, 'product', 'deleted', [
      { name: 'shop', mapsOut: true },
      { name: 'erp', mapsOut: true },
      { name: 'crm', mapsOut: false },
    ]);
    expect(out).toEqual([
      {
        trackingId: 't',
        parentId: 9,
        hookId: 4,
        connection: 'erp',
        type: 'product',
        direction: 'from_hub',
        scope: 'product/deleted',
        externalId: null,
        requestType: 'delete',
        sourceConnection: 'shop',
        origin: 'product/updated 7 from shop',
      },
    ]);
  });
});

describe('a failed attempt', () => {
  const policy = { maxAttempts: 3, delaysMs: [1_000, 60_000] };
  const error = (retryable: boolean) => ({ code: 'HY_ERR_DESTINATION_FAILED', message: '503', retryable, retryAfterMs: null });
  const half = () => 0.5; // no jitter
  it.each([
    [1, true, false, 'retrying', 1_000],
    [2, true, false, 'retrying', 60_000],
    [3, true, false, 'dead', null],
    [1, false, false, 'dead', null],
    [1, true, true, 'dead', null],
  ] as const)('attempt %d, retryable %s, child %s → %s after %s ms', (attempts, retryable, child, status, delay) => {
    const outcome = failed({ error: error(retryable), policy, attempts, child, now: 0, random: half });
    expect(outcome.status).toBe(status);
    expect(outcome.runAt).toBe(delay);
  });
  it('says it gave up after the last attempt', () => {
    expect(failed({ error: error(true), policy, attempts: 3, child: false, now: 0 }).reason).toBe('gave up after 3 attempts');
  });
});

describe('children of a parent', () => {
  it.each([
    ['retrying', true],
    ['succeeded', true],
    ['skipped', true],
    ['dead', false],
  ] as const)('parent ends %s → failed children retired: %s', (status, expected) => {
    expect(retiresFailedChildren(status)).toBe(expected);
  });
});
