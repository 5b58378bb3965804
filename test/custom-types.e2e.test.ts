/**
 * A custom data type end to end: a tracker (its integration file declares `issue` and
 * `issue_comment` with parent `issue`) sends hooks; the hub reads the issue from the tracker over
 * HTTP, keeps a hub record of type `issue` and writes it to a desk, a second system over HTTP.
 * A comment's hook becomes a request for its issue. The API shows the records and filters the
 * transfers by the custom scopes, as for `product`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HubConfig } from '../src/config/load.js';
import type { Integration } from '../src/integrations/types.js';
import { fixtureConfig, startTestHub, type TestHub } from './helpers/hub.js';
import { deskCode, startDesk, startTracker, trackerCode, type IssueSystem } from './fixtures/integrations/issue-systems.js';

let hub: TestHub | null = null;
let systems: IssueSystem[] = [];
afterEach(async () => {
  await hub?.dispose();
  await Promise.all(systems.map((s) => s.close()));
  hub = null;
  systems = [];
});

/** The configuration with the operations a file cannot say added to a connection's integration. */
function withCode(config: HubConfig, code: Record<string, Partial<Integration>>): HubConfig {
  const connections = new Map(config.connections);
  for (const [name, operations] of Object.entries(code)) {
    const connection = connections.get(name)!;
    connections.set(name, { ...connection, integration: { ...connection.integration, ...operations } });
  }
  return { ...config, connections };
}

async function startIssueHub(
  { file, scopes, types }: { file: string; scopes: string; types: string } = {
    file: './integrations/tracker.yaml',
    scopes: '[issue/created, issue/updated, issue_comment/created]',
    types: '',
  },
) {
  const tracker = await startTracker();
  const desk = await startDesk();
  systems.push(tracker, desk);
  const config = fixtureConfig(`
${types}
connections:
  tracker:
    integration: ${file}
    webhook: { apiKey: tracker-key }
    settings: { baseUrl: "${tracker.url}" }
    scopes: ${scopes}
    mappings:
      issue: { to_hub: { sync: add_and_update, fields: { title: title, state: state } } }
  desk:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: desk-key }
    settings: { baseUrl: "${desk.url}" }
    mappings:
      issue: { from_hub: { sync: add_and_update, fields: { subject: title, status: state } } }
`);
  const withOperations = withCode(config, { tracker: trackerCode, desk: deskCode });
  hub = await startTestHub(withOperations);
  return { hub, tracker, desk, config: withOperations };
}

async function sendHook(h: TestHub, notifications: object[]) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/hooks/tracker',
    headers: { authorization: 'Bearer tracker-key', 'content-type': 'application/json' },
    payload: JSON.stringify({ notifications }),
  });
  expect(response.statusCode).toBe(202);
}

/** Resolves every hook and runs every transfer (and the ones they fan out to) now. */
async function drain(h: TestHub): Promise<void> {
  await h.resolveAll();
  while ((await h.transfers.runOnce()) > 0);
}

async function api(h: TestHub, path: string) {
  const response = await h.app.inject({ method: 'GET', url: path });
  return { status: response.statusCode, body: response.json() };
}

describe('a custom data type through the hub', () => {
  it('issue/updated on the tracker → hub record of type issue → created, then updated, in the desk', async () => {
    const { hub: h, tracker, desk } = await startIssueHub();
    tracker.records.set('42', { number: 42, title: 'Crash on save', state: 'open' });
    await sendHook(h, [{ scope: 'issue/updated', external_id: '42' }]);
    await drain(h);

    expect(tracker.requests).toEqual(['GET /issues/42']);
    expect([...desk.records.values()]).toEqual([{ subject: 'Crash on save', status: 'open' }]);
    const moved = (await api(h, '/api/transfers?scope=issue/updated')).body.items as any[];
    expect(moved.map((t) => [t.connection, t.direction, t.type, t.status]).sort()).toEqual([
      ['desk', 'from_hub', 'issue', 'succeeded'],
      ['tracker', 'to_hub', 'issue', 'succeeded'],
    ]);
    const hubId = moved.find((t) => t.direction === 'to_hub').hubId as number;
    const shown = await api(h, `/api/records/issue/${hubId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.record).toMatchObject({ type: 'issue', data: { title: 'Crash on save', state: 'open' } });
    expect(shown.body.externalIds.map((x: any) => [x.connection, x.type, x.externalId]).sort()).toEqual([
      ['desk', 'issue', 'D-1'],
      ['tracker', 'issue', '42'],
    ]);

    // The same issue again, closed: the desk's record is updated, not duplicated.
    tracker.records.set('42', { number: 42, title: 'Crash on save', state: 'closed' });
    await sendHook(h, [{ scope: 'issue/updated', external_id: '42' }]);
    await drain(h);
    expect([...desk.records.entries()]).toEqual([['D-1', { subject: 'Crash on save', status: 'closed' }]]);
    expect(desk.requests).toEqual(['POST /issues', 'PUT /issues/D-1']);
  });

  it('an issue_comment hook becomes a request for its issue (the parent the integration file declares)', async () => {
    const { hub: h, tracker, desk } = await startIssueHub();
    tracker.records.set('43', { number: 43, title: 'Slow search', state: 'open' });
    await sendHook(h, [{ scope: 'issue_comment/created', external_id: 'c-9', issue_number: '43' }]);
    await drain(h);

    expect(tracker.requests).toEqual(['GET /issues/43']);
    expect([...desk.records.values()]).toEqual([{ subject: 'Slow search', status: 'open' }]);
    const [toHub] = (await api(h, '/api/transfers?connection=tracker')).body.items as any[];
    expect(toHub).toMatchObject({ type: 'issue', scope: 'issue/updated', externalId: '43', origin: 'issue_comment/created c-9', status: 'succeeded' });
  });

  it('a parent the configuration declares (types:) goes the same way, its id read from <parent>_id', async () => {
    const { hub: h, tracker, desk } = await startIssueHub({
      file: './integrations/tracker-plain.yaml',
      scopes: '[issue/updated, issue_label/created]',
      types: 'types: { issue: {}, issue_label: { parent: issue } }',
    });
    tracker.records.set('44', { number: 44, title: 'Typo', state: 'open' });
    await sendHook(h, [{ scope: 'issue_label/created', external_id: 'l-1', issue_id: '44' }]);
    await drain(h);

    expect(tracker.requests).toEqual(['GET /issues/44']);
    expect([...desk.records.values()]).toEqual([{ subject: 'Typo', status: 'open' }]);
    const [toHub] = (await api(h, '/api/transfers?connection=tracker')).body.items as any[];
    expect(toHub).toMatchObject({ type: 'issue', scope: 'issue/updated', externalId: '44', origin: 'issue_label/created l-1' });
  });

  it('a poll of the declared type queues what changed through issue/updated, and the desk gets it', async () => {
    const { hub: h, tracker, desk, config } = await startIssueHub();
    tracker.records.set('46', { number: 46, title: 'Export to CSV', state: 'open' });
    tracker.records.set('47', { number: 47, title: 'Import from CSV', state: 'open' });
    const connection = config.connections.get('tracker')!;
    expect(await h.poller.pollOnce(connection, 'issue', 60_000)).toBe(2);
    await drain(h);
    expect([...desk.records.values()].map((r) => r.subject).sort()).toEqual(['Export to CSV', 'Import from CSV']);
    const polled = (await api(h, '/api/transfers?connection=tracker&scope=issue/updated')).body.items as any[];
    expect(polled.map((t) => [t.externalId, t.requestType, t.status]).sort()).toEqual([
      ['46', 'polling', 'succeeded'],
      ['47', 'polling', 'succeeded'],
    ]);
    expect(tracker.requests).toContain('GET /issues?since=0');
  });

  it('the API refuses a type the hub does not know, naming the known ones', async () => {
    const { hub: h } = await startIssueHub();
    const refused = await api(h, '/api/records/isue/1');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'HY_ERR_QUERY_INVALID', message: expect.stringContaining('issue_comment') });
    expect((await api(h, '/api/records/issue/999')).body).toMatchObject({ error: 'HY_ERR_RECORD_NOT_FOUND' });
  });

  it('manual sync and initialization take a declared type and refuse an unknown one', async () => {
    const { hub: h, tracker, desk } = await startIssueHub();
    tracker.records.set('45', { number: 45, title: 'Dark mode', state: 'open' });
    const post = (url: string, payload: object) => h.app.inject({ method: 'POST', url, payload });
    const unknown = await post('/api/connections/tracker/sync', { type: 'isue', ids: ['45'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'HY_ERR_QUERY_INVALID' });
    expect((await post('/api/connections/tracker/sync', { type: 'issue', ids: ['45'] })).statusCode).toBe(202);
    await drain(h);
    expect([...desk.records.values()]).toEqual([{ subject: 'Dark mode', status: 'open' }]);
    // The tracker cannot list: the type is accepted, the integration says what it lacks.
    expect((await post('/api/connections/tracker/initialize', { type: 'issue' })).json()).toMatchObject({ error: 'HY_ERR_INTEGRATION_UNSUPPORTED' });
    expect((await post('/api/connections/tracker/initialize', { type: 'isue' })).json()).toMatchObject({ error: 'HY_ERR_QUERY_INVALID' });
  });
});
