/**
 * The operator's console (/ui/) in a real browser: Debian's chromium driven by playwright-core,
 * against the demo hub with its shop and ERP running in this process (the functions behind
 * `hookyard demo`), so that failures can be injected into the ERP. Hooks arrive while the page
 * is open, a dead transfer is retried from its page, a hub record's lineage is read; and with an
 * admin token set, the console asks for it before it shows anything.
 *
 * Waits are conditions with generous bounds, never durations.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/cli/serve.js';
import { startDemoActivity, startDemoSystems, type DemoActivity, type DemoSystems } from '../src/demo/run.js';
import { demoEnv, DEMO_KEYS } from '../src/demo/keys.js';
import type { Hub } from '../src/server.js';
import { projectRoot } from './helpers/process.js';
import { freePort } from './helpers/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Bound on every wait in the page: the demo's first transfers take a few seconds on a busy machine. */
const WAIT_MS = 30_000;
const missing = !existsSync(CHROMIUM);

interface DemoHub {
  url: string;
  hub: Hub;
  systems: DemoSystems;
  activity: DemoActivity;
  close(): Promise<void>;
}

/** What `hookyard demo` starts, in this process: the systems, the hub on examples/demo.yaml, seeding and traffic. */
async function startDemoHub(adminToken?: string): Promise<DemoHub> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const data = mkdtempSync(join(tmpdir(), 'hookyard-console-'));
  const systems = await startDemoSystems(url);
  const quiet = { out: () => {}, err: (line: string) => console.error(line) };
  const started = await startServe(
    {
      config: resolvePath(projectRoot, 'examples/demo.yaml'),
      data,
      port,
      host: '127.0.0.1',
      env: { ...demoEnv({ shop: systems.shop.url, erp: systems.erp.url }), HOOKYARD_ADMIN_TOKEN: adminToken },
      logger: false,
    },
    quiet,
  );
  if (typeof started === 'number') throw new Error(`the demo hub did not start (exit code ${started})`);
  const activity = await startDemoActivity({ store: started.hub.store, leaseMs: started.config.engine.leaseMs, systems, print: () => {} });
  return {
    url,
    hub: started.hub,
    systems,
    activity,
    close: async () => {
      await activity.stop();
      await started.hub.close();
      await systems.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** The id in the first row of the list on the page, or 0 when it has none. */
async function newestRowId(page: Page): Promise<number> {
  const id = await page.locator('#rows tbody tr').first().getAttribute('data-id', { timeout: WAIT_MS });
  return Number(id ?? 0);
}

let browser: Browser;
const pages: Page[] = [];

async function openPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // Anything the page asks of another origin is a failure: the console loads nothing from outside.
  page.on('request', (request) => {
    if (!request.url().startsWith('http://127.0.0.1:')) problems.push(`request to ${request.url()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  pages.push(page);
  return page;
}

function problemsOf(page: Page): string[] {
  return (page as Page & { problems: string[] }).problems;
}

describe.skipIf(missing && !process.env.CI)(missing ? `the console in a browser (skipped: ${CHROMIUM} is not installed; apt-get install chromium)` : 'the console in a browser', () => {
  beforeAll(async () => {
    if (missing) throw new Error(`${CHROMIUM} is missing: the console's browser test needs Debian's chromium (.ci/run installs it: apt-get install chromium)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(problemsOf(page), 'errors in the page or requests to other origins').toEqual([]);
      await page.context().close();
    }
  });

  describe('on the demo hub', () => {
    let demo: DemoHub;
    beforeAll(async () => {
      demo = await startDemoHub();
    }, 60_000);
    afterAll(async () => {
      await demo?.close();
    }, 60_000);

    it('serves its assets with content types and caching headers, redirects /ui, and answers the index for other /ui/ paths', async () => {
      const redirect = await fetch(`${demo.url}/ui`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/ui/');
      const index = await fetch(`${demo.url}/ui/`);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const etag = index.headers.get('etag');
      expect(etag).toMatch(/^".+"$/);
      expect((await fetch(`${demo.url}/ui/`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
      const script = await fetch(`${demo.url}/ui/app.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await script.text()).toContain('textContent');
      expect((await fetch(`${demo.url}/ui/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
      const other = await fetch(`${demo.url}/ui/hooks/12`);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe(await (await fetch(`${demo.url}/ui/`)).text());
    });

    it('shows hooks arriving in the hooks list while the demo runs, without a reload', async () => {
      const page = await openPage();
      await page.goto(`${demo.url}/ui/`);
      await page.locator('#rows tbody tr').first().waitFor({ timeout: WAIT_MS });
      const first = await newestRowId(page);
      expect(first).toBeGreaterThan(0);
      // A product made in the shop now sends a hook; the open page shows it on its next poll.
      await fetch(`${demo.systems.shop.url}/admin/api/2025-10/products.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': DEMO_KEYS.shop.accessToken },
        body: JSON.stringify({ product: { title: 'Console Lamp', status: 'active', variants: [{ sku: `CONSOLE-${Date.now()}`, price: '12.00' }] } }),
      });
      await expect.poll(() => newestRowId(page), { timeout: WAIT_MS, interval: 250 }).toBeGreaterThan(first);
      expect(await page.locator('#rows tbody tr').first().locator('.badge').textContent()).toMatch(/^(received|resolved|partial|unmatched|invalid|empty|failed)$/);
      // The newest row opens that hook: its body and the transfers it made.
      await page.locator('#rows tbody tr').first().locator('a').first().click();
      await page.locator('#body').waitFor({ timeout: WAIT_MS });
      expect(page.url()).toMatch(/#\/hooks\/\d+$/);
    });

    it('retries a dead transfer from its page after the failure is cleared, and the page shows it succeed; its hub record shows its lineage', async () => {
      // The ERP refuses new items (a permanent 422): the shop's new product goes dead on its way there.
      const refusal = demo.systems.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', status: 422, body: { error: 'refused for the test' } });
      const sku = `DEAD-${Date.now()}`;
      await fetch(`${demo.systems.shop.url}/admin/api/2025-10/products.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': DEMO_KEYS.shop.accessToken },
        body: JSON.stringify({ product: { title: 'Refused Kettle', status: 'active', variants: [{ sku, price: '20.00' }] } }),
      });
      const page = await openPage();
      await page.goto(`${demo.url}/ui/#/dead?connection=erp`);
      const row = page.locator('#rows tbody tr').first();
      await row.waitFor({ timeout: WAIT_MS });
      expect(await row.locator('.badge').first().textContent()).toBe('dead');
      await row.locator('a').first().click();
      await expect.poll(() => page.locator('#transfer-status .badge').textContent(), { timeout: WAIT_MS }).toBe('dead');
      expect(await page.locator('main').textContent()).toContain('HY_ERR_DESTINATION_REJECTED');

      refusal.clear();
      await page.locator('#retry').click();
      await expect.poll(() => page.locator('#transfer-status .badge').textContent(), { timeout: WAIT_MS, interval: 250 }).toBe('succeeded');

      // The transfer links the hub record it wrote out; that record's lineage lists every step.
      await page.locator('dd a[href^="#/records/"]').click();
      await page.locator('#lineage .step').first().waitFor({ timeout: WAIT_MS });
      const steps = page.locator('#lineage .step');
      expect(await steps.count()).toBeGreaterThanOrEqual(2);
      expect(await steps.first().textContent()).toContain('from shop');
      expect(await page.locator('#lineage').textContent()).toContain('to erp');
      // The record lists its external ids: the shop's and, now, the ERP's. (The dead row opened may
      // be a product the demo's own traffic made meanwhile: any of them went dead the same way.)
      expect(await page.locator('main h1').textContent()).toMatch(/^product \d+$/);
      const linked = page.locator('main table').first();
      await expect.poll(async () => (await linked.textContent()) ?? '', { timeout: WAIT_MS }).toMatch(/shop[\s\S]*erp|erp[\s\S]*shop/);
    }, 90_000);

    it('replays the dead letters a filter matches after confirming how many, and shows the replay', async () => {
      const refusal = demo.systems.erp.failRequests({ method: 'POST', pathIncludes: '/api/items', status: 422 });
      for (const n of [1, 2]) {
        await fetch(`${demo.systems.shop.url}/admin/api/2025-10/products.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': DEMO_KEYS.shop.accessToken },
          body: JSON.stringify({ product: { title: `Bulk Mug ${n}`, status: 'active', variants: [{ sku: `BULK-${n}-${Date.now()}`, price: '8.00' }] } }),
        });
      }
      const page = await openPage();
      await page.goto(`${demo.url}/ui/#/dead?connection=erp`);
      await expect.poll(() => page.locator('#rows tbody tr').count(), { timeout: WAIT_MS, interval: 250 }).toBeGreaterThanOrEqual(2);
      refusal.clear();
      await page.getByRole('button', { name: 'Replay all matching…' }).click();
      const dialog = page.locator('dialog#confirm');
      await dialog.waitFor({ timeout: WAIT_MS });
      const count = Number(/Replay (\d+) dead transfers?\?/.exec((await dialog.locator('h2').textContent()) ?? '')?.[1]);
      expect(count).toBeGreaterThanOrEqual(2);
      await dialog.getByRole('button', { name: 'Replay' }).click();
      await expect.poll(() => page.locator('#replay-status').textContent(), { timeout: WAIT_MS }).toMatch(new RegExp(`^Replay #\\d+: ${count} of ${count} queued again\\.$`));
      expect(await page.locator('#replay-progress').evaluate((bar: HTMLProgressElement) => [bar.value, bar.max, bar.hidden])).toEqual([count, count, false]);
      // Queued again and delivered: the ERP's dead letters are gone from the page.
      await page.locator('#rows .empty').waitFor({ timeout: WAIT_MS });
    }, 90_000);

    it('shows connections with their scopes and circuits, and feeds', async () => {
      const page = await openPage();
      await page.goto(`${demo.url}/ui/#/connections`);
      await page.locator('section[data-connection="erp"] table').waitFor({ timeout: WAIT_MS });
      expect(await page.locator('section[data-connection="shop"]').textContent()).toContain('product/created');
      expect(await page.locator('section[data-connection="erp"] h2').textContent()).toContain('circuit');
      await page.goto(`${demo.url}/ui/#/feeds`);
      await page.locator('main table').waitFor({ timeout: WAIT_MS });
      expect(await page.locator('main table').textContent()).toContain('product_category');
    });
  });

  describe('with an admin token', () => {
    const TOKEN = 'console-test-token';
    let demo: DemoHub;
    beforeAll(async () => {
      demo = await startDemoHub(TOKEN);
    }, 60_000);
    afterAll(async () => {
      await demo?.close();
    }, 60_000);

    it('asks for the token, shows nothing without it, and loads data with it', async () => {
      const page = await openPage();
      // The API refuses the console's calls until it has the token: expected 401s, not page errors.
      await page.goto(`${demo.url}/ui/`);
      const input = page.locator('input[name="token"]');
      await input.waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#rows').count()).toBe(0);
      await input.fill('not-the-token');
      await page.locator('form.login button[type="submit"]').click();
      await page.locator('form.login').getByText('That token was refused.').waitFor({ timeout: WAIT_MS });
      await page.locator('input[name="token"]').fill(TOKEN);
      await page.locator('form.login button[type="submit"]').click();
      await page.locator('#rows tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect(await newestRowId(page)).toBeGreaterThan(0);
      expect(await page.evaluate(() => sessionStorage.getItem('hookyard.adminToken'))).toBe(TOKEN);
    });
  });
});
