/**
 * acme-erp — Acme ERP, which sends only generic hooks: `{"notifications": [{"event", "id"}]}`
 * with prefixed ids (`Item:1234`, `Cust:77`) and `Authorization: Bearer <key>`. Every event is a
 * `message`; prerequisites read the id's prefix through the connection's presets and resolve the
 * message by a child request of the real type (the iPaaS.com catch-all). The real scopes are
 * declared without hooks of their own: only children reach them.
 *
 * Transfers go through Acme's REST API (records.ts): settings `baseUrl` and `apiToken` (client.ts).
 * Items can be found by sku and customers by email (`find`, for from_hub `match`).
 * Categories send no hook at all: they are polled from Acme's change feed (`product_category/poll`,
 * paging.ts), and the polled codes flow through `product_category/updated`. Every type can be
 * listed whole for initialization.
 */
import type { Integration, ScopeDeclaration } from '../types.js';
import { routeMessage } from './prerequisites.js';
import { listRecords, pollRecords } from './paging.js';
import { createRecord, deleteRecord, findRecord, getRecord, updateRecord } from './records.js';

/** The scopes a message resolves to; no external hook names them directly. */
const REAL_SCOPES: ScopeDeclaration[] = [
  { scope: 'product/updated', hooks: [], description: 'Acme item → product' },
  { scope: 'product/deleted', hooks: [], description: 'Acme item → product' },
  { scope: 'customer/updated', hooks: [], description: 'Acme customer → customer' },
  { scope: 'customer/deleted', hooks: [], description: 'Acme customer → customer' },
  { scope: 'product_category/updated', hooks: [], description: 'Acme category → product category' },
];

const PREFIX_PRESETS = ['productPrefix', 'customerPrefix', 'categoryPrefix'];
const routable = new Set(REAL_SCOPES.map((s) => s.scope));

export const acmeErp: Integration = {
  id: 'acme-erp',
  title: 'Acme ERP (generic message hooks with prefixed ids)',
  scopes: [
    {
      scope: 'message/created',
      hooks: ['item.changed', 'customer.changed', 'category.changed', 'record.changed'],
      description: 'Acme record of any kind (Item, Cust, Cat) → message',
    },
    { scope: 'message/deleted', hooks: ['item.deleted', 'customer.deleted'], description: 'Acme record deleted → message' },
    ...REAL_SCOPES,
    { scope: 'product_category/created', hooks: [], description: 'Acme category → product category' },
    {
      scope: 'product_category/poll',
      // A "poll now" hook another system may send; the scheduler polls without one.
      hooks: ['category.poll'],
      description: 'Acme categories, polled (Acme sends no hook for them)',
    },
  ],
  presets: [
    { name: 'productPrefix', type: 'product', default: 'Item', description: 'The id prefix of Acme items, which become products ("Item" in Item:1234)' },
    { name: 'customerPrefix', type: 'customer', default: 'Cust', description: 'The id prefix of Acme customers ("Cust" in Cust:77)' },
    { name: 'categoryPrefix', type: 'product_category', default: 'Cat', description: 'The id prefix of Acme categories, which become product categories ("Cat" in Cat:5)' },
  ],
  receiver: {
    multiple: 'notifications',
    hook: { from: 'body', path: 'event' },
    externalId: { from: 'body', path: 'id' },
    auth: { from: 'header', name: 'authorization', prefix: 'Bearer ' },
  },
  get: getRecord,
  create: createRecord,
  update: updateRecord,
  delete: deleteRecord,
  find: findRecord,
  poll: pollRecords,
  list: listRecords,
  handlePrerequisites: (request, ctx) => routeMessage(request, ctx, routable, PREFIX_PRESETS),
};

/** A built-in integration is a module like any other: its default export is the integration. */
export default acmeErp;
