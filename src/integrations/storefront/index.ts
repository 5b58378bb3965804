/**
 * storefront — a web shop in the style of Shopify. Each hook names its topic in the
 * `X-Shopify-Topic` header (`products/update`, `orders/edited`, …) and carries the record's
 * numeric id as `id` in the body; the shop sends its webhook key in `X-Shop-Webhook-Key`.
 * Several topics resolve to one scope: the integration only ever sees the scope.
 *
 * Transfers go through the shop's Admin API (records.ts): connection settings `baseUrl` and
 * `accessToken` (client.ts). An address hook is a reason to transfer its customer (`parents`).
 * Product categories are the shop's custom collections (`collections/*` hooks). Products,
 * customers and product categories can be listed whole for initialization (paging.ts). Products
 * can be found by sku and customers by email (`find`, for from_hub `match`).
 */
import type { Integration } from '../types.js';
import { listRecords } from './paging.js';
import { createRecord, deleteRecord, findRecord, getRecord, updateRecord } from './records.js';

export const storefront: Integration = {
  id: 'storefront',
  title: 'Storefront (Shopify-style web shop)',
  scopes: [
    { scope: 'product/created', hooks: ['products/create'], description: 'Shop product → product' },
    { scope: 'product/updated', hooks: ['products/update'], description: 'Shop product → product' },
    { scope: 'product/deleted', hooks: ['products/delete'], description: 'Shop product → product' },
    { scope: 'customer/created', hooks: ['customers/create'], description: 'Shop customer → customer' },
    {
      scope: 'customer/updated',
      hooks: ['customers/update', 'customers/enable', 'customers/disable'],
      description: 'Shop customer → customer',
    },
    { scope: 'customer/deleted', hooks: ['customers/delete'], description: 'Shop customer → customer' },
    { scope: 'product_category/created', hooks: ['collections/create'], description: 'Shop collection → product category' },
    { scope: 'product_category/updated', hooks: ['collections/update'], description: 'Shop collection → product category' },
    { scope: 'product_category/deleted', hooks: ['collections/delete'], description: 'Shop collection → product category' },
    { scope: 'customer_address/created', hooks: ['customer_addresses/create'], description: 'Shop customer address → customer address' },
    { scope: 'customer_address/updated', hooks: ['customer_addresses/update'], description: 'Shop customer address → customer address' },
    { scope: 'transaction/created', hooks: ['orders/create'], description: 'Shop order → transaction' },
    {
      scope: 'transaction/updated',
      hooks: ['orders/updated', 'orders/edited', 'orders/paid', 'orders/fulfilled', 'orders/message_added'],
      description: 'Shop order → transaction',
    },
    { scope: 'transaction/deleted', hooks: ['orders/delete'], description: 'Shop order → transaction' },
  ],
  presets: [],
  verifyScheme: 'shopify',
  receiver: {
    hook: { from: 'header', name: 'x-shopify-topic' },
    externalId: { from: 'body', path: 'id' },
    auth: { from: 'header', name: 'x-shop-webhook-key' },
  },
  // The customer_addresses/* body is the address itself, which names its customer.
  parents: [{ type: 'customer_address', parent: 'customer', parentId: { from: 'body', path: 'customer_id' } }],
  get: getRecord,
  create: createRecord,
  update: updateRecord,
  delete: deleteRecord,
  find: findRecord,
  list: listRecords,
};

/** A built-in integration is a module like any other: its default export is the integration. */
export default storefront;
