/**
 * Declared data types: `types:` in the configuration and in an integration file add types beyond
 * the built-in list; every place that names a type (scopes, mappings, noise, poll, presets,
 * parents) accepts a declared one and refuses one nobody declared, naming the closest.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand, tryCommand, type Output } from '../src/cli/commands.js';
import { syncCommand } from '../src/cli/sync.js';
import { openStore } from '../src/store/index.js';
import { ConfigError } from '../src/config/load.js';
import { typeCatalog } from '../src/domain/data-types.js';
import { fixtureConfig, tempDir } from './helpers/hub.js';

function problemsOf(yaml: string): string[] {
  try {
    fixtureConfig(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the config to be refused');
}

const helpdesk = (extra: string, types = 'types: { ticket: {}, ticket_note: { parent: ticket } }') => `
${types}
connections:
  desk:
    integration: ./integrations/helpdesk.yaml
    webhook: { apiKey: k }
${extra}
`;

describe('declared data types', () => {
  it('a type the configuration declares works in scopes, mappings, noise and poll like a built-in one', () => {
    const config = fixtureConfig(helpdesk(`    scopes: [ticket/created, ticket/updated, ticket_note/created]
    noise: { ticket_note: { debounce: 30s } }
    mappings:
      ticket: { to_hub: { sync: add_and_update, fields: { title: subject } } }`));
    expect(config.dataTypes).toEqual(expect.arrayContaining(['product', 'message', 'ticket', 'ticket_note']));
    const desk = config.connections.get('desk')!;
    expect(desk.declaredScopes.get('ticket/created')).toMatchObject({ type: 'ticket', action: 'created' });
    expect(desk.noise.get('ticket_note')).toEqual({ debounceMs: 30_000 });
    // The declared parent becomes the connection's parent rule, its id read from <parent>_id by default.
    expect(desk.scopeIndex.parents?.get('ticket_note')?.parent).toBe('ticket');
  });

  it('an integration file declares its own types, and its parent rule with where the parent id is', () => {
    const config = fixtureConfig(`
connections:
  tracker:
    integration: ./integrations/tracker.yaml
    webhook: { apiKey: k }
  other:
    integration: standard.yaml
    webhook: { apiKey: k }
    mappings:
      issue: { from_hub: { sync: add_and_update, fields: { title: title } } }
`.replace('standard.yaml', './integrations/standard.yaml'));
    expect(config.dataTypes).toEqual(expect.arrayContaining(['issue', 'issue_comment']));
    expect(config.connections.get('tracker')!.scopeIndex.parents?.get('issue_comment')?.parent).toBe('issue');
    // Another connection maps the type that the tracker's file declares: the hub's types are one set.
    expect(config.connections.get('other')!.mappings).toBeTruthy();
  });

  it('refuses a scope type nobody declared, with the closest known name', () => {
    const problems = problemsOf(helpdesk('    scopes: [ticket/created]', 'types: { tickte: {} }'));
    expect(problems).toContainEqual(
      expect.stringMatching(/^connections\.desk\.integration: integration helpdesk, scope ticket\/created: unknown data type "ticket" \(did you mean "tickte"\?\)/),
    );
  });

  it('refuses a scope, mapping, noise or poll entry naming an undeclared type, each at its path with a suggestion', () => {
    const problems = problemsOf(helpdesk(`    scopes: [ticket/created, tiket/updated]
    noise: { ticket_notes: { ignore: true } }
    poll: { tickets: 60s }
    mappings:
      isue: { to_hub: { sync: add_and_update, fields: { a: b } } }`));
    expect(problems).toContainEqual(expect.stringMatching(/^connections\.desk\.scopes\[1\]: unknown data type "tiket" \(did you mean "ticket"\?\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^connections\.desk\.noise\.ticket_notes: unknown data type "ticket_notes" \(did you mean "ticket_note"\?\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^connections\.desk\.poll\.tickets: unknown data type "tickets" \(did you mean "ticket"\?\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^connections\.desk\.mappings\.isue: unknown data type "isue": nobody declares it; declare it under types:/));
  });

  it('refuses a bad name, a built-in name, an unknown parent, a type its own parent', () => {
    const problems = problemsOf(
      helpdesk('', 'types: { ticket: {}, ticket_note: { parent: ticket }, Ticket-Tag: {}, product: {}, reply: { parent: tickt }, loop: { parent: loop } }'),
    );
    expect(problems).toContain('types.Ticket-Tag: "Ticket-Tag" is not a data type name: use lower snake case (e.g. issue, issue_comment)');
    expect(problems).toContainEqual(expect.stringMatching(/^types\.product: product is a built-in data type; declare only new ones/));
    expect(problems).toContainEqual(expect.stringMatching(/^types\.reply: unknown parent "tickt" \(did you mean "ticket"\?\)/));
    expect(problems).toContain('types.loop: loop cannot be its own parent');
  });

  it('refuses parentId without parent, and two declarations of one type that disagree on its parent', () => {
    expect(problemsOf(helpdesk('', 'types: { ticket: {}, ticket_note: { parentId: { from: body, path: t } } }'))).toContain(
      'types.ticket_note: parentId needs a parent',
    );
    const problems = problemsOf(`
types: { issue_comment: {} }
connections:
  tracker:
    integration: ./integrations/tracker.yaml
    webhook: { apiKey: k }
`);
    expect(problems).toContainEqual(
      expect.stringMatching(/^connections\.tracker\.integration \(types\.issue_comment of integration tracker\): issue_comment is declared with parent issue here and none at types\.issue_comment/),
    );
  });

  it('refuses an integration file whose type name is not lower snake case', () => {
    const catalog = typeCatalog([{ name: 'Issue', parent: null, at: 'x' }]);
    expect(catalog.problems).toEqual([{ at: 'x', message: '"Issue" is not a data type name: use lower snake case (e.g. issue, issue_comment)' }]);
  });
});

describe('declared data types in check, try and sync', () => {
  const tracker = resolve(import.meta.dirname, 'fixtures/integrations/tracker.yaml');
  function capture(): Output & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  }
  /** The tracker file has no `get`: a payload record is what lets check accept a to_hub mapping over it. */
  function configFile(mappings: string): { file: string; dir: string; remove(): void } {
    const dir = tempDir();
    const file = join(dir.path, 'c.yaml');
    writeFileSync(file, `connections:\n  tracker:\n    integration: ${tracker}\n    webhook: { apiKey: k }\n    receiver: { record: { path: record } }\n    scopes: [issue/updated, issue_comment/created]\n    mappings:\n${mappings}\n`);
    return { file, dir: dir.path, remove: dir.remove };
  }

  it('check prints the scopes of a declared type and accepts its mappings', async () => {
    const config = configFile('      issue: { to_hub: { sync: add_and_update, fields: { title: title } } }');
    const output = capture();
    expect(await checkCommand(config.file, output, {})).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/issue\/updated\s+yes\s+issue\/updated\s+Tracker issue → issue/);
    expect(text).toMatch(/issue_comment\/created\s+yes/);
    config.remove();
  });

  it('check refuses a mapping of a misspelt type, naming the declared one', async () => {
    const config = configFile('      isue: { to_hub: { sync: add_and_update, fields: { title: title } } }');
    const output = capture();
    expect(await checkCommand(config.file, output, {})).toBe(1);
    expect(output.stderr.join('\n')).toContain('connections.tracker.mappings.isue: unknown data type "isue" (did you mean "issue"?)');
    config.remove();
  });

  it('try shows a child hook of a declared type planned as a request for its declared parent', async () => {
    const config = configFile('      issue: { to_hub: { sync: add_and_update, fields: { title: title } } }');
    const body = join(config.dir, 'hook.json');
    writeFileSync(body, JSON.stringify({ notifications: [{ scope: 'issue_comment/created', external_id: 'c-1', issue_number: '7' }] }));
    const output = capture();
    expect(await tryCommand({ config: config.file, connection: 'tracker', headers: ['Authorization: Bearer k'], bodyFile: body }, output, {})).toBe(0);
    const result = JSON.parse(output.stdout.join('\n')) as { transfers: Array<{ type: string; scope: string; externalId: string; status: string; origin: string }> };
    expect(result.transfers.map((t) => [t.type, t.scope, t.externalId, t.status, t.origin])).toEqual([['issue', 'issue/updated', '7', 'queued', 'issue_comment/created c-1']]);
    config.remove();
  });

  it('sync takes a declared type and refuses an unknown one with the closest', async () => {
    const config = configFile('      issue: { to_hub: { sync: add_and_update, fields: { title: title } } }');
    const refused = capture();
    expect(await syncCommand({ config: config.file, data: config.dir, connection: 'tracker', type: 'isue', ids: ['1'] }, refused, false)).toBe(1);
    expect(refused.stderr.join('\n')).toContain('HY_ERR_QUERY_INVALID: --type: unknown data type "isue" (did you mean "issue"?)');
    const taken = capture();
    await (await openStore({ dataDir: config.dir })).close(); // sync works on the store a hub made: make it
    expect(await syncCommand({ config: config.file, data: config.dir, connection: 'tracker', type: 'issue', ids: ['1', '2'] }, taken, false)).toBe(0);
    config.remove();
  });
});
