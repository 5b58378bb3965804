/**
 * Acme ERP's in-memory state and every change to it. The REST API and the merchant methods both
 * go through here, so each item or customer change queues the same notification either way.
 * Categories change silently: Acme sends no hooks for them, a hub has to poll.
 */
import { DemoError, invalid, notFound } from './demo-error.js';
import type {
  ErpCategory,
  ErpCategoryInput,
  ErpCustomer,
  ErpCustomerInput,
  ErpItem,
  ErpItemInput,
  ErpNotification,
  ErpPrefixes,
} from './erp-types.js';
import * as v from './validate.js';

export type ErpEmit = (notifications: ErpNotification[]) => void;

const STATUSES = ['ACTIVE', 'INACTIVE'] as const;
const FIRST_NUMBER = 1000;
const PREFIX = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const DEFAULT_PREFIXES: ErpPrefixes = { item: 'Item', customer: 'Cust', category: 'Cat' };

export class ErpState {
  readonly items = new Map<string, ErpItem>();
  readonly customers = new Map<string, ErpCustomer>();
  readonly categories = new Map<string, ErpCategory>();
  private prefixes: ErpPrefixes = { ...DEFAULT_PREFIXES };
  private readonly next = { item: FIRST_NUMBER, customer: FIRST_NUMBER, category: FIRST_NUMBER };

  constructor(
    private readonly emit: ErpEmit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Changes the prefix of records created from now on; existing codes stay as they are. */
  setPrefixes(prefixes: Partial<ErpPrefixes>): ErpPrefixes {
    for (const [kind, prefix] of Object.entries(prefixes)) {
      if (prefix !== undefined && !PREFIX.test(prefix)) throw invalid(`${kind} prefix`, `${JSON.stringify(prefix)} is not a plain word`);
    }
    this.prefixes = { ...this.prefixes, ...definedOnly(prefixes) };
    return { ...this.prefixes };
  }

  getPrefixes(): ErpPrefixes {
    return { ...this.prefixes };
  }

  createItem(input: ErpItemInput): ErpItem {
    const data = v.object(input, 'item');
    const fields = {
      name: v.nonBlank(data.name, 'name'),
      sku: v.text(data.sku, 'sku', ''),
      price: v.amount(data.price, 'price', 0),
      status: v.oneOf(data.status, STATUSES, 'status', 'ACTIVE'),
    };
    const item: ErpItem = { code: this.nextCode('item'), ...fields, updatedAt: this.stamp() };
    this.items.set(item.code, item);
    this.emit([{ event: 'item.changed', id: item.code }]);
    return { ...item };
  }

  updateItem(code: string, patch: ErpItemInput): ErpItem {
    const old = this.item(code);
    const data = v.object(patch, 'item');
    const item: ErpItem = {
      code,
      name: v.nonBlank(data.name, 'name', old.name),
      sku: v.text(data.sku, 'sku', old.sku),
      price: v.amount(data.price, 'price', old.price),
      status: v.oneOf(data.status, STATUSES, 'status', old.status),
      updatedAt: this.stamp(),
    };
    this.items.set(code, item);
    this.emit([{ event: 'item.changed', id: code }]);
    return { ...item };
  }

  deleteItem(code: string): void {
    this.item(code);
    this.items.delete(code);
    this.emit([{ event: 'item.deleted', id: code }]);
  }

  createCustomer(input: ErpCustomerInput): ErpCustomer {
    const data = v.object(input, 'customer');
    const fields = {
      name: v.nonBlank(data.name, 'name'),
      email: v.text(data.email, 'email', ''),
      status: v.oneOf(data.status, STATUSES, 'status', 'ACTIVE'),
    };
    const customer: ErpCustomer = { code: this.nextCode('customer'), ...fields, updatedAt: this.stamp() };
    this.customers.set(customer.code, customer);
    this.emit([{ event: 'customer.changed', id: customer.code }]);
    return { ...customer };
  }

  updateCustomer(code: string, patch: ErpCustomerInput): ErpCustomer {
    const old = this.customer(code);
    const data = v.object(patch, 'customer');
    const customer: ErpCustomer = {
      code,
      name: v.nonBlank(data.name, 'name', old.name),
      email: v.text(data.email, 'email', old.email),
      status: v.oneOf(data.status, STATUSES, 'status', old.status),
      updatedAt: this.stamp(),
    };
    this.customers.set(code, customer);
    this.emit([{ event: 'customer.changed', id: code }]);
    return { ...customer };
  }

  deleteCustomer(code: string): void {
    this.customer(code);
    this.customers.delete(code);
    this.emit([{ event: 'customer.deleted', id: code }]);
  }

  upsertCategory(input: ErpCategoryInput): ErpCategory {
    const data = v.object(input, 'category');
    const name = v.nonBlank(data.name, 'name');
    const code = data.code === undefined ? this.nextCode('category') : this.category(v.text(data.code, 'code')).code;
    const category: ErpCategory = { code, name, updatedAt: this.stamp() };
    this.categories.set(code, category);
    return { ...category };
  }

  /** Marks items and customers as changed and announces them all in one hook, as Acme does after a batch job. */
  touchMany(codes: readonly string[]): ErpNotification[] {
    const records = codes.map((code) => {
      const item = this.items.get(code);
      if (item) return { record: item, event: 'item.changed' };
      const customer = this.customers.get(code);
      if (customer) return { record: customer, event: 'customer.changed' };
      throw notFound(code);
    });
    const at = this.stamp();
    for (const { record } of records) record.updatedAt = at;
    const notifications = records.map(({ record, event }) => ({ event, id: record.code }));
    if (notifications.length > 0) this.emit(notifications);
    return notifications;
  }

  item(code: string): ErpItem {
    const item = this.items.get(code);
    if (!item) throw notFound(code);
    return item;
  }

  customer(code: string): ErpCustomer {
    const customer = this.customers.get(code);
    if (!customer) throw notFound(code);
    return customer;
  }

  category(code: string): ErpCategory {
    const category = this.categories.get(code);
    if (!category) throw notFound(code);
    return category;
  }

  private nextCode(kind: keyof ErpPrefixes): string {
    return `${this.prefixes[kind]}:${this.next[kind]++}`;
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }
}

/** The number of a code, `Item:1234` → 1234; codes sort by it across prefix changes. */
export function codeNumber(code: string): number {
  const number = Number(code.slice(code.lastIndexOf(':') + 1));
  if (!Number.isInteger(number)) throw new DemoError(400, `${code} is not a code`);
  return number;
}

function definedOnly(prefixes: Partial<ErpPrefixes>): Partial<ErpPrefixes> {
  return Object.fromEntries(Object.entries(prefixes).filter(([, value]) => value !== undefined));
}
