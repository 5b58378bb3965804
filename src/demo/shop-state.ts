/**
 * The demo shop's in-memory state and every change to it. Both the REST API and the merchant
 * methods go through here, so a change fires the same webhook whichever way it was made; the
 * webhook is handed to `emit` and sent later by the queue.
 */
import { invalid, notFound } from './demo-error.js';
import type {
  Address,
  AddressInput,
  Customer,
  CustomerInput,
  CustomCollection,
  CustomCollectionInput,
  LineItem,
  Order,
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

/**
 * Where each kind's ids start (products at 1001, as Shopify demos show). The ranges differ so a
 * hub that mixes up, say, a customer id and an address id finds nothing instead of a wrong record.
 */
const FIRST_ID = { product: 1001, customer: 2001, order: 3001, collection: 5001, variant: 10001, address: 20001, orderNumber: 1001 };

export class ShopState {
  readonly products = new Map<number, Product>();
  readonly customers = new Map<number, Customer>();
  readonly orders = new Map<number, Order>();
  readonly collections = new Map<number, CustomCollection>();
  private readonly next = { ...FIRST_ID };

  constructor(
    private readonly emit: ShopEmit,
    private readonly now: () => number = Date.now,
  ) {}

  createProduct(input: ProductInput): Product {
    const data = v.object(input, 'product');
    const fields = {
      title: v.nonBlank(data.title, 'title'),
      body_html: v.text(data.body_html, 'body_html', ''),
      vendor: v.text(data.vendor, 'vendor', 'Demo Shop'),
      status: v.oneOf(data.status, PRODUCT_STATUSES, 'status', 'active'),
      tags: v.text(data.tags, 'tags', ''),
      // Shopify gives every product at least one (default) variant.
      variants: this.variants(v.list(data.variants, 'variants', [{}]), []),
    };
    const at = this.stamp();
    const product: Product = { id: this.nextId('product'), ...fields, created_at: at, updated_at: at };
    this.products.set(product.id, product);
    this.emit('products/create', product.id, product);
    return structuredClone(product);
  }

  updateProduct(id: number, patch: ProductInput): Product {
    const old = this.product(id);
    const data = v.object(patch, 'product');
    const product: Product = {
      ...old,
      title: v.nonBlank(data.title, 'title', old.title),
      body_html: v.text(data.body_html, 'body_html', old.body_html),
      vendor: v.text(data.vendor, 'vendor', old.vendor),
      status: v.oneOf(data.status, PRODUCT_STATUSES, 'status', old.status),
      tags: v.text(data.tags, 'tags', old.tags),
      // As in Shopify, a given variant list replaces the old one; listed ids keep their variant.
      variants: data.variants === undefined ? old.variants : this.variants(v.list(data.variants, 'variants'), old.variants),
      updated_at: this.stamp(),
    };
    this.products.set(id, product);
    this.emit('products/update', id, product);
    return structuredClone(product);
  }

  deleteProduct(id: number): void {
    this.product(id);
    this.products.delete(id);
    this.emit('products/delete', id, { id });
  }

  createCustomer(input: CustomerInput): Customer {
    const data = v.object(input, 'customer');
    const email = v.nonBlank(data.email, 'email');
    this.checkEmailFree(email, null);
    const fields = {
      email,
      first_name: v.text(data.first_name, 'first_name', ''),
      last_name: v.text(data.last_name, 'last_name', ''),
      state: v.oneOf(data.state, CUSTOMER_STATES, 'state', 'enabled'),
    };
    const addresses = this.parseAddresses(v.list(data.addresses, 'addresses', []), []);
    const at = this.stamp();
    const customer: Customer = { id: this.nextId('customer'), ...fields, addresses: [], created_at: at, updated_at: at };
    customer.addresses = this.placeAddresses(addresses, customer.id);
    this.customers.set(customer.id, customer);
    this.emit('customers/create', customer.id, customer);
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
      state: v.oneOf(data.state, CUSTOMER_STATES, 'state', old.state),
      addresses: this.placeAddresses([...kept, ...addresses], id),
      updated_at: this.stamp(),
    };
    this.customers.set(id, customer);
    this.emit('customers/update', id, customer);
    return structuredClone(customer);
  }

  updateAddress(customerId: number, addressId: number, patch: AddressInput): Address {
    const customer = this.customer(customerId);
    const [changed] = this.parseAddresses([{ ...v.object(patch, 'address'), id: addressId }], customer.addresses);
    // An address made the default takes that over from the others.
    const all = customer.addresses.map((a) => (a.id === addressId ? changed! : { ...a, default: changed!.default ? false : a.default }));
    customer.addresses = this.placeAddresses(all, customerId);
    customer.updated_at = this.stamp();
    return this.addressHook(customer, addressId);
  }

  /** An address used at checkout: nothing changes, but the shop announces the address again. */
  useAddress(customerId: number, addressId: number): Address {
    return this.addressHook(this.customer(customerId), addressId);
  }

  createOrder(input: OrderInput): Order {
    const data = v.object(input, 'order');
    const customerId = data.customer_id === undefined || data.customer_id === null ? null : v.integer(data.customer_id, 'customer_id');
    const customer = customerId === null ? undefined : this.customers.get(customerId);
    if (customerId !== null && !customer) throw invalid('customer_id', 'does not exist');
    const lineItems = this.lineItems(v.list(data.line_items, 'line_items', []));
    const fields = {
      email: v.text(data.email, 'email', customer?.email ?? ''),
      customer_id: customerId,
      financial_status: v.nonBlank(data.financial_status, 'financial_status', 'pending'),
      line_items: lineItems,
      note: v.text(data.note, 'note', ''),
      total_price: total(lineItems),
    };
    const at = this.stamp();
    const order: Order = {
      id: this.nextId('order'),
      name: `#${this.nextId('orderNumber')}`,
      ...fields,
      messages: [],
      created_at: at,
      updated_at: at,
    };
    this.orders.set(order.id, order);
    this.emit('orders/create', order.id, order);
    return structuredClone(order);
  }

  updateOrder(id: number, patch: OrderInput): Order {
    const old = this.order(id);
    const data = v.object(patch, 'order');
    const lineItems = data.line_items === undefined ? old.line_items : this.lineItems(v.list(data.line_items, 'line_items'));
    const order: Order = {
      ...old,
      email: v.text(data.email, 'email', old.email),
      financial_status: v.nonBlank(data.financial_status, 'financial_status', old.financial_status),
      line_items: lineItems,
      note: v.text(data.note, 'note', old.note),
      total_price: total(lineItems),
      updated_at: this.stamp(),
    };
    this.orders.set(id, order);
    this.emit('orders/updated', id, order);
    return structuredClone(order);
  }

  addOrderMessage(id: number, text: string): Order {
    const order = this.order(id);
    const at = this.stamp();
    order.messages = [...order.messages, { text: v.nonBlank(text, 'text'), created_at: at }];
    order.updated_at = at;
    this.emit('orders/message_added', id, order);
    return structuredClone(order);
  }

  createCollection(input: CustomCollectionInput): CustomCollection {
    const data = v.object(input, 'custom_collection');
    const title = v.nonBlank(data.title, 'title');
    const handle = this.uniqueHandle(data.handle === undefined || data.handle === null ? title : v.nonBlank(data.handle, 'handle'), null);
    const published = v.boolean(data.published, 'published', true);
    const collection: CustomCollection = { id: this.nextId('collection'), title, handle, published, updated_at: this.stamp() };
    this.collections.set(collection.id, collection);
    this.emit('collections/create', collection.id, collection);
    return { ...collection };
  }

  /** A new title keeps the handle, as in Shopify: links to the collection stay valid. */
  updateCollection(id: number, patch: CustomCollectionInput): CustomCollection {
    const old = this.collection(id);
    const data = v.object(patch, 'custom_collection');
    const collection: CustomCollection = {
      id,
      title: v.nonBlank(data.title, 'title', old.title),
      handle: data.handle === undefined || data.handle === null ? old.handle : this.uniqueHandle(v.nonBlank(data.handle, 'handle'), id),
      published: v.boolean(data.published, 'published', old.published),
      updated_at: this.stamp(),
    };
    this.collections.set(id, collection);
    this.emit('collections/update', id, collection);
    return { ...collection };
  }

  deleteCollection(id: number): void {
    const collection = this.collection(id);
    this.collections.delete(id);
    this.emit('collections/delete', id, collection);
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

  /** `text` as a handle ("Summer Sale!" → "summer-sale"), with "-1", "-2", … when another collection has it. */
  private uniqueHandle(text: string, ownId: number | null): string {
    const base =
      text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'collection';
    const taken = new Set([...this.collections.values()].filter((c) => c.id !== ownId).map((c) => c.handle));
    let handle = base;
    for (let n = 1; taken.has(handle); n++) handle = `${base}-${n}`;
    return handle;
  }

  private addressHook(customer: Customer, addressId: number): Address {
    const address = customer.addresses.find((a) => a.id === addressId) ?? fail(notFound(`address ${addressId}`));
    this.emit('customer_addresses/update', addressId, address);
    return structuredClone(address);
  }

  /** Validates every entry before any id is given out, so a rejected request uses up no ids. */
  private variants(inputs: unknown[], existing: Variant[]): Variant[] {
    const parsed = inputs.map((raw) => {
      const data = v.object(raw, 'variant');
      const id = data.id === undefined ? undefined : v.integer(data.id, 'variant.id');
      const base = id === undefined ? undefined : existing.find((variant) => variant.id === id);
      if (id !== undefined && !base) throw invalid('variants', `${id} does not belong to this product`);
      return {
        id,
        sku: v.text(data.sku, 'sku', base?.sku ?? ''),
        price: v.money(data.price, 'price', base?.price ?? '0.00'),
        inventory_quantity: v.integer(data.inventory_quantity, 'inventory_quantity', base?.inventory_quantity ?? 0),
      };
    });
    return parsed.map((variant) => ({ ...variant, id: variant.id ?? this.nextId('variant') }));
  }

  /** Parsed addresses; those with an id must be among `existing` and keep their other fields. */
  private parseAddresses(inputs: unknown[], existing: Address[]): Array<Omit<Address, 'id' | 'customer_id'> & { id?: number }> {
    return inputs.map((raw) => {
      const data = v.object(raw, 'address');
      const id = data.id === undefined ? undefined : v.integer(data.id, 'address.id');
      const base = id === undefined ? undefined : existing.find((a) => a.id === id);
      if (id !== undefined && !base) throw notFound(`address ${id}`);
      return {
        id,
        address1: v.text(data.address1, 'address1', base?.address1 ?? ''),
        city: v.text(data.city, 'city', base?.city ?? ''),
        zip: v.text(data.zip, 'zip', base?.zip ?? ''),
        country_code: v.text(data.country_code, 'country_code', base?.country_code ?? ''),
        default: data.default === undefined ? (base?.default ?? false) : data.default === true,
      };
    });
  }

  /** Gives new addresses ids and keeps exactly one default: the last one marked, else the first. */
  private placeAddresses(addresses: Array<Omit<Address, 'id' | 'customer_id'> & { id?: number }>, customerId: number): Address[] {
    const placed = addresses.map((a) => ({ ...a, id: a.id ?? this.nextId('address'), customer_id: customerId }));
    const chosen = [...placed].reverse().find((a) => a.default) ?? placed[0];
    return placed.map((a) => ({ ...a, default: a === chosen }));
  }

  private lineItems(inputs: unknown[]): LineItem[] {
    return inputs.map((raw) => {
      const data = v.object(raw, 'line_item');
      return {
        sku: v.text(data.sku, 'sku', ''),
        title: v.nonBlank(data.title, 'title'),
        quantity: v.integer(data.quantity, 'quantity', 1),
        price: v.money(data.price, 'price'),
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

function total(lineItems: LineItem[]): string {
  const cents = lineItems.reduce((sum, item) => sum + Math.round(Number(item.price) * 100) * item.quantity, 0);
  return v.formatCents(cents);
}

function fail(error: Error): never {
  throw error;
}
