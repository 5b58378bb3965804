/** Acme ERP's records. Every record is known by a code `<prefix>:<number>`, e.g. "Item:1234". */

export type ErpStatus = 'ACTIVE' | 'INACTIVE';

export interface ErpItem {
  code: string;
  name: string;
  sku: string;
  price: number;
  status: ErpStatus;
  updatedAt: string;
}

export interface ErpCustomer {
  code: string;
  name: string;
  email: string;
  status: ErpStatus;
  updatedAt: string;
}

export interface ErpCategory {
  code: string;
  name: string;
  updatedAt: string;
}

export interface ErpItemInput {
  name?: string;
  sku?: string;
  price?: number;
  status?: ErpStatus;
}

export interface ErpCustomerInput {
  name?: string;
  email?: string;
  status?: ErpStatus;
}

export interface ErpCategoryInput {
  /** Updates this category when given, else creates one. */
  code?: string;
  name: string;
}

export interface ErpPrefixes {
  item: string;
  customer: string;
  category: string;
}

/** One entry of an Acme hook: `{"event": "item.changed", "id": "Item:1234"}`. */
export interface ErpNotification {
  event: string;
  id: string;
}
