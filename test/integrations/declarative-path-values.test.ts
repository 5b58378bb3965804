/**
 * `{+name}` in a request path: a value that is itself a path (GitHub's `octo-org/hello/issues/7`,
 * Stripe's `invoices/in_1`) keeps its `/`, each segment encoded on its own; `.`, `..` and empty
 * segments are refused before anything is sent, as for a plain value. Elsewhere it is a value.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, templateVariables, unknownVariable } from '../../src/integrations/declarative/template.js';
import { rejection, writeContext } from './context.js';
import { integrationFromYaml, loadYaml, startApi } from './declarative-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const FILE = `
id: paths
scopes: [{ scope: issue/updated, description: "Tracker issue → issue" }]
types: { issue: {} }
api:
  baseUrl: "{settings.baseUrl}"
  types:
    issue:
      get: { path: "/repos/{+externalId}", query: { "as": "{+externalId}" } }
      list: { path: "/repos/{+settings.repository}/issues", records: "$" }
`;

describe('{+name} templates', () => {
  it('parse to the same names as {name}, marked as paths', () => {
    const template = parseTemplate('/repos/{+externalId}/x/{settings.a}');
    expect(templateVariables(template)).toEqual(['externalId', 'settings.a']);
    expect(unknownVariable(template, ['externalId'])).toBeNull();
    expect(unknownVariable(parseTemplate('/{+cursor}'), ['externalId'])).toMatch(/\{cursor\} is not a value/);
    const values: Record<string, string> = { externalId: 'a/b c', 'settings.a': 'x/y' };
    expect(renderTemplate(template, (n) => values[n] ?? null, encodeURIComponent, (v) => v.split('/').map(encodeURIComponent).join('/'))).toBe('/repos/a/b%20c/x/x%2Fy');
    // Without a path encoder, a {+name} is encoded like any value.
    expect(renderTemplate(template, (n) => values[n] ?? null, encodeURIComponent)).toBe('/repos/a%2Fb%20c/x/x%2Fy');
  });

  it('keeps the slashes of a value in a path, encodes each segment, and is a plain value in a query', async () => {
    const server = await startApi(() => ({ json: { id: 1 } }));
    closers.push(server.close);
    const integration = integrationFromYaml(FILE);
    const ctx = writeContext({ baseUrl: server.url, repository: 'octo-org/hello world' });
    await integration.get!('issue', 'octo-org/hello/issues/7', ctx);
    await integration.get!('issue', 'o/r?x=1#f/issues/8', ctx);
    await integration.list!('issue', null, ctx);
    expect(server.received.map((r) => r.url)).toEqual([
      '/repos/octo-org/hello/issues/7?as=octo-org%2Fhello%2Fissues%2F7',
      '/repos/o/r%3Fx%3D1%23f/issues/8?as=o%2Fr%3Fx%3D1%23f%2Fissues%2F8',
      '/repos/octo-org/hello%20world/issues',
    ]);
  });

  it('refuses ".", ".." and empty segments, sending nothing', async () => {
    const server = await startApi(() => ({ json: { id: 1 } }));
    closers.push(server.close);
    const integration = integrationFromYaml(FILE);
    for (const id of ['..', 'o/../admin', 'o/./r', 'o//r', '/o/r', 'o/r/', '']) {
      const error = await rejection(integration.get!('issue', id, writeContext({ baseUrl: server.url })));
      expect([id, error.code, error.retryable]).toEqual([id, 'HY_ERR_EXTERNAL_ID_INVALID', false]);
    }
    expect(server.received).toEqual([]);
  });

  it('checks names in {+name} at load like any other', () => {
    const result = loadYaml(FILE.replace('{+externalId}", query', '{+externalld}", query'));
    expect(result.integration).toBeNull();
    expect(JSON.stringify(result.problems)).toContain('{externalld} is not a value this template can use');
  });
});
