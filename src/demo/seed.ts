/**
 * The demo's starting data: a few shop products, customers with addresses and an order, and the
 * matching ERP items (same SKUs, as a merchant running both systems would have), ERP customers
 * and categories. Fixed data, so every demo and test starts from the same place.
 */
import type { DemoErp } from './erp.js';
import type { DemoShop } from './shop.js';

export interface SeededData {
  products: number[];
  customers: number[];
  orders: number[];
  items: string[];
  erpCustomers: string[];
  categories: string[];
}

const PRODUCTS = [
  { title: 'Linen Shirt', sku: 'SHIRT-LIN', price: '49.00', vendor: 'Northwind Textiles', tags: 'summer, linen' },
  { title: 'Canvas Tote', sku: 'TOTE-CNV', price: '19.50', vendor: 'Northwind Textiles', tags: 'bags' },
  { title: 'Ceramic Mug', sku: 'MUG-CER', price: '12.50', vendor: 'Kiln & Co', tags: 'kitchen' },
  { title: 'Wool Beanie', sku: 'BEANIE-WL', price: '24.00', vendor: 'Northwind Textiles', tags: 'winter' },
  { title: 'Trail Socks', sku: 'SOCKS-TRL', price: '9.90', vendor: 'Summit Gear', tags: 'outdoor' },
];

const CUSTOMERS = [
  { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', city: 'London', zip: 'N1 9GU', country_code: 'GB' },
  { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', city: 'Arlington', zip: '22201', country_code: 'US' },
  { email: 'linus@example.com', first_name: 'Linus', last_name: 'Pauling', city: 'Portland', zip: '97201', country_code: 'US' },
];

const ERP_ITEMS = [
  { name: 'Oak Desk', sku: 'DESK-OAK', price: 320 },
  { name: 'Task Lamp', sku: 'LAMP-TSK', price: 45 },
  { name: 'Notebook A5', sku: 'NOTE-A5', price: 6.5 },
  { name: 'Pen Set', sku: 'PEN-SET', price: 14 },
];

const ERP_CUSTOMERS = [
  { name: 'Margaret Hamilton', email: 'margaret@example.com' },
  { name: 'Katherine Johnson', email: 'katherine@example.com' },
];

export function seedDemoData(shop: DemoShop, erp: DemoErp): SeededData {
  const products = PRODUCTS.map((p) =>
    shop.createProduct({
      title: p.title,
      // The handle is the SKU, lower-cased: what the hub finds a shop product by (Shopify's REST
      // API cannot search by SKU), so an ERP item with this SKU meets this product.
      handle: p.sku.toLowerCase(),
      vendor: p.vendor,
      tags: p.tags,
      body_html: `<p>${p.title} from ${p.vendor}.</p>`,
      variants: [{ sku: p.sku, price: p.price, inventory_quantity: 20 }],
    }),
  );
  const customers = CUSTOMERS.map((c, i) =>
    shop.createCustomer({
      email: c.email,
      first_name: c.first_name,
      last_name: c.last_name,
      addresses: [
        { address1: `${10 + i} High Street`, city: c.city, zip: c.zip, country_code: c.country_code, default: true },
        { address1: `${200 + i} Work Avenue`, city: c.city, zip: c.zip, country_code: c.country_code },
      ],
    }),
  );
  const order = shop.createOrder({
    customer: { id: customers[0]!.id },
    financial_status: 'paid',
    line_items: [
      { sku: PRODUCTS[0]!.sku, title: PRODUCTS[0]!.title, quantity: 1, price: PRODUCTS[0]!.price },
      { sku: PRODUCTS[2]!.sku, title: PRODUCTS[2]!.title, quantity: 2, price: PRODUCTS[2]!.price },
    ],
  });
  // The ERP starts with records of its own: the two systems do not yet share a product or a
  // customer, so everything the demo shows flows from one side to the other (a record that already
  // exists on both sides is what an initialization with a match field is for).
  const items = ERP_ITEMS.map((i) => erp.createItem(i));
  const erpCustomers = ERP_CUSTOMERS.map((c) => erp.createCustomer(c));
  const categories = ['Apparel', 'Home', 'Outdoor'].map((name) => erp.upsertCategory({ name }));
  return {
    products: products.map((p) => p.id),
    customers: customers.map((c) => c.id),
    orders: [order.id],
    items: items.map((i) => i.code),
    erpCustomers: erpCustomers.map((c) => c.code),
    categories: categories.map((c) => c.code),
  };
}
