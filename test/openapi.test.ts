/**
 * GET /api/openapi.json: a valid OpenAPI 3.1 document that names every route the hub registered,
 * and whose answer schemas hold for what a running hub (the demo shop and ERP, over real HTTP)
 * really answers.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, transfers, type World } from './helpers/world.js';
import { fixtureConfig, startTestHub } from './helpers/hub.js';
import { until } from './helpers/wait.js';

type Doc = { openapi: string; info: { version: string }; paths: Record<string, Record<string, any>>; components: any };

/** Every route in Fastify's own listing (printRoutes' tree, one path part a line), as "METHOD /path"; HEAD left out. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line) ?? /^((?:[│ ] {3})*)[├└]── (.+)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const parent = stack[depth - 1] ?? '';
    const part = match[2]!.trim();
    // The tree prints a wildcard after a parameter as "*", without the "/" between them.
    const path = part === '*' && !parent.endsWith('/') ? `${parent}/*` : `${parent}${part}`;
    stack.push(path);
    for (const method of (match[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${path}`);
  }
  return routes;
}

/** "/api/hooks/:id" → "/api/hooks/{id}", "*" → "{path}", as the document writes paths. */
const documented = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');

function answerSchema(doc: Doc, method: string, template: string, status: number): object {
  const operation = doc.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `${method} ${template} documents its ${status} answer`).toBeDefined();
  return schema;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', { type: 'string', validate: (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text)) });

function expectValid(doc: Doc, method: string, template: string, status: number, body: unknown): void {
  const validate = ajv.compile(answerSchema(doc, method, template, status));
  expect(validate(body) ? [] : validate.errors, `${method} ${template} ${status}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
}

describe('GET /api/openapi.json', () => {
  let world: World;
  let doc: Doc;
  beforeAll(async () => {
    world = await startWorld((config) => {
      config.connections.erp.poll = { product_category: '100ms' };
    });
    doc = await world.api<Doc>('/api/openapi.json');
  });
  afterAll(async () => world?.close());

  it('is a valid OpenAPI 3.1 document of this version of hookyard, the admin routes behind the bearer token', async () => {
    expect(await new Validator().validate(doc as never)).toEqual({ valid: true });
    expect(doc.openapi).toBe('3.1.0');
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(doc.info.version).toBe(version);
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/hooks']!.get.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/healthz']!.get.security).toBeUndefined();
    expect(doc.paths['/hooks/{connection}']!.post.security).toBeUndefined();
  });

  it('names every route the hub registered, with its parameters and error answers', () => {
    const routes = registeredRoutes(world.hub.app.printRoutes({ commonPrefix: false })).filter((route) => !route.split(' ')[1]!.startsWith('/ui'));
    expect(routes).toContain('POST /hooks/:connection/*');
    expect(routes).toContain('GET /api/records/:type/:id/lineage');
    expect(routes.length).toBeGreaterThan(20);
    const listed = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual(routes.map((route) => `${route.split(' ')[0]} ${documented(route.split(' ')[1]!)}`).sort());

    const hooks = doc.paths['/api/hooks']!.get;
    expect(hooks.parameters.map((p: any) => p.name).sort()).toEqual(['before', 'connection', 'externalId', 'limit', 'since', 'status', 'until']);
    expect(hooks.responses['400'].content['application/json'].schema.properties.error.enum).toEqual(['HY_ERR_QUERY_INVALID']);
    expect(hooks.responses['401'].description).toContain('HY_ERR_ADMIN_TOKEN_INVALID');
    const one = doc.paths['/api/transfers/{id}']!.get;
    expect(one.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(one.responses['404'].content['application/json'].schema.properties.error.enum).toEqual(['HY_ERR_TRANSFER_NOT_FOUND']);
    expect(doc.paths['/api/connections/{name}/sync']!.post.requestBody.content['application/json'].schema.required.sort()).toEqual(['ids', 'type']);
    expect(doc.paths['/hooks/{connection}/{path}']!.post.parameters.map((p: any) => p.name)).toEqual(['connection', 'path']);
    expect(Object.keys(doc.paths['/hooks/{connection}']!.post.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '404', '413', '415', '429']));
    expect(doc.paths['/metrics']!.get.responses['200'].content).toHaveProperty(['text/plain; version=0.0.4']);
  });

  it("documents what the hub really answers: lists, a hook's and a transfer's detail, a record and its lineage, feeds, replays, cancels, errors", async () => {
    const w = world;
    const product = w.shop.createProduct({ title: 'Described mug', status: 'active', variants: [{ sku: 'DOC-1', price: '4.00' }] });
    w.erp.upsertCategory({ name: 'Described' });
    await w.settle();
    await until('the first poll', async () => ((await w.api('/api/feeds')).items[0]?.pages ?? 0) >= 1);
    const get = async (path: string) => {
      const response = await fetch(`${w.url}${path}`);
      return { status: response.status, body: (await response.json()) as any };
    };
    const post = async (path: string, body?: unknown) => {
      const response = await fetch(`${w.url}${path}`, { method: 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as any };
    };

    const fromShop = (await transfers(w, 'connection=shop&status=succeeded')).find((t) => t.externalId === String(product.id))!;
    const answers: Array<[string, string, string]> = [
      ['GET', '/api/hooks', '/api/hooks'],
      ['GET', `/api/hooks?externalId=${product.id}&limit=1`, '/api/hooks'],
      ['GET', `/api/hooks/${fromShop.hookId}`, '/api/hooks/{id}'],
      ['GET', '/api/transfers?limit=3', '/api/transfers'],
      ['GET', `/api/transfers/${fromShop.id}`, '/api/transfers/{id}'],
      ['GET', `/api/records/product/${fromShop.hubId}`, '/api/records/{type}/{id}'],
      ['GET', `/api/records/product/${fromShop.hubId}/lineage`, '/api/records/{type}/{id}/lineage'],
      ['GET', '/api/connections', '/api/connections'],
      ['GET', '/api/feeds', '/api/feeds'],
      ['GET', '/healthz', '/healthz'],
      ['GET', '/readyz', '/readyz'],
    ];
    for (const [method, path, template] of answers) {
      const { status, body } = await get(path);
      expect(status, path).toBe(200);
      expectValid(doc, method, template, 200, body);
    }
    // Times are ISO 8601 texts, and the same instants the store keeps.
    const detail = (await get(`/api/transfers/${fromShop.id}`)).body;
    const stored = (await w.hub.store.getTransfer(fromShop.id))!;
    expect([detail.transfer.createdAt, detail.transfer.finishedAt]).toEqual([new Date(stored.createdAt).toISOString(), new Date(stored.finishedAt!).toISOString()]);
    expect(detail.activity[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await get('/api/feeds')).body.items[0].nextRunAt).toMatch(/Z$/);

    const retried = await post(`/api/transfers/${fromShop.id}/retry`);
    expect(retried.status).toBe(200);
    expectValid(doc, 'POST', '/api/transfers/{id}/retry', 200, retried.body);
    const cancelled = await post('/api/transfers/cancel', { connection: 'nowhere' });
    expectValid(doc, 'POST', '/api/transfers/cancel', 200, cancelled.body);
    const replays = await get('/api/replays');
    expect(replays.body.items[0].createdAt).toMatch(/Z$/);
    expectValid(doc, 'GET', '/api/replays', 200, replays.body);
    expectValid(doc, 'GET', '/api/cancels', 200, (await get('/api/cancels')).body);

    const errors: Array<[string, string, number]> = [
      ['/api/transfers/999999', '/api/transfers/{id}', 404],
      ['/api/hooks?since=yesterday', '/api/hooks', 400],
      ['/api/records/product/999999/lineage', '/api/records/{type}/{id}/lineage', 404],
    ];
    for (const [path, template, status] of errors) {
      const answer = await get(path);
      expect(answer.status, path).toBe(status);
      expectValid(doc, 'GET', template, status, answer.body);
    }
    const hook = await fetch(`${w.url}/hooks/nobody`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(hook.status).toBe(404);
    expectValid(doc, 'POST', '/hooks/{connection}', 404, await hook.json());
  });
});

describe('GET /api/openapi.json behind the admin token', () => {
  it('asks for the token like every /api route', async () => {
    const hub = await startTestHub(fixtureConfig(`
connections:
  std:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: super-secret-key }
    scopes: [product/updated]
`), { adminToken: 'admin-token' });
    try {
      expect((await hub.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()).toMatchObject({ error: 'HY_ERR_ADMIN_TOKEN_INVALID' });
      const answer = await hub.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: 'Bearer admin-token' } });
      expect(answer.statusCode).toBe(200);
      expect(answer.json().paths).toHaveProperty(['/api/openapi.json']);
    } finally {
      await hub.dispose();
    }
  });
});
