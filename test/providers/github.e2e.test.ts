/**
 * GitHub through a real hub on a real port, with the shipped `github` integration: GitHub's
 * published example hooks, signed as GitHub signs them, become hub issues and desk tickets with
 * no call to GitHub; an older hook delivered late is stale; a renamed repository stays one hub
 * record; initializing issues walks GitHub's Link pages (and leaves pull requests to their own
 * type); a 403 with none left waits until x-ratelimit-reset; a revoked token is dead at once; a
 * wrong signature is refused. The configuration is examples/providers/github.yaml with the
 * double's address and a desk added.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../helpers/simulator.js';
import { until } from '../helpers/wait.js';
import { example, startGithub, type GithubDouble } from './github-server.js';
import { exampleConfig, startDestination, startHub, type Destination, type HubUnderTest } from './harness.js';

const SECRET = 'github-webhook-secret';

let github: GithubDouble;
let desk: Destination;
let hub: HubUnderTest;
const closed = closeAfterEach();

async function start(): Promise<void> {
  github = closed(await startGithub());
  desk = closed(await startDestination({ id: 'desk', type: 'issue', basePath: '/api', path: '/tickets', wrapper: 'ticket', idPrefix: 'T-', update: 'PATCH', token: 'desk-token' }));

  const data = exampleConfig('github');
  Object.assign(data.connections.github, { presets: { apiUrl: github.url }, retry: { maxAttempts: 5, delays: ['200ms'] } });
  data.connections.desk = desk.connection({ subject: 'title', status: 'state', link: 'url' });
  const env = { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: 'octo-org/hello-world' };
  hub = closed(await startHub({ destinations: [desk], config: { data }, env }));
}

const api = (path: string) => hub.api(path);
const post = (path: string, body: unknown) => hub.post(path, body);
const transfers = (filter?: string) => hub.transfers(filter);
const settled = (list: any[]) => list.every((t) => !['queued', 'running', 'retrying'].includes(t.status));
const deliver = (event: string, body: Record<string, unknown>, options?: { wrongSignature?: boolean }) => github.deliver(`${hub.url}/hooks/github`, event, body, SECRET, options);

describe('github, end to end', () => {
  it("a signed issues.opened hook becomes a hub issue and a desk ticket, with no call to GitHub's API", async () => {
    await start();
    const opened = example('issues', 'opened');
    expect((await deliver('issues', opened)).status).toBe(202);
    await hub.untilTransfer('succeeded', 'connection=desk');

    expect([...desk.records.values()]).toEqual([{ id: 'T-1', subject: opened.issue.title, status: 'open', link: opened.issue.html_url }]);
    const [fromGithub] = await transfers('connection=github');
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
    await hub.untilTransfer('succeeded', 'connection=desk');
    expect((await deliver('issues', opened)).status).toBe(202);
    await until('the late hook is done', async () => (await transfers('connection=github')).length === 2 && settled(await transfers()));

    expect((await transfers('connection=github')).find((t) => t.scope === 'issue/created')).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect([...desk.records.values()]).toEqual([expect.objectContaining({ subject: 'Spelling error in the README' })]);
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
    await hub.untilTransfer('succeeded', 'connection=github');
    expect((await deliver('repository', renamed)).status).toBe(202);
    await hub.untilTransfers(2, 'succeeded', 'connection=github');

    const done = await transfers('connection=github');
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
      const list = await transfers('connection=github');
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
    const outcome = await transfers('connection=github');
    expect(outcome.filter((t) => t.status === 'succeeded')).toHaveLength(248);
    // Pull requests come in the issues list; the mapping's filter leaves them to pull_request.
    expect(outcome.filter((t) => t.status === 'skipped').map((t) => t.externalId).sort()).toEqual(['octo-org/hello-world/issues/249', 'octo-org/hello-world/issues/250']);
  });

  it('a 403 with none left is retried no sooner than x-ratelimit-reset, then succeeds', async () => {
    await start();
    const issue = github.addIssue({ title: 'Rate limited' });
    github.failNext(1, { kind: 'primary', resetIn: 2 });
    await post('/api/connections/github/sync', { type: 'issue', ids: [`octo-org/hello-world/issues/${issue.number}`] });
    const retrying = await hub.untilTransfer('retrying', 'connection=github');

    const refused = github.received.find((r) => r.status === 403)!;
    expect(refused.answered['x-ratelimit-remaining']).toBe('0');
    expect(retrying).toMatchObject({ attempts: 1, lastErrorCode: 'HY_ERR_RATE_LIMITED' });
    expect(Date.parse(retrying.runAt)).toBeGreaterThanOrEqual(Number(refused.answered['x-ratelimit-reset']) * 1000);

    await hub.untilTransfer('succeeded', 'connection=github');
    expect(github.received.map((r) => `${r.url} ${r.status}`)).toEqual([`/repos/octo-org/hello-world/issues/${issue.number} 403`, `/repos/octo-org/hello-world/issues/${issue.number} 200`]);
    await until('the ticket is created', async () => desk.records.size === 1);
    expect([...desk.records.values()]).toEqual([expect.objectContaining({ subject: 'Rate limited' })]);
  });

  it('a revoked token ("Bad credentials") ends the transfer dead after one attempt', async () => {
    await start();
    const issue = github.addIssue();
    github.revokeToken();
    await post('/api/connections/github/sync', { type: 'issue', ids: [`octo-org/hello-world/issues/${issue.number}`] });
    const dead = await hub.untilTransfer('dead', 'connection=github');
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
