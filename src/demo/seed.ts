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

export function seedDemoData(shop: DemoShop, erp: DemoErp): SeededData {
  const products = PRODUCTS.map((p) =>
    shop.createProduct({
      title: p.title,
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
    customer_id: customers[0]!.id,
    financial_status: 'paid',
    line_items: [
      { sku: PRODUCTS[0]!.sku, title: PRODUCTS[0]!.title, quantity: 1, price: PRODUCTS[0]!.price },
      { sku: PRODUCTS[2]!.sku, title: PRODUCTS[2]!.title, quantity: 2, price: PRODUCTS[2]!.price },
    ],
  });
  const items = PRODUCTS.slice(0, 4).map((p) => erp.createItem({ name: p.title, sku: p.sku, price: Number(p.price) }));
  const erpCustomers = CUSTOMERS.slice(0, 2).map((c) => erp.createCustomer({ name: `${c.first_name} ${c.last_name}`, email: c.email }));
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
