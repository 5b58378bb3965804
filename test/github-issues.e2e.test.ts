/**
 * GitHub issues to a help desk, over real HTTP, with files only: GitHub's published `issues` hook
 * bodies (test/fixtures/github), signed as GitHub signs them (@octokit/webhooks-methods), reach a
 * hub listening on a real port; the configuration is examples/github/hookyard.yaml as
 * docs/integrations.md shows it. The issue travels as a payload record into a hub `issue` (a
 * type the integration file declares) and on to a desk — a JSON API on 127.0.0.1 — through the
 * desk file's declared `create` and `update`. No GitHub API exists here: the configuration names
 * none, and each transfer's activity shows the record taken from the hook, never fetched. The
 * walkthrough's files, its `check` and its `try` are checked here too, so the doc cannot drift.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand, tryCommand, type Output } from '../src/cli/commands.js';
import { until } from './helpers/wait.js';
import { startDestination, startHub, type Destination, type HubUnderTest } from './providers/harness.js';

const ROOT = resolve(import.meta.dirname, '..');
const SECRET = 'github-webhook-secret';
const OPENED = readFileSync(resolve(ROOT, 'test/fixtures/github/issues.opened.payload.json'), 'utf8');
const EDITED_EXAMPLE = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/github/issues.edited.payload.json'), 'utf8'));
const ISSUE_ID = '444500041';

/**
 * The published `edited` example carries the opened issue unchanged (same title, same
 * `updated_at`); GitHub sends, for a real title edit, the new title, a later `updated_at`, and
 * the old title under `changes`.
 */
const EDITED = JSON.stringify({
  ...EDITED_EXAMPLE,
  issue: { ...EDITED_EXAMPLE.issue, title: 'Spelling error in the README file: "committ"', updated_at: '2019-05-15T15:25:00Z' },
  changes: { title: { from: EDITED_EXAMPLE.issue.title } },
});

let desk: Destination;
let hub: HubUnderTest;

/** POST /hooks/github as GitHub delivers an `issues` event. */
async function deliver(body: string, delivery: string): Promise<Response> {
  return fetch(`${hub.url}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/044aadd',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-github-hook-id': '292430182',
      'x-hub-signature-256': await sign(SECRET, body),
    },
    body,
  });
}

const api = (path: string) => hub.api(path);
const transfers = () => hub.transfers();

const toDesk = async (status: string) => (await transfers()).filter((t) => t.connection === 'desk' && t.direction === 'from_hub' && t.status === status);

describe('GitHub issues to a help desk, declared in files', () => {
  beforeEach(async () => {
    // The desk answers like a JSON API: 201 with the created ticket, 200 with the patched one; its
    // file here is examples/github/desk.yaml, as the walkthrough shows it.
    desk = await startDestination({ id: 'desk', type: 'issue', basePath: '/api', path: '/tickets', wrapper: 'ticket', idPrefix: 'T-', update: 'PATCH', token: 'desk-token' });
    hub = await startHub({
      config: { file: resolve(ROOT, 'examples/github/hookyard.yaml') },
      env: { GITHUB_WEBHOOK_SECRET: SECRET, DESK_HOOK_KEY: 'desk-hook-key', DESK_URL: desk.url, DESK_TOKEN: 'desk-token' },
    });
  });

  afterEach(async () => {
    await hub.dispose();
    await desk.close();
  });

  it('an opened issue becomes a hub issue and a desk ticket, taken from the hook with no read from GitHub', async () => {
    const response = await deliver(OPENED, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(response.status).toBe(202);
    await until('the ticket is created in the desk', async () => (await toDesk('succeeded')).length === 1);

    expect([...desk.records.values()]).toEqual([
      {
        id: 'T-1',
        subject: 'Spelling error in the README file',
        status: 'open',
        link: 'https://github.com/Codertocat/Hello-World/issues/1',
        description: "It looks like you accidently spelled 'commit' with two 't's.",
      },
    ]);
    expect(desk.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/tickets']);

    const all = await transfers();
    const fromGithub = all.find((t) => t.connection === 'github')!;
    expect(fromGithub).toMatchObject({ type: 'issue', scope: 'issue/created', externalId: ISSUE_ID, status: 'succeeded' });
    const record = await api(`/api/records/issue/${fromGithub.hubId}`);
    expect(record.record.data).toEqual({
      title: 'Spelling error in the README file',
      state: 'open',
      url: 'https://github.com/Codertocat/Hello-World/issues/1',
      body: "It looks like you accidently spelled 'commit' with two 't's.",
    });
    // The record came out of the stored hook: a payload step, and no fetch from any system.
    const steps: string[] = (await api(`/api/transfers/${fromGithub.id}`)).activity.map((a: any) => a.step);
    expect(steps).toContain('payload');
    expect(steps).not.toContain('fetch');
  });

  it('answers the same body delivered again under a new delivery id as a duplicate', async () => {
    const first = await deliver(OPENED, 'delivery-1');
    expect(first.status).toBe(202);
    const again = await deliver(OPENED, 'delivery-2');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ hook: (await first.json()).hook, duplicate: true });
    await until('the ticket is created in the desk', async () => (await toDesk('succeeded')).length === 1);
    expect((await api('/api/hooks?connection=github')).items).toHaveLength(1);
    expect(desk.records.size).toBe(1);
  });

  it('an edited issue updates the same desk ticket', async () => {
    expect((await deliver(OPENED, 'delivery-opened')).status).toBe(202);
    await until('the ticket is created in the desk', async () => (await toDesk('succeeded')).length === 1);
    expect((await deliver(EDITED, 'delivery-edited')).status).toBe(202);
    await until('the ticket is updated in the desk', async () => (await toDesk('succeeded')).length === 2);

    expect(desk.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/tickets', 'PATCH /api/tickets/T-1']);
    expect([...desk.records.values()]).toEqual([expect.objectContaining({ id: 'T-1', subject: 'Spelling error in the README file: "committ"' })]);
    const fromGithub = (await transfers()).filter((t) => t.connection === 'github');
    expect(fromGithub.map((t) => t.scope).sort()).toEqual(['issue/created', 'issue/updated']);
    expect(new Set(fromGithub.map((t) => t.hubId)).size).toBe(1);
  });

  it('an opened hook arriving after the edit is skipped as stale and leaves the ticket as edited', async () => {
    expect((await deliver(EDITED, 'delivery-edited')).status).toBe(202);
    await until('the ticket is created in the desk', async () => (await toDesk('succeeded')).length === 1);
    expect((await deliver(OPENED, 'delivery-opened-late')).status).toBe(202);
    await until('the late hook is done', async () => {
      const all = await transfers(); // one look: the late request must be there and done in the same answer
      return all.length === 3 && all.filter((t) => t.connection === 'github').every((t) => ['succeeded', 'skipped'].includes(t.status));
    });

    const late = (await transfers()).find((t) => t.connection === 'github' && t.scope === 'issue/created')!;
    expect(late).toMatchObject({ status: 'skipped', reasonCode: 'stale' });
    expect(desk.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/tickets']);
    expect([...desk.records.values()]).toEqual([expect.objectContaining({ subject: 'Spelling error in the README file: "committ"' })]);
  });
});

describe('the walkthrough in docs/integrations.md', () => {
  const doc = readFileSync(resolve(ROOT, 'docs/integrations.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## From a JSON API with webhooks to data flowing'), doc.indexOf('## Declarative (YAML, no code)'));
  const env = { GITHUB_WEBHOOK_SECRET: SECRET, DESK_HOOK_KEY: 'k', DESK_URL: 'http://127.0.0.1:9', DESK_TOKEN: 't' };
  const capture = (): Output & { stdout: string[]; stderr: string[] } => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  };

  it('shows each example file exactly as the test above runs it', () => {
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const shown = blocks.map((block) => /^# examples\/github\/([\w.-]+)/.exec(block)?.[1]);
    expect(shown).toEqual(['github-issues.yaml', 'desk.yaml', 'hookyard.yaml']);
    blocks.forEach((block, i) => expect(block, shown[i]).toBe(readFileSync(resolve(ROOT, 'examples/github', shown[i]!), 'utf8')));
  });

  it('check passes and prints the scope tables; try queues the opened issue with its payload', async () => {
    const config = resolve(ROOT, 'examples/github/hookyard.yaml');
    const checked = capture();
    expect(await checkCommand(config, checked, env)).toBe(0);
    expect(checked.stdout.join('\n')).toMatch(/issue\/created\s+yes\s+issues\.opened/);
    const tried = capture();
    const code = await tryCommand(
      { config, connection: 'github', headers: ['X-GitHub-Event: issues'], bodyFile: resolve(ROOT, 'test/fixtures/github/issues.opened.payload.json') },
      tried,
      env,
    );
    expect(code).toBe(0);
    const result = JSON.parse(tried.stdout.join('\n'));
    expect(result.notifications).toEqual([expect.objectContaining({ hookName: 'issues.opened', scope: 'issue/created', externalId: ISSUE_ID, fate: expect.objectContaining({ status: 'queued' }) })]);
    expect(result.transfers).toEqual([expect.objectContaining({ type: 'issue', direction: 'to_hub', payload: true })]);
  });
});
