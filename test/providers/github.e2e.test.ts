/**
 * GitHub through a real hub on a real port, with the shipped `github` integration: GitHub's
 * published example hooks, signed as GitHub signs them, become hub issues and desk tickets with
 * no call to GitHub; an older hook delivered late is stale; a renamed repository stays one hub
 * record; initializing issues walks GitHub's Link pages (and leaves pull requests to their own
 * type); a 403 with none left waits until x-ratelimit-reset; a revoked token is dead at once; a
 * wrong signature is refused. The configuration is examples/providers/github.yaml with the
 * double's address and a desk added.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/hub.js';
import { startListeningHub, type ListeningHub } from '../helpers/listening.js';
import { until } from '../helpers/wait.js';
import { header, startApi, type ApiServer } from '../integrations/declarative-server.js';
import { example, startGithub, type GithubDouble } from './github-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'github-webhook-secret';

const DESK_FILE = `
id: desk
types: { issue: {} }
scopes: [{ scope: issue/updated, hooks: [ticket.updated], description: "Desk ticket → issue" }]
api:
  baseUrl: "{settings.baseUrl}/api"
  auth: { kind: bearer, token: "{settings.token}" }
  types:
    issue:
      create: { path: /tickets, body: "{ 'ticket': $ }", id: ticket.id }
      update: { method: PATCH, path: "/tickets/{externalId}", body: "{ 'ticket': $ }" }
`;

let github: GithubDouble;
let desk: ApiServer;
let tickets: Map<string, Record<string, unknown>>;
let hub: ListeningHub;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<void> {
  github = await startGithub();
  cleanups.push(() => github.close());
  tickets = new Map();
  desk = await startApi((r) => {
    if (header(r, 'authorization') !== 'Bearer desk-token') return { status: 401, json: { error: 'unauthorized' } };
    if (r.method === 'POST' && r.path === '/api/tickets') {
      const ticket = { ...r.json().ticket, id: `T-${tickets.size + 1}` };
      tickets.set(ticket.id, ticket);
      return { status: 201, json: { ticket } };
    }
    const match = /^\/api\/tickets\/([^/]+)$/.exec(r.path);
    if (r.method === 'PATCH' && match && tickets.has(match[1]!)) {
      const ticket = { ...tickets.get(match[1]!), ...r.json().ticket };
      tickets.set(match[1]!, ticket);
      return { json: { ticket } };
    }
    return undefined;
  });
  cleanups.push(() => desk.close());

  const dir = tempDir('hookyard-github-e2e-');
  cleanups.push(() => dir.remove());
  writeFileSync(join(dir.path, 'desk.yaml'), DESK_FILE);
  const data = parseYaml(readFileSync(resolve(ROOT, 'examples/providers/github.yaml'), 'utf8'));
  Object.assign(data.connections.github, { presets: { apiUrl: github.url }, retry: { maxAttempts: 5, delays: ['200ms'] } });
  data.connections.desk = {
    integration: './desk.yaml',
    webhook: { apiKey: 'desk-hook-key' },
    settings: { baseUrl: desk.url, token: 'desk-token' },
    scopes: [],
    mappings: { issue: { from_hub: { sync: 'add_and_update', fields: { subject: 'title', status: 'state', link: 'url' } } } },
  };
  const env = { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: 'octo-org/hello-world' };
  hub = await startListeningHub(buildConfig(data, { file: join(dir.path, 'hookyard.yaml'), env }));
  cleanups.push(() => hub.dispose());
}

async function api<T = any>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${hub.url}${path}`, init);
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as T;
}
const post = (path: string, body: unknown) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const transfers = async (query = ''): Promise<any[]> => (await api(`/api/transfers?limit=500${query}`)).items;
const settled = (list: any[]) => list.every((t) => !['queued', 'running', 'retrying'].includes(t.status));
const deliver = (event: string, body: Record<string, unknown>, options?: { wrongSignature?: boolean }) => github.deliver(`${hub.url}/hooks/github`, event, body, SECRET, options);

describe('github, end to end', () => {
  it("a signed issues.opened hook becomes a hub issue and a desk ticket, with no call to GitHub's API", async () => {
    await start();
    const opened = example('issues', 'opened');
    expect((await deliver('issues', opened)).status).toBe(202);
    await until('the ticket is created', async () => (await transfers('&connection=desk')).some((t) => t.status === 'succeeded'));

    expect([...tickets.values()]).toEqual([{ id: 'T-1', subject: opened.issue.title, status: 'open', link: opened.issue.html_url }]);
    const [fromGithub] = await transfers('&connection=github');
    expect(fromGithub).toMatchObject({ type: 'issue', scope: 'issue/created', externalId: 'Codertocat/Hello-World/issues/1', status: 'succeeded' });
    const { record } = await api(`/api/records/issue/${fromGithub.hubId}`);
    expect(record.data).toMatchObject({ github_id: opened.issue.id, number: 1, title: opened.issue.title, state: 'open', author: 'Codertocat', labels: opened.issue.labels.map((l: any) => l.name) });
    expect(github.received).toEqual([]);
  });

  it('an opened hook delivered after the edit is skipped as stale', async () => {
    await start();
    const opened = example('issues', 'opened');
    const edited = { ...opened, action: 'edited', issue: { ...opened.issue, title: 'Spelling error in the README', updated_at: '2019-05-15T15:25:00Z' }, changes: { title: { from: opened.issue.title } } };
    expect((await deliver('issues', edited)).status).toBe(202);
    await until('the ticket is created', async () => (await transfers('&connection=desk')).some((t) => t.status === 'succeeded'));
    expect((await deliver('issues', opened)).status).toBe(202);
    await until('the late hook is done', async () => (await transfers('&connection=github')).length === 2 && settled(await transfers()));

    expect((await transfers('&connection=github')).find((t) => t.scope === 'issue/created')).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect([...tickets.values()]).toEqual([expect.objectContaining({ subject: 'Spelling error in the README' })]);
    expect(desk.received.map((r) => r.method)).toEqual(['POST']);
  });

  it('a renamed repository (a new path, so a new external id) stays one hub repository', async () => {
    await start();
    const created = example('repository', 'created');
    const repo = created.repository;
    const renamed = {
      ...example('repository', 'renamed'),
      changes: { repository: { name: { from: repo.name } } },
      repository: { ...repo, name: 'Hello-Universe', full_name: 'Octocoders/Hello-Universe', url: 'https://api.github.com/repos/Octocoders/Hello-Universe', html_url: 'https://github.com/Octocoders/Hello-Universe', updated_at: '2019-05-15T16:00:00Z' },
    };
    expect((await deliver('repository', created)).status).toBe(202);
    await until('the repository is in the hub', async () => (await transfers('&connection=github')).some((t) => t.status === 'succeeded'));
    expect((await deliver('repository', renamed)).status).toBe(202);
    await until('the rename is in the hub', async () => (await transfers('&connection=github&status=succeeded')).length === 2);

    const done = await transfers('&connection=github');
    expect(done.map((t) => t.externalId).sort()).toEqual(['Octocoders/Hello-Universe', 'Octocoders/Hello-World']);
    expect(new Set(done.map((t) => t.hubId)).size).toBe(1);
    const { record, externalIds } = await api(`/api/records/repository/${done[0].hubId}`);
    expect(record.data).toMatchObject({ github_id: repo.id, name: 'Octocoders/Hello-Universe' });
    expect(externalIds.filter((x: any) => !x.deletedAt).map((x: any) => x.externalId)).toEqual(['Octocoders/Hello-Universe']);
  });

  it("initializing issues follows GitHub's Link pages and leaves pull requests out", async () => {
    await start();
    for (let i = 0; i < 248; i += 1) github.addIssue();
    github.addPull();
    github.addPull();
    await post('/api/connections/github/initialize', { type: 'issue' });
    await until('every issue is in the hub', async () => {
      const list = await transfers('&connection=github');
      return list.length === 250 && settled(list);
    });

    const lists = github.received.filter((r) => !/\/issues\/\d+$/.test(r.url.split('?')[0]!));
    const id = github.repository.id;
    expect(lists.map((r) => r.url)).toEqual([
      '/repos/octo-org/hello-world/issues?state=all&per_page=100',
      `/repositories/${id}/issues?state=all&per_page=100&page=2`,
      `/repositories/${id}/issues?state=all&per_page=100&page=3`,
    ]);
    for (const list of lists) expect(list.headers).toMatchObject({ authorization: `Bearer ${github.token}`, 'x-github-api-version': '2022-11-28' });
    const outcome = await transfers('&connection=github');
    expect(outcome.filter((t) => t.status === 'succeeded')).toHaveLength(248);
    // Pull requests come in the issues list; the mapping's filter leaves them to pull_request.
    expect(outcome.filter((t) => t.status === 'skipped').map((t) => t.externalId).sort()).toEqual(['octo-org/hello-world/issues/249', 'octo-org/hello-world/issues/250']);
  });

  it('a 403 with none left is retried no sooner than x-ratelimit-reset, then succeeds', async () => {
    await start();
    const issue = github.addIssue({ title: 'Rate limited' });
    github.failNext(1, { kind: 'primary', resetIn: 2 });
    await post('/api/connections/github/sync', { type: 'issue', ids: [`octo-org/hello-world/issues/${issue.number}`] });
    await until('the transfer is retrying', async () => (await transfers('&connection=github')).some((t) => t.status === 'retrying'));

    const [retrying] = await transfers('&connection=github');
    const refused = github.received.find((r) => r.status === 403)!;
    expect(refused.answered['x-ratelimit-remaining']).toBe('0');
    expect(retrying).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(retrying.runAt).toBeGreaterThanOrEqual(Number(refused.answered['x-ratelimit-reset']) * 1000);

    await until('the transfer succeeds', async () => (await transfers('&connection=github')).some((t) => t.status === 'succeeded'));
    expect(github.received.map((r) => `${r.url} ${r.status}`)).toEqual([`/repos/octo-org/hello-world/issues/${issue.number} 403`, `/repos/octo-org/hello-world/issues/${issue.number} 200`]);
    await until('the ticket is created', async () => tickets.size === 1);
    expect([...tickets.values()]).toEqual([expect.objectContaining({ subject: 'Rate limited' })]);
  });

  it('a revoked token ("Bad credentials") ends the transfer dead after one attempt', async () => {
    await start();
    const issue = github.addIssue();
    github.revokeToken();
    await post('/api/connections/github/sync', { type: 'issue', ids: [`octo-org/hello-world/issues/${issue.number}`] });
    await until('the transfer is dead', async () => (await transfers('&connection=github')).some((t) => t.status === 'dead'));
    const [dead] = await transfers('&connection=github');
    expect(dead).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_CREDENTIALS_REJECTED' });
    expect(dead.lastError).toContain('Bad credentials');
    expect(github.received).toHaveLength(1);
  });

  it('refuses a hook with a wrong signature, storing nothing', async () => {
    await start();
    const response = await deliver('issues', example('issues', 'opened'), { wrongSignature: true });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe('HY_ERR_SIGNATURE_INVALID');
    expect((await api('/api/hooks?connection=github')).items).toEqual([]);
    expect(await transfers()).toEqual([]);
  });
});
