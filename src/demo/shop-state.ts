/**
 * The demo shop's in-memory state and every change to it. Both the REST API and the merchant
 * methods go through here, so a change fires the same webhook whichever way it was made; the
 * webhook is handed to `emit` and sent later by the queue. Topics and bodies are Shopify's: the
 * whole resource as the API shows it, `{"id": …}` for a delete.
 */
import { invalid, notFound } from './demo-error.js';
import type {
  Address,
  AddressInput,
  Customer,
  CustomerInput,
  CustomCollection,
  CustomCollectionInput,
  InventoryLevel,
  LineItem,
  Order,
  OrderCustomer,
  OrderInput,
  Product,
  ProductInput,
  ShopTopic,
  Variant,
} from './shop-types.js';
import * as v from './validate.js';

export type ShopEmit = (topic: ShopTopic, id: number, body: unknown) => void;

const PRODUCT_STATUSES = ['active', 'draft', 'archived'] as const;
const CUSTOMER_STATES = ['enabled', 'disabled'] as const;
const FINANCIAL_STATUSES = ['pending', 'authorized', 'paid', 'partially_paid', 'refunded', 'voided', 'partially_refunded'] as const;
const SORT_ORDERS = ['manual', 'best-selling', 'alpha-asc', 'alpha-desc', 'price-desc', 'price-asc', 'created-desc', 'created'] as const;
const COUNTRIES: Record<string, string> = { GB: 'United Kingdom', US: 'United States', DE: 'Germany', FR: 'France', NL: 'Netherlands' };

/** The shop's one location: every inventory level is kept there. */
export const SHOP_LOCATION_ID = 7001;
const CURRENCY = 'EUR';

/**
 * Where each kind's ids start (products at 1001, as Shopify demos show). The ranges differ so a
 * hub that mixes up, say, a customer id and an address id finds nothing instead of a wrong record.
 */
const FIRST_ID = {
  product: 1001,
  customer: 2001,
  order: 3001,
  collection: 5001,
  variant: 10001,
  address: 20001,
  option: 30001,
  inventoryItem: 40001,
  lineItem: 50001,
  orderNumber: 1001,
};

const gid = (kind: string, id: number) => `gid://shopify/${kind}/${id}`;

export class ShopState {
  readonly products = new Map<number, Product>();
  readonly customers = new Map<number, Customer>();
  readonly orders = new Map<number, Order>();
  readonly collections = new Map<number, CustomCollection>();
  /** By inventory item id: each variant's level at the shop's location. */
  readonly inventoryLevels = new Map<number, InventoryLevel>();
  private readonly next = { ...FIRST_ID };

  constructor(
    private readonly emit: ShopEmit,
    private readonly now: () => number = Date.now,
  ) {}

  createProduct(input: ProductInput): Product {
    const data = v.object(input, 'product');
    const title = v.nonBlank(data.title, 'title');
    const status = v.oneOf(data.status, PRODUCT_STATUSES, 'status', 'active');
    const fields = {
      title,
      body_html: v.text(data.body_html, 'body_html', ''),
      vendor: v.text(data.vendor, 'vendor', 'Demo Shop'),
      product_type: v.text(data.product_type, 'product_type', ''),
      status,
      tags: v.text(data.tags, 'tags', ''),
      handle: uniqueHandle(data.handle === undefined || data.handle === null ? title : v.nonBlank(data.handle, 'handle'), this.products, null),
    };
    // Shopify gives every product at least one (default) variant.
    const variants = this.parseVariants(v.list(data.variants, 'variants', [{}]), []);
    const at = this.stamp();
    const id = this.nextId('product');
    const product: Product = {
      id,
      ...fields,
      published_at: status === 'active' ? at : null,
      published_scope: 'web',
      template_suffix: null,
      variants: this.placeVariants(variants, id, at),
      options: [{ id: this.nextId('option'), product_id: id, name: 'Title', position: 1, values: ['Default Title'] }],
      images: [],
      image: null,
      created_at: at,
      updated_at: at,
      admin_graphql_api_id: gid('Product', id),
    };
    this.products.set(id, product);
    this.syncLevels(product);
    this.emit('products/create', id, product);
    return structuredClone(product);
  }

  updateProduct(id: number, patch: ProductInput): Product {
    const old = this.product(id);
    const data = v.object(patch, 'product');
    const at = this.stamp();
    const status = v.oneOf(data.status, PRODUCT_STATUSES, 'status', old.status);
    const product: Product = {
      ...old,
      title: v.nonBlank(data.title, 'title', old.title),
      body_html: v.text(data.body_html, 'body_html', old.body_html),
      vendor: v.text(data.vendor, 'vendor', old.vendor),
      product_type: v.text(data.product_type, 'product_type', old.product_type),
      // A new title keeps the handle, as in Shopify: links to the product stay valid.
      handle: data.handle === undefined || data.handle === null ? old.handle : uniqueHandle(v.nonBlank(data.handle, 'handle'), this.products, id),
      status,
      published_at: status === 'active' ? (old.published_at ?? at) : null,
      tags: v.text(data.tags, 'tags', old.tags),
      // As in Shopify, a given variant list replaces the old one; listed ids keep their variant.
      variants: data.variants === undefined ? old.variants : this.placeVariants(this.parseVariants(v.list(data.variants, 'variants'), old.variants), id, at),
      updated_at: at,
    };
    this.products.set(id, product);
    this.syncLevels(product);
    this.emit('products/update', id, product);
    return structuredClone(product);
  }

  deleteProduct(id: number): void {
    const product = this.product(id);
    this.products.delete(id);
    for (const variant of product.variants) this.inventoryLevels.delete(variant.inventory_item_id);
    this.emit('products/delete', id, { id });
  }

  /** The stock of one inventory item at the shop's location: inventory_levels/update, and the variant's inventory_quantity follows. */
  setInventory(inventoryItemId: number, available: number): InventoryLevel {
    const level = this.inventoryLevels.get(inventoryItemId) ?? fail(notFound(`inventory_item ${inventoryItemId}`));
    const at = this.stamp();
    const changed: InventoryLevel = { ...level, available: v.integer(available, 'available'), updated_at: at };
    this.inventoryLevels.set(inventoryItemId, changed);
    for (const product of this.products.values()) {
      for (const variant of product.variants) if (variant.inventory_item_id === inventoryItemId) variant.inventory_quantity = changed.available;
    }
    this.emit('inventory_levels/update', inventoryItemId, changed);
    return { ...changed };
  }

  createCustomer(input: CustomerInput): Customer {
    const data = v.object(input, 'customer');
    const email = v.nonBlank(data.email, 'email');
    this.checkEmailFree(email, null);
    const fields = {
      email,
      first_name: v.text(data.first_name, 'first_name', ''),
      last_name: v.text(data.last_name, 'last_name', ''),
      phone: nullableText(data.phone, 'phone', null),
      note: nullableText(data.note, 'note', null),
      tags: v.text(data.tags, 'tags', ''),
      state: v.oneOf(data.state, CUSTOMER_STATES, 'state', 'enabled'),
    };
    const addresses = this.parseAddresses(v.list(data.addresses, 'addresses', []), []);
    const at = this.stamp();
    const id = this.nextId('customer');
    const customer: Customer = {
      id,
      ...fields,
      verified_email: true,
      tax_exempt: false,
      currency: CURRENCY,
      orders_count: 0,
      total_spent: '0.00',
      last_order_id: null,
      last_order_name: null,
      addresses: [],
      default_address: null,
      created_at: at,
      updated_at: at,
      admin_graphql_api_id: gid('Customer', id),
    };
    this.placeAddresses(customer, addresses);
    this.customers.set(id, customer);
    this.emit('customers/create', id, customer);
    return structuredClone(customer);
  }

  updateCustomer(id: number, patch: CustomerInput): Customer {
    const old = this.customer(id);
    const data = v.object(patch, 'customer');
    const email = v.nonBlank(data.email, 'email', old.email);
    this.checkEmailFree(email, id);
    // Listed addresses are updated by id or added without one; unlisted ones stay.
    const addresses = data.addresses === undefined ? [] : this.parseAddresses(v.list(data.addresses, 'addresses'), old.addresses);
    const kept = old.addresses.filter((a) => !addresses.some((changed) => changed.id === a.id));
    const customer: Customer = {
      ...old,
      email,
      first_name: v.text(data.first_name, 'first_name', old.first_name),
      last_name: v.text(data.last_name, 'last_name', old.last_name),
      phone: nullableText(data.phone, 'phone', old.phone),
      note: nullableText(data.note, 'note', old.note),
      tags: v.text(data.tags, 'tags', old.tags),
      state: v.oneOf(data.state, CUSTOMER_STATES, 'state', old.state as 'enabled' | 'disabled'),
      updated_at: this.stamp(),
    };
    this.placeAddresses(customer, [...kept, ...addresses]);
    this.customers.set(id, customer);
    this.emit('customers/update', id, customer);
    // Shopify announces an account enabled or disabled with a topic of its own, besides the update.
    if (customer.state !== old.state) this.emit(customer.state === 'enabled' ? 'customers/enable' : 'customers/disable', id, customer);
    return structuredClone(customer);
  }

  deleteCustomer(id: number): void {
    this.customer(id);
    if ([...this.orders.values()].some((o) => o.customer?.id === id)) throw invalid('base', 'Error deleting customer: the customer has orders');
    this.customers.delete(id);
    this.emit('customers/delete', id, { id });
  }

  /** One address changed (REST: PUT /customers/:id/addresses/:address_id.json). Shopify has no address topic: the customer's update carries it. */
  updateAddress(customerId: number, addressId: number, patch: AddressInput): Address {
    const customer = this.customer(customerId);
    const [changed] = this.parseAddresses([{ ...v.object(patch, 'address'), id: addressId }], customer.addresses);
    // An address made the default takes that over from the others.
    const all = customer.addresses.map((a) => (a.id === addressId ? changed! : { ...a, default: changed!.default ? false : a.default }));
    this.placeAddresses(customer, all);
    customer.updated_at = this.stamp();
    this.emit('customers/update', customerId, customer);
    return structuredClone(customer.addresses.find((a) => a.id === addressId)!);
  }

  createOrder(input: OrderInput): Order {
    const data = v.object(input, 'order');
    const customerRef = data.customer === undefined || data.customer === null ? null : v.object(data.customer, 'customer');
    const customerId = customerRef === null ? null : v.integer(customerRef.id, 'customer.id');
    const customer = customerId === null ? undefined : this.customers.get(customerId);
    if (customerId !== null && !customer) throw invalid('customer', 'does not exist');
    const lineItems = this.lineItems(v.list(data.line_items, 'line_items', []));
    const email = v.text(data.email, 'email', customer?.email ?? '');
    const at = this.stamp();
    const id = this.nextId('order');
    const number = this.nextId('orderNumber');
    const totals = total(lineItems);
    const order: Order = {
      id,
      name: `#${number}`,
      order_number: number,
      email,
      contact_email: email,
      customer: null,
      financial_status: v.oneOf(data.financial_status, FINANCIAL_STATUSES, 'financial_status', 'pending'),
      fulfillment_status: null,
      line_items: lineItems,
      note: nullableText(data.note, 'note', null),
      tags: v.text(data.tags, 'tags', ''),
      currency: CURRENCY,
      subtotal_price: totals,
      total_tax: '0.00',
      total_price: totals,
      cancelled_at: null,
      cancel_reason: null,
      closed_at: null,
      processed_at: at,
      created_at: at,
      updated_at: at,
      admin_graphql_api_id: gid('Order', id),
    };
    if (customer) {
      // An order updates its customer's counts, which Shopify announces as customers/update.
      customer.orders_count += 1;
      customer.total_spent = v.formatCents(Math.round(Number(customer.total_spent) * 100) + Math.round(Number(totals) * 100));
      customer.last_order_id = id;
      customer.last_order_name = order.name;
      customer.updated_at = at;
      order.customer = orderCustomer(customer);
    }
    this.orders.set(id, order);
    this.emit('orders/create', id, order);
    if (order.financial_status === 'paid') this.emit('orders/paid', id, order);
    if (customer) this.emit('customers/update', customer.id, customer);
    return structuredClone(order);
  }

  updateOrder(id: number, patch: OrderInput): Order {
    const old = this.order(id);
    const data = v.object(patch, 'order');
    const lineItems = data.line_items === undefined ? old.line_items : this.lineItems(v.list(data.line_items, 'line_items'));
    const totals = total(lineItems);
    const order: Order = {
      ...old,
      email: v.text(data.email, 'email', old.email),
      financial_status: v.oneOf(data.financial_status, FINANCIAL_STATUSES, 'financial_status', old.financial_status),
      line_items: lineItems,
      note: nullableText(data.note, 'note', old.note),
      tags: v.text(data.tags, 'tags', old.tags),
      subtotal_price: totals,
      total_price: totals,
      updated_at: this.stamp(),
    };
    order.contact_email = order.email;
    this.orders.set(id, order);
    this.emit('orders/updated', id, order);
    if (order.financial_status === 'paid' && old.financial_status !== 'paid') this.emit('orders/paid', id, order);
    return structuredClone(order);
  }

  /** Every line shipped: orders/fulfilled, then orders/updated, as Shopify sends them. */
  fulfillOrder(id: number): Order {
    const order = this.order(id);
    if (order.fulfillment_status === 'fulfilled') throw invalid('fulfillment_status', 'is already fulfilled');
    order.line_items = order.line_items.map((item) => ({ ...item, fulfillable_quantity: 0, fulfillment_status: 'fulfilled' }));
    order.fulfillment_status = 'fulfilled';
    order.updated_at = this.stamp();
    this.emit('orders/fulfilled', id, order);
    this.emit('orders/updated', id, order);
    return structuredClone(order);
  }

  createCollection(input: CustomCollectionInput): CustomCollection {
    const data = v.object(input, 'custom_collection');
    const title = v.nonBlank(data.title, 'title');
    const handle = uniqueHandle(data.handle === undefined || data.handle === null ? title : v.nonBlank(data.handle, 'handle'), this.collections, null);
    const bodyHtml = nullableText(data.body_html, 'body_html', null);
    const published = v.boolean(data.published, 'published', true);
    const sortOrder = v.oneOf(data.sort_order, SORT_ORDERS, 'sort_order', 'best-selling');
    const at = this.stamp();
    const id = this.nextId('collection');
    const collection: CustomCollection = {
      id,
      title,
      handle,
      body_html: bodyHtml,
      published_at: published ? at : null,
      published_scope: 'web',
      sort_order: sortOrder,
      template_suffix: null,
      updated_at: at,
      admin_graphql_api_id: gid('Collection', id),
    };
    this.collections.set(id, collection);
    this.emit('collections/create', id, collection);
    return { ...collection };
  }

  /** A new title keeps the handle, as in Shopify: links to the collection stay valid. */
  updateCollection(id: number, patch: CustomCollectionInput): CustomCollection {
    const old = this.collection(id);
    const data = v.object(patch, 'custom_collection');
    const at = this.stamp();
    const published = data.published === undefined || data.published === null ? old.published_at !== null : v.boolean(data.published, 'published');
    const collection: CustomCollection = {
      ...old,
      title: v.nonBlank(data.title, 'title', old.title),
      handle: data.handle === undefined || data.handle === null ? old.handle : uniqueHandle(v.nonBlank(data.handle, 'handle'), this.collections, id),
      body_html: nullableText(data.body_html, 'body_html', old.body_html),
      published_at: published ? (old.published_at ?? at) : null,
      sort_order: v.oneOf(data.sort_order, SORT_ORDERS, 'sort_order', old.sort_order),
      updated_at: at,
    };
    this.collections.set(id, collection);
    this.emit('collections/update', id, collection);
    return { ...collection };
  }

  deleteCollection(id: number): void {
    const collection = this.collection(id);
    this.collections.delete(id);
    this.emit('collections/delete', id, { id, published_scope: collection.published_scope });
  }

  product(id: number): Product {
    return this.products.get(id) ?? fail(notFound(`product ${id}`));
  }

  customer(id: number): Customer {
    return this.customers.get(id) ?? fail(notFound(`customer ${id}`));
  }

  order(id: number): Order {
    return this.orders.get(id) ?? fail(notFound(`order ${id}`));
  }

  collection(id: number): CustomCollection {
    return this.collections.get(id) ?? fail(notFound(`custom_collection ${id}`));
  }

  /** Each variant has a level at the shop's one location, with its inventory_quantity. */
  private syncLevels(product: Product): void {
    for (const variant of product.variants) {
      const level = this.inventoryLevels.get(variant.inventory_item_id);
      if (level && level.available === variant.inventory_quantity) continue;
      this.inventoryLevels.set(variant.inventory_item_id, {
        inventory_item_id: variant.inventory_item_id,
        location_id: SHOP_LOCATION_ID,
        available: variant.inventory_quantity,
        updated_at: product.updated_at,
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${SHOP_LOCATION_ID}?inventory_item_id=${variant.inventory_item_id}`,
      });
    }
  }

  /** Validates every entry before any id is given out, so a rejected request uses up no ids. */
  private parseVariants(inputs: unknown[], existing: Variant[]): Array<Omit<Variant, 'id' | 'product_id' | 'position' | 'inventory_item_id' | 'created_at' | 'updated_at' | 'admin_graphql_api_id'> & { base?: Variant }> {
    return inputs.map((raw) => {
      const data = v.object(raw, 'variant');
      const id = data.id === undefined ? undefined : v.integer(data.id, 'variant.id');
      const base = id === undefined ? undefined : existing.find((variant) => variant.id === id);
      if (id !== undefined && !base) throw invalid('variants', `${id} does not belong to this product`);
      const title = v.text(data.title, 'title', base?.title ?? 'Default Title');
      return {
        ...(base ? { base } : {}),
        title,
        option1: title,
        sku: v.text(data.sku, 'sku', base?.sku ?? ''),
        price: v.money(data.price, 'price', base?.price ?? '0.00'),
        compare_at_price: data.compare_at_price === null ? null : data.compare_at_price === undefined ? (base?.compare_at_price ?? null) : v.money(data.compare_at_price, 'compare_at_price'),
        inventory_quantity: v.integer(data.inventory_quantity, 'inventory_quantity', base?.inventory_quantity ?? 0),
        inventory_management: 'shopify' as const,
        inventory_policy: 'deny' as const,
        taxable: true,
        requires_shipping: true,
      };
    });
  }

  private placeVariants(parsed: ReturnType<ShopState['parseVariants']>, productId: number, at: string): Variant[] {
    return parsed.map(({ base, ...fields }, i) => {
      const id = base?.id ?? this.nextId('variant');
      return {
        id,
        product_id: productId,
        ...fields,
        position: i + 1,
        inventory_item_id: base?.inventory_item_id ?? this.nextId('inventoryItem'),
        created_at: base?.created_at ?? at,
        updated_at: at,
        admin_graphql_api_id: gid('ProductVariant', id),
      };
    });
  }

  /** Parsed addresses; those with an id must be among `existing` and keep their other fields. */
  private parseAddresses(inputs: unknown[], existing: Address[]): Array<Omit<Address, 'id' | 'customer_id' | 'name'> & { id?: number }> {
    return inputs.map((raw) => {
      const data = v.object(raw, 'address');
      const id = data.id === undefined ? undefined : v.integer(data.id, 'address.id');
      const base = id === undefined ? undefined : existing.find((a) => a.id === id);
      if (id !== undefined && !base) throw notFound(`address ${id}`);
      const countryCode = v.text(data.country_code, 'country_code', base?.country_code ?? '');
      return {
        id,
        first_name: v.text(data.first_name, 'first_name', base?.first_name ?? ''),
        last_name: v.text(data.last_name, 'last_name', base?.last_name ?? ''),
        company: nullableText(data.company, 'company', base?.company ?? null),
        address1: v.text(data.address1, 'address1', base?.address1 ?? ''),
        address2: nullableText(data.address2, 'address2', base?.address2 ?? null),
        city: v.text(data.city, 'city', base?.city ?? ''),
        province: nullableText(data.province, 'province', base?.province ?? null),
        province_code: base?.province_code ?? null,
        country: COUNTRIES[countryCode] ?? countryCode,
        country_name: COUNTRIES[countryCode] ?? countryCode,
        zip: v.text(data.zip, 'zip', base?.zip ?? ''),
        phone: nullableText(data.phone, 'phone', base?.phone ?? null),
        country_code: countryCode,
        default: data.default === undefined ? (base?.default ?? false) : data.default === true,
      };
    });
  }

  /** Gives new addresses ids, names them after the customer and keeps exactly one default: the last one marked, else the first. */
  private placeAddresses(customer: Customer, addresses: Array<Omit<Address, 'id' | 'customer_id' | 'name'> & { id?: number; name?: string }>): void {
    const placed: Address[] = addresses.map((a) => {
      const first = a.first_name || customer.first_name;
      const last = a.last_name || customer.last_name;
      return { ...a, id: a.id ?? this.nextId('address'), customer_id: customer.id, first_name: first, last_name: last, name: `${first} ${last}`.trim() };
    });
    const chosen = [...placed].reverse().find((a) => a.default) ?? placed[0];
    customer.addresses = placed.map((a) => ({ ...a, default: a === chosen }));
    customer.default_address = customer.addresses.find((a) => a.default) ?? null;
  }

  private lineItems(inputs: unknown[]): LineItem[] {
    return inputs.map((raw) => {
      const data = v.object(raw, 'line_item');
      const variantId = data.variant_id === undefined || data.variant_id === null ? null : v.integer(data.variant_id, 'variant_id');
      const sku = v.text(data.sku, 'sku', '');
      const product = [...this.products.values()].find((p) => p.variants.some((variant) => (variantId !== null ? variant.id === variantId : sku !== '' && variant.sku === sku)));
      const variant = product?.variants.find((x) => (variantId !== null ? x.id === variantId : x.sku === sku));
      if (variantId !== null && !variant) throw invalid('line_items', `variant ${variantId} does not exist`);
      const title = v.nonBlank(data.title, 'title', product?.title);
      const quantity = v.integer(data.quantity, 'quantity', 1);
      const id = this.nextId('lineItem');
      return {
        id,
        variant_id: variant?.id ?? null,
        product_id: product?.id ?? null,
        sku,
        title,
        name: title,
        quantity,
        price: v.money(data.price, 'price', variant?.price),
        fulfillable_quantity: quantity,
        fulfillment_status: null,
        admin_graphql_api_id: gid('LineItem', id),
      };
    });
  }

  private checkEmailFree(email: string, ownId: number | null): void {
    for (const customer of this.customers.values()) {
      if (customer.id !== ownId && customer.email.toLowerCase() === email.toLowerCase()) {
        throw invalid('email', 'has already been taken');
      }
    }
  }

  private nextId(kind: keyof typeof FIRST_ID): number {
    return this.next[kind]++;
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }
}

/** The customer as an order shows it. */
function orderCustomer(customer: Customer): OrderCustomer {
  const { addresses: _addresses, ...rest } = structuredClone(customer);
  return rest;
}

/** `text` as a handle ("Summer Sale!" → "summer-sale"), with "-1", "-2", … when another record of the kind has it. */
function uniqueHandle(text: string, records: ReadonlyMap<number, { id: number; handle: string }>, ownId: number | null): string {
  const base =
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'untitled';
  const taken = new Set([...records.values()].filter((r) => r.id !== ownId).map((r) => r.handle));
  let handle = base;
  for (let n = 1; taken.has(handle); n++) handle = `${base}-${n}`;
  return handle;
}

/** A string, or null where Shopify keeps an empty field as null. */
function nullableText(value: unknown, field: string, fallback: string | null): string | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return v.text(value, field);
}

function total(lineItems: LineItem[]): string {
  const cents = lineItems.reduce((sum, item) => sum + Math.round(Number(item.price) * 100) * item.quantity, 0);
  return v.formatCents(cents);
}

function fail(error: Error): never {
  throw error;
}
