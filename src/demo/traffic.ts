/**
 * Demo traffic: every interval one small, realistic change in the shop or the ERP, the way a
 * merchant's day looks — a price change, a new product, an ERP item renamed, an order note, an
 * address used at checkout. Each change fires the system's own webhook towards the hub.
 * Given a seed, the same starting data yields the same sequence of changes.
 */
import type { DemoErp } from './erp.js';
import { createRandom, type Random } from './prng.js';
import type { DemoShop } from './shop.js';

export { seedDemoData, type SeededData } from './seed.js';

export interface TrafficOptions {
  shop: DemoShop;
  erp: DemoErp;
  /** Default 2000. */
  intervalMs?: number;
  log?: (line: string) => void;
  /** Default: a random seed. */
  seed?: number;
}

export interface Traffic {
  stop(): void;
  /** Makes one change now and returns its log line (tests call this instead of waiting). */
  tick(): string;
}

type Action = (shop: DemoShop, erp: DemoErp, random: Random) => string | null;

const ADJECTIVES = ['Classic', 'Organic', 'Everyday', 'Limited', 'Recycled', 'Heritage'];
const NOUNS = ['Hoodie', 'Water Bottle', 'Notebook', 'Scarf', 'Candle', 'Backpack', 'Apron'];
const NOTES = ['Gift wrap, please', 'Leave at the back door', 'Call before delivery', ''];
const APARTMENTS = ['Flat 1', 'Flat 2', 'Apt 3B', 'Suite 4', null];

/** Money as a string after a change of -10 % … +15 %, never below 1.00. */
function nudge(price: string | number, random: Random): string {
  const cents = Math.round(Number(price) * 100 * (0.9 + random.next() * 0.25));
  return (Math.max(100, cents) / 100).toFixed(2);
}

const createProduct: Action = (shop, _erp, random) => {
  const title = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
  const sku = `DEMO-${shop.products.size + 1}`;
  const product = shop.createProduct({
    title,
    handle: sku.toLowerCase(),
    vendor: 'Demo Shop',
    variants: [{ sku, price: nudge(20, random), inventory_quantity: random.int(50) }],
  });
  return `shop: created product ${product.id} "${title}"`;
};

const ACTIONS: Array<[weight: number, action: Action]> = [
  [25, (shop, _erp, random) => {
    const product = [...shop.products.values()][random.int(shop.products.size)];
    if (!product) return null;
    // Shopify replaces the variant list, so every variant is sent and only the first changes.
    const variants = product.variants.map((variant, i) => (i === 0 ? { id: variant.id, price: nudge(variant.price, random) } : { id: variant.id }));
    shop.updateProduct(product.id, { variants });
    return `shop: product ${product.id} price ${product.variants[0]?.price} → ${variants[0]?.price}`;
  }],
  [10, (shop, _erp, random) => {
    const product = [...shop.products.values()][random.int(shop.products.size)];
    if (!product) return null;
    const title = `${random.pick(ADJECTIVES)} ${product.title.split(' ').slice(-1)[0]}`;
    shop.updateProduct(product.id, { title });
    return `shop: product ${product.id} title "${product.title}" → "${title}"`;
  }],
  [8, createProduct],
  [25, (_shop, erp, random) => {
    const item = [...erp.items.values()][random.int(erp.items.size)];
    if (!item) return null;
    if (random.chance(0.5)) {
      const price = Number(nudge(item.price, random));
      erp.updateItem(item.code, { price });
      return `erp: ${item.code} price ${item.price} → ${price}`;
    }
    const name = `${item.name.split(' (')[0]} (${random.pick(['v2', 'new', 'bulk', 'EU'])})`;
    erp.updateItem(item.code, { name });
    return `erp: ${item.code} name → "${name}"`;
  }],
  [12, (shop, _erp, random) => {
    const order = [...shop.orders.values()][random.int(shop.orders.size)];
    if (!order) return null;
    if (order.fulfillment_status === null && random.chance(0.5)) {
      shop.fulfillOrder(order.id);
      return `shop: order ${order.name} fulfilled`;
    }
    const note = random.pick(NOTES);
    shop.updateOrder(order.id, { note });
    return `shop: order ${order.name} note "${note}"`;
  }],
  [10, (shop, _erp, random) => {
    const customer = [...shop.customers.values()][random.int(shop.customers.size)];
    const address = customer && customer.addresses.length > 0 ? random.pick(customer.addresses) : undefined;
    if (!customer || !address) return null;
    // Shopify has no address topic: the change arrives as customers/update.
    const address2 = random.pick(APARTMENTS);
    shop.updateAddress(customer.id, address.id, { address2 });
    return `shop: customer ${customer.id} address ${address.id} line 2 → ${address2 ?? '(none)'}`;
  }],
  [5, (_shop, erp, random) => {
    const codes = [...erp.items.keys(), ...erp.customers.keys()].filter(() => random.chance(0.4)).slice(0, 3);
    if (codes.length < 2) return null;
    erp.touchMany(codes);
    return `erp: batch job touched ${codes.join(', ')}`;
  }],
  [5, (_shop, erp, random) => {
    const category = [...erp.categories.values()][random.int(erp.categories.size)];
    if (!category) return null;
    const name = `${category.name.split(' ')[0]} ${random.pick(['& More', 'Essentials', 'Collection'])}`;
    erp.upsertCategory({ code: category.code, name });
    return `erp: category ${category.code} renamed "${name}" (no hook; polled)`;
  }],
];

const TOTAL_WEIGHT = ACTIONS.reduce((sum, [weight]) => sum + weight, 0);

export function startTraffic(options: TrafficOptions): Traffic {
  const random = createRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const tick = (): string => {
    let roll = random.int(TOTAL_WEIGHT);
    const [, action] = ACTIONS.find(([weight]) => (roll -= weight) < 0)!;
    let line: string;
    try {
      // An action with nothing to act on (no orders yet, say) creates a product instead.
      line = action(options.shop, options.erp, random) ?? createProduct(options.shop, options.erp, random)!;
    } catch (error) {
      // A change the system rejects is part of a merchant's day too; the traffic goes on.
      line = `rejected: ${error instanceof Error ? error.message : String(error)}`;
    }
    options.log?.(line);
    return line;
  };
  const timer = setInterval(tick, options.intervalMs ?? 2000);
  return { stop: () => clearInterval(timer), tick };
}
