/**
 * Declared data types: `types:` in the configuration and in an integration file add types beyond
 * the built-in list; every place that names a type (scopes, mappings, noise, poll, presets,
 * parents) accepts a declared one and refuses one nobody declared, naming the closest.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load.js';
import { typeCatalog } from '../src/domain/data-types.js';
import { fixtureConfig } from './helpers/hub.js';

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
