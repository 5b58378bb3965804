/**
 * The demo shop's records, shaped like Shopify's Admin REST resources (snake_case, money as
 * strings, `admin_graphql_api_id`), as its API answers them and its webhooks carry them. Fields a
 * real shop has but nothing here changes keep Shopify's values for a simple shop (one location,
 * one currency, default variants).
 */

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface Variant {
  id: number;
  product_id: number;
  title: string;
  sku: string;
  /** Money as a decimal string with two places, as Shopify sends it: "12.50". */
  price: string;
  compare_at_price: string | null;
  position: number;
  option1: string;
  inventory_item_id: number;
  inventory_quantity: number;
  inventory_management: 'shopify';
  inventory_policy: 'deny';
  taxable: boolean;
  requires_shipping: boolean;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface Product {
  id: number;
  title: string;
  body_html: string;
  vendor: string;
  product_type: string;
  /** The URL name, unique in the shop: made from the title when not given, "-1", "-2", … added on a clash. */
  handle: string;
  status: ProductStatus;
  /** Comma-separated, as in Shopify: "summer, sale". */
  tags: string;
  published_at: string | null;
  published_scope: 'web';
  template_suffix: null;
  variants: Variant[];
  options: Array<{ id: number; product_id: number; name: string; position: number; values: string[] }>;
  images: never[];
  image: null;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface Address {
  id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  country: string;
  zip: string;
  phone: string | null;
  name: string;
  province_code: string | null;
  country_code: string;
  country_name: string;
  default: boolean;
}

export interface Customer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  state: 'enabled' | 'disabled' | 'invited' | 'declined';
  note: string | null;
  tags: string;
  verified_email: boolean;
  tax_exempt: boolean;
  currency: string;
  orders_count: number;
  total_spent: string;
  last_order_id: number | null;
  last_order_name: string | null;
  addresses: Address[];
  default_address: Address | null;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface LineItem {
  id: number;
  variant_id: number | null;
  product_id: number | null;
  sku: string;
  title: string;
  name: string;
  quantity: number;
  price: string;
  fulfillable_quantity: number;
  fulfillment_status: 'fulfilled' | null;
  admin_graphql_api_id: string;
}

/** The customer as an order carries it: the customer's fields without the address list. */
export type OrderCustomer = Omit<Customer, 'addresses'>;

export interface Order {
  id: number;
  /** The merchant-facing order number, "#1001", counted apart from the id. */
  name: string;
  order_number: number;
  email: string;
  contact_email: string;
  customer: OrderCustomer | null;
  financial_status: 'pending' | 'authorized' | 'paid' | 'partially_paid' | 'refunded' | 'voided' | 'partially_refunded';
  fulfillment_status: 'fulfilled' | 'partial' | null;
  line_items: LineItem[];
  note: string | null;
  tags: string;
  currency: string;
  subtotal_price: string;
  total_tax: string;
  total_price: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
  closed_at: string | null;
  processed_at: string;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

/** A custom collection, as Shopify's: a named group of products, here the shop's product categories. */
export interface CustomCollection {
  id: number;
  title: string;
  handle: string;
  body_html: string | null;
  /** Null while unpublished; written as `published: true|false`. */
  published_at: string | null;
  published_scope: 'web';
  sort_order: 'manual' | 'best-selling' | 'alpha-asc' | 'alpha-desc' | 'price-desc' | 'price-asc' | 'created-desc' | 'created';
  template_suffix: null;
  updated_at: string;
  admin_graphql_api_id: string;
}

/** One inventory item's stock at one location (the demo shop has one location). */
export interface InventoryLevel {
  inventory_item_id: number;
  location_id: number;
  available: number;
  updated_at: string;
  admin_graphql_api_id: string;
}

/** Input shapes: what a merchant or an API client may send. Prices may be numbers or strings. */
export interface VariantInput {
  id?: number;
  sku?: string;
  price?: string | number;
  compare_at_price?: string | number | null;
  title?: string;
  inventory_quantity?: number;
}

export interface ProductInput {
  title?: string;
  body_html?: string;
  vendor?: string;
  product_type?: string;
  handle?: string;
  status?: ProductStatus;
  tags?: string;
  variants?: VariantInput[];
}

export interface AddressInput {
  id?: number;
  first_name?: string;
  last_name?: string;
  company?: string | null;
  address1?: string;
  address2?: string | null;
  city?: string;
  province?: string | null;
  zip?: string;
  phone?: string | null;
  country_code?: string;
  default?: boolean;
}

export interface CustomerInput {
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string | null;
  note?: string | null;
  tags?: string;
  state?: 'enabled' | 'disabled';
  addresses?: AddressInput[];
}

export interface LineItemInput {
  variant_id?: number;
  sku?: string;
  title?: string;
  quantity?: number;
  price?: string | number;
}

export interface OrderInput {
  email?: string;
  /** The customer, by id: `{"customer": {"id": 207119551}}`. */
  customer?: { id?: number } | null;
  financial_status?: Order['financial_status'];
  line_items?: LineItemInput[];
  note?: string | null;
  tags?: string;
}

export interface CustomCollectionInput {
  title?: string;
  handle?: string;
  body_html?: string | null;
  published?: boolean;
  sort_order?: CustomCollection['sort_order'];
}

/** The topics the demo shop sends: Shopify's own names. */
export type ShopTopic =
  | 'products/create'
  | 'products/update'
  | 'products/delete'
  | 'customers/create'
  | 'customers/update'
  | 'customers/enable'
  | 'customers/disable'
  | 'customers/delete'
  | 'orders/create'
  | 'orders/updated'
  | 'orders/paid'
  | 'orders/fulfilled'
  | 'orders/cancelled'
  | 'orders/delete'
  | 'collections/create'
  | 'collections/update'
  | 'collections/delete'
  | 'inventory_levels/update';
