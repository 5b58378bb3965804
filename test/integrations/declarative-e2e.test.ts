/**
 * Two systems connected by integration files alone, end to end over real HTTP: a help desk
 * sends a standard hook about a contact; the hub reads the contact over the desk file's declared
 * `get` (bearer token), maps it into a hub customer, and creates it in a CRM over the CRM file's
 * declared `create` (API key header, idempotency key). Both systems are local JSON APIs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startListeningHub, type ListeningHub } from '../helpers/listening.js';
import { tempDir } from '../helpers/hub.js';
import { until } from '../helpers/wait.js';
import { header, startApi, type ApiServer } from './declarative-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const DESK = `
id: desk
title: Help desk
scopes: [{ scope: customer/updated, hooks: [contact.updated, customer/updated], description: "Desk contact → customer" }]
api:
  baseUrl: "{settings.baseUrl}"
  auth: { kind: bearer, token: "{settings.token}" }
  types:
    customer:
      get: { path: "/api/contacts/{externalId}", record: contact }
`;

const CRM = `
id: crm
title: CRM
scopes: [{ scope: customer/updated, description: "CRM person → customer" }]
api:
  baseUrl: "{settings.baseUrl}/v1"
  auth: { kind: apiKey, in: header, name: X-Api-Key, value: "{settings.apiKey}" }
  idempotencyHeader: Idempotency-Key
  types:
    customer:
      create: { path: /people, body: "{ 'person': $ }", id: person.id }
      update: { method: PATCH, path: "/people/{externalId}", body: "{ 'person': $ }" }
`;

it('a hook about a desk contact becomes a hub customer and a new CRM person, through declared requests only', async () => {
  const desk: ApiServer = await startApi((r) =>
    header(r, 'authorization') !== 'Bearer desk-token'
      ? { status: 401, json: { error: 'unauthorized' } }
      : r.path === '/api/contacts/77'
        ? { json: { contact: { id: 77, email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' } } }
        : undefined,
  );
  closers.push(() => desk.close());
  const people: Array<Record<string, unknown>> = [];
  const crm: ApiServer = await startApi((r) => {
    if (header(r, 'x-api-key') !== 'crm-key') return { status: 401, json: { error: 'unauthorized' } };
    if (r.method === 'POST' && r.path === '/v1/people') {
      const person = { ...r.json().person, id: `p-${people.length + 1}` };
      people.push(person);
      return { status: 201, json: { person } };
    }
    return undefined;
  });
  closers.push(() => crm.close());

  const dir = tempDir();
  closers.push(async () => dir.remove());
  writeFileSync(join(dir.path, 'desk.yaml'), DESK);
  writeFileSync(join(dir.path, 'crm.yaml'), CRM);
  writeFileSync(
    join(dir.path, 'hookyard.yaml'),
    `
connections:
  desk:
    integration: ./desk.yaml
    webhook: { apiKey: desk-hook-key }
    settings: { baseUrl: "${desk.url}", token: desk-token }
    scopes: [customer/updated]
    mappings:
      customer:
        to_hub:
          sync: add_and_update
          fields:
            email: email
            name: { formula: "first_name & ' ' & last_name" }
  crm:
    integration: ./crm.yaml
    webhook: { apiKey: crm-hook-key }
    settings: { baseUrl: "${crm.url}", apiKey: crm-key }
    scopes: [customer/updated]
    mappings:
      customer:
        from_hub:
          sync: add_and_update
          fields:
            email_address: email
            full_name: name
`,
  );
  const hub: ListeningHub = await startListeningHub(loadConfigFile(join(dir.path, 'hookyard.yaml')));
  closers.push(() => hub.dispose());

  const sent = await fetch(`${hub.url}/hooks/desk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer desk-hook-key' },
    body: JSON.stringify({ notifications: [{ scope: 'contact.updated', external_id: '77' }] }),
  });
  expect(sent.status).toBe(202);

  const finished = async () => ((await (await fetch(`${hub.url}/api/transfers?status=succeeded`)).json()) as { items: Array<Record<string, any>> }).items;
  await until('the transfer to the CRM succeeds', async () => (await finished()).some((t) => t.connection === 'crm' && t.direction === 'from_hub'));

  expect(desk.received.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/contacts/77']);
  expect(people).toEqual([{ id: 'p-1', email_address: 'ada@example.com', full_name: 'Ada Lovelace' }]);
  const create = crm.received.find((r) => r.method === 'POST')!;
  expect(header(create, 'idempotency-key')).toMatch(/\S/);

  const toCrm = (await finished()).find((t) => t.connection === 'crm')!;
  const record = (await (await fetch(`${hub.url}/api/records/customer/${toCrm.hubId}`)).json()) as Record<string, any>;
  expect(record.record.data).toEqual({ email: 'ada@example.com', name: 'Ada Lovelace' });
  expect(JSON.stringify(record)).toContain('p-1');
});
