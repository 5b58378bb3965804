/**
 * The shipped `github` integration, piece by piece: every published example hook of `issues`,
 * `pull_request` and `repository` resolves to its scope with the record's API path as external id
 * and the record as payload (version `updated_at`); its declared requests as GitHub's REST API
 * answers them (the double in github-server.ts): paths kept whole by `{+externalId}`, the pinned
 * API version, `Link` paging, and GitHub's 401, primary (403, none left) and secondary
 * (403/429 with retry-after) limits.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands.js';
import { loadConfig, type HubConfig } from '../../src/config/load.js';
import { BUILTIN_INTEGRATIONS } from '../../src/integrations/registry.js';
import type { Integration } from '../../src/integrations/types.js';
import { interpretHook } from '../../src/resolve/interpret.js';
import { readPayloadRecord } from '../../src/resolve/payload.js';
import { closeAfterEach } from '../helpers/simulator.js';
import { rejection, writeContext } from '../integrations/context.js';
import { GITHUB_EXAMPLES, startGithub, type GithubDouble } from './github-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const github = BUILTIN_INTEGRATIONS.get('github') as Integration;

const closed = closeAfterEach();
const double = async (): Promise<GithubDouble> => closed(await startGithub());

function ctx(server: GithubDouble, token = server.token) {
  const context = writeContext({ token, repository: 'octo-org/hello-world' });
  context.presets = { apiUrl: server.url };
  return context;
}

let config: HubConfig;
beforeAll(async () => {
  config = await loadConfig(resolve(ROOT, 'examples/providers/github.yaml'), { env: {} });
});

function hookOf(event: string, body: unknown) {
  return { connection: 'github', headers: { 'content-type': 'application/json', 'x-github-event': event }, segments: [], contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) };
}

/** The scope each published action should reach. */
function expectedScope(event: string, action: string): string {
  const type = { issues: 'issue', pull_request: 'pull_request', repository: 'repository' }[event]!;
  if (action === (event === 'repository' ? 'created' : 'opened')) return `${type}/created`;
  if (action === 'deleted' || (event === 'issues' && action === 'transferred')) return `${type}/deleted`;
  return `${type}/updated`;
}

describe('the shipped github integration', () => {
  it('its example configuration passes check, which prints the scope table', async () => {
    const stdout: string[] = [];
    const code = await checkCommand(resolve(ROOT, 'examples/providers/github.yaml'), { out: (t) => stdout.push(t), err: () => {} }, {});
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/issue\/created\s+yes\s+issues\.opened/);
  });


  it('is found by id, verifies as GitHub signs, and declares its three types', () => {
    expect(github.verifyScheme).toBe('github');
    expect(github.types).toEqual(['issue', 'pull_request', 'repository']);
  });

  it("resolves every published example of issues, pull_request and repository to its scope, with the record's API path as id", async () => {
    const connection = config.connections.get('github')!;
    let seen = 0;
    for (const event of ['issues', 'pull_request', 'repository']) {
      const record = { issues: 'issue', pull_request: 'pull_request', repository: 'repository' }[event]!;
      for (const body of GITHUB_EXAMPLES.find((d) => d.name === event)!.examples) {
        const hook = hookOf(event, body);
        const result = await interpretHook(connection, hook, Date.now());
        const what = `${event}.${body.action}`;
        const externalId = String(body[record].url).split('/repos/')[1];
        expect(result.notifications, what).toEqual([expect.objectContaining({ hookName: what, externalId })]);
        const scope = expectedScope(event, body.action);
        expect(result.notifications[0]!.scope?.name, what).toBe(scope);
        if (!scope.endsWith('/deleted')) {
          expect(result.transfers, what).toEqual([expect.objectContaining({ scope, externalId, status: 'queued', payload: true })]);
          expect(await readPayloadRecord(connection.receiver, hook, 0), what).toEqual({ record: body[record], version: body[record].updated_at });
        } else {
          // Deletes are off unless listed, and never read a payload.
          expect(result.transfers, what).toEqual([expect.objectContaining({ scope, requestType: 'delete', status: 'skipped' })]);
          expect(result.transfers[0]!.payload, what).toBeUndefined();
        }
        seen += 1;
      }
    }
    expect(seen).toBeGreaterThan(60);
  });

  it('keeps a ping and events of other kinds unmatched', async () => {
    const connection = config.connections.get('github')!;
    const pingBody = GITHUB_EXAMPLES.find((d) => d.name === 'ping')!.examples[0]!;
    const pinged = await interpretHook(connection, hookOf('ping', pingBody), Date.now());
    expect(pinged.status).toBe('unmatched');
    const pushBody = GITHUB_EXAMPLES.find((d) => d.name === 'push')!.examples[0]!;
    expect((await interpretHook(connection, hookOf('push', pushBody), Date.now())).status).toBe('unmatched');
  });
});

describe("github's api, as declared", () => {
  it('reads an issue, a pull request and a repository at their own paths, with the pinned version', async () => {
    const server = await double();
    const issue = server.addIssue({ title: 'Found a bug' });
    const pr = server.addPull();
    expect(await github.get!('issue', `octo-org/hello-world/issues/${issue.number}`, ctx(server))).toEqual(issue);
    expect(await github.get!('pull_request', `octo-org/hello-world/pulls/${pr.number}`, ctx(server))).toEqual(pr);
    expect(await github.get!('repository', 'octo-org/hello-world', ctx(server))).toMatchObject({ full_name: 'octo-org/hello-world' });
    expect(await github.get!('issue', 'octo-org/hello-world/issues/999', ctx(server))).toBeNull();
    expect(server.received.map((r) => `${r.url} ${r.status}`)).toEqual([
      `/repos/octo-org/hello-world/issues/${issue.number} 200`,
      `/repos/octo-org/hello-world/pulls/${pr.number} 200`,
      '/repos/octo-org/hello-world 200',
      '/repos/octo-org/hello-world/issues/999 404',
    ]);
    expect(server.received[0]!.headers).toMatchObject({ authorization: `Bearer ${server.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'hookyard' });
  });

  it('refuses an id that would walk out of the repository, sending nothing', async () => {
    const server = await double();
    for (const id of ['octo-org/hello-world/issues/../../other', 'octo-org//issues/1']) {
      const error = await rejection(github.get!('issue', id, ctx(server)));
      expect(error.code).toBe('HY_ERR_EXTERNAL_ID_INVALID');
    }
    expect(server.received).toEqual([]);
  });

  it("follows the Link header's next page, on the repository-by-id URLs GitHub gives", async () => {
    const server = await double();
    for (let i = 0; i < 150; i += 1) server.addIssue();
    const first = await github.list!('issue', null, ctx(server));
    expect(first.ids).toHaveLength(100);
    expect(first.ids[0]).toBe('octo-org/hello-world/issues/150');
    expect(first.cursor).toBe(`${server.url}/repositories/${server.repository.id}/issues?state=all&per_page=100&page=2`);
    const second = await github.list!('issue', first.cursor, ctx(server));
    expect([second.ids.length, second.cursor]).toEqual([50, null]);
  });

  it('opens an issue in the repository and updates it by PATCH', async () => {
    const server = await double();
    const created = await github.create!('issue', { title: 'From the hub', body: 'Text' }, ctx(server));
    expect(created.externalId).toMatch(/^octo-org\/hello-world\/issues\/\d+$/);
    await github.update!('issue', created.externalId, { state: 'closed' }, ctx(server));
    expect(server.received.map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([
      'POST /repos/octo-org/hello-world/issues 201',
      `PATCH /repos/${created.externalId} 200`,
    ]);
    expect(server.issues.get(Number(created.externalId.split('/').pop()))).toMatchObject({ title: 'From the hub', state: 'closed' });
  });

  it('a revoked token is "Bad credentials": HY_ERR_CREDENTIALS_REJECTED, permanent', async () => {
    const server = await double();
    server.revokeToken();
    const error = await rejection(github.get!('repository', 'octo-org/hello-world', ctx(server)));
    expect([error.code, error.retryable]).toEqual(['HY_ERR_CREDENTIALS_REJECTED', false]);
    expect(error.message).toContain('Bad credentials');
  });

  it('the primary limit (403, none left) waits until x-ratelimit-reset; a secondary limit waits its retry-after', async () => {
    const server = await double();
    server.failNext(1, { kind: 'primary', resetIn: 120 });
    const primary = await rejection(github.get!('repository', 'octo-org/hello-world', ctx(server)));
    expect([server.received[0]!.status, primary.code, primary.retryable]).toEqual([403, 'HY_ERR_RATE_LIMITED', true]);
    expect(primary.retryAfterMs).toBeGreaterThan(110_000);
    expect(primary.retryAfterMs).toBeLessThanOrEqual(121_000);
    for (const status of [403, 429] as const) {
      server.failNext(1, { kind: 'secondary', retryAfter: 60, status });
      const secondary = await rejection(github.get!('repository', 'octo-org/hello-world', ctx(server)));
      expect([status, secondary.code, secondary.retryAfterMs]).toEqual([status, 'HY_ERR_RATE_LIMITED', 60_000]);
    }
  });
});
