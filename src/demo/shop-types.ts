/** The demo shop's records, shaped like Shopify's REST resources (snake_case, money as strings). */

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface Variant {
  id: number;
  sku: string;
  /** Money as a decimal string with two places, as Shopify sends it: "12.50". */
  price: string;
  inventory_quantity: number;
}

export interface Product {
  id: number;
  title: string;
  body_html: string;
  vendor: string;
  status: ProductStatus;
  /** Comma-separated, as in Shopify: "summer, sale". */
  tags: string;
  variants: Variant[];
  created_at: string;
  updated_at: string;
}

export interface Address {
  id: number;
  customer_id: number;
  address1: string;
  city: string;
  zip: string;
  country_code: string;
  default: boolean;
}

export interface Customer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  state: 'enabled' | 'disabled';
  addresses: Address[];
  created_at: string;
  updated_at: string;
}

export interface LineItem {
  sku: string;
  title: string;
  quantity: number;
  price: string;
}

export interface OrderMessage {
  text: string;
  created_at: string;
}

export interface Order {
  id: number;
  /** The merchant-facing order number, "#1001", counted apart from the id. */
  name: string;
  email: string;
  customer_id: number | null;
  financial_status: string;
  line_items: LineItem[];
  note: string;
  total_price: string;
  messages: OrderMessage[];
  created_at: string;
  updated_at: string;
}

/** A custom collection, as Shopify's: a named group of products, here the shop's product categories. */
export interface CustomCollection {
  id: number;
  title: string;
  /** The URL name, unique in the shop: made from the title when not given, "-1", "-2", … added on a clash. */
  handle: string;
  published: boolean;
  updated_at: string;
}

/** Input shapes: what a merchant or an API client may send. Prices may be numbers or strings. */
export interface VariantInput {
  id?: number;
  sku?: string;
  price?: string | number;
  inventory_quantity?: number;
}

export interface ProductInput {
  title?: string;
  body_html?: string;
  vendor?: string;
  status?: ProductStatus;
  tags?: string;
  variants?: VariantInput[];
}

export interface AddressInput {
  id?: number;
  address1?: string;
  city?: string;
  zip?: string;
  country_code?: string;
  default?: boolean;
}

export interface CustomerInput {
  email?: string;
  first_name?: string;
  last_name?: string;
  state?: 'enabled' | 'disabled';
  addresses?: AddressInput[];
}

export interface LineItemInput {
  sku?: string;
  title?: string;
  quantity?: number;
  price?: string | number;
}

export interface OrderInput {
  email?: string;
  customer_id?: number | null;
  financial_status?: string;
  line_items?: LineItemInput[];
  note?: string;
}

export interface CustomCollectionInput {
  title?: string;
  handle?: string;
  published?: boolean;
}

export type ShopTopic =
  | 'products/create'
  | 'products/update'
  | 'products/delete'
  | 'customers/create'
  | 'customers/update'
  | 'customer_addresses/update'
  | 'orders/create'
  | 'orders/updated'
  | 'orders/message_added'
  | 'collections/create'
  | 'collections/update'
  | 'collections/delete';
