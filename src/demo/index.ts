/** The demo's external systems: a Shopify-style shop, Acme ERP, and traffic that changes them. */
export { startDemoShop, type DemoShop, type DemoShopOptions } from './shop.js';
export { startDemoErp, type DemoErp, type DemoErpOptions } from './erp.js';
export { startTraffic, seedDemoData, type Traffic, type TrafficOptions, type SeededData } from './traffic.js';
export type { HookAttempt } from './hook-queue.js';
export type { FailureRule, ActiveFailure } from './failures.js';
export type * from './shop-types.js';
export type * from './erp-types.js';
