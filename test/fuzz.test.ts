/**
 * Property-based fuzzing of a real hub on a real port: 10,000 seeded random requests (methods,
 * paths, headers, bodies, credentials right and wrong, malformed HTTP framing written on raw
 * sockets) with 20 in flight. For every answer:
 *
 * - never a 5xx, never a hang, never a dropped connection for a well-formed request;
 * - every JSON error is {"error": "HY_ERR_…", "message": "…"} with a code of src/errors.ts, answered
 *   with that code's status;
 * - a hook is taken (2xx) only when it carried the right credential;
 * - "clean" requests (one thing varied at a time) get exactly the status the contract promises.
 *
 * Afterwards the hub still answers /healthz and takes a valid hook, and every hook it took can be
 * read by the resolver (ingest promised so with its 202).
 *
 * FUZZ_SEED=<n> and FUZZ_RUNS=<n> override the seed and the number of requests.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';
import { fixtureConfig } from './helpers/hub.js';
import { startListeningHub, type ListeningHub } from './helpers/listening.js';
import { exchange, pool, send, type SendRequest, type WireResponse } from './helpers/wire.js';
import { newStandardSecret, signGithubBytes, signShopify, signStandard } from './verify/sign.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const IN_FLIGHT = 20;
const BODY_LIMIT = 65_536;

// --- the hub -------------------------------------------------------------------------------

const GH_SECRET = 'gh-fuzz-secret';
const SHOP_SECRET = 'shop-fuzz-secret';
const SLACK_SECRET = 'slack-fuzz-secret';
const STD_SECRET = newStandardSecret();
const STD_OTHER = newStandardSecret();

const CONFIG = `
server: { bodyLimitBytes: ${BODY_LIMIT}, requestTimeout: 10s }
store: { durability: normal }
connections:
  key:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: fuzz-key }
  gh:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: github, secret: ${GH_SECRET} } }
  std:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: standard, secret: "${STD_SECRET}" } }
  shop:
    integration: shopify
    webhook: { secret: ${SHOP_SECRET} }
  slack:
    integration: ./integrations/standard.yaml
    webhook:
      verify:
        scheme: hmac
        secret: ${SLACK_SECRET}
        header: x-slack-signature
        prefix: "v0="
        signedContent: "v0:{timestamp}:{body}"
        timestampHeader: x-slack-request-timestamp
        deliveryIdHeader: x-slack-delivery
  url:
    integration: ./integrations/url-named.yaml
    webhook: { apiKey: url-key }
  bodykey:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: body-key }
    receiver: { auth: { from: body, path: token } }
  exprkey:
    integration: ./integrations/standard.yaml
    webhook: { apiKey: expr-key }
    receiver: { auth: { from: header, name: authorization, expression: "$substringAfter($, 'Token ')" } }
  basic:
    integration: ./integrations/standard.yaml
    webhook: { verify: { scheme: basic, username: fuzz, password: "p@ss:w0rd" } }
`;

const CONNECTIONS = ['key', 'gh', 'std', 'shop', 'slack', 'url', 'bodykey', 'exprkey', 'basic'] as const;
type Conn = (typeof CONNECTIONS)[number];
const SIGNED: ReadonlySet<Conn> = new Set(['gh', 'std', 'shop', 'slack']);
const TIMESTAMPED: ReadonlySet<Conn> = new Set(['std', 'slack']);

/** Headers that carry a connection's credential (never drawn as random extra headers). */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'x-hub-signature-256',
  'x-github-delivery',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-shopify-hmac-sha256',
  'x-shopify-webhook-id',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'x-slack-delivery',
  'x-api-key',
]);

// --- request specs -------------------------------------------------------------------------

type Cred = 'right' | 'wrong' | 'garbage' | 'none' | 'stale' | 'tampered' | 'dup';

interface Body {
  bytes: Buffer;
  /** json: a body ingest must take as JSON; form: a valid UTF-8 form; other: anything. */
  kind: 'json' | 'form' | 'other';
}

type Target =
  | { kind: 'hook'; conn: Conn | null; connText: string; tail: string; query: string }
  | { kind: 'path'; path: string };

type Wire =
  | 'plain'
  | 'ctl-in-value'
  | 'bad-name'
  | 'no-colon'
  | 'space-before-colon'
  | 'obs-fold'
  | 'bare-lf'
  | 'cl-garbage'
  | 'cl-dup'
  | 'cl-te'
  | 'te-chunked'
  | 'te-bad-chunk'
  | 'te-other'
  | 'lower-method'
  | 'extra-spaces'
  | 'version'
  | 'no-host'
  | 'absolute-form'
  | 'raw-path-bytes'
  | 'long-uri'
  | 'pipeline'
  | 'short-body-fin'
  | 'headers-fin'
  | 'expect-100'
  | 'expect-other';

interface Spec {
  transport: 'http' | 'raw';
  method: string;
  target: Target;
  /** Whose credential to attach (the target's connection, usually). */
  credFor: Conn | null;
  cred: Cred;
  contentType: string | null;
  body: Body;
  extra: Array<[string, string]>;
  /** http only: send Content-Length explicitly (else node:http picks length or chunked). */
  explicitLength: boolean;
  delivery: 'fresh' | 'repeat';
  wire: Wire;
  wireChoice: number;
  /** Clean specs: the status (and code) the contract promises. */
  expect: { status: number | number[]; code?: string } | null;
  label: string;
}

// --- arbitraries ---------------------------------------------------------------------------

const latin1Char = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
).map((c) => String.fromCharCode(c));
const latin1Text = (maxLength: number) => fc.string({ unit: latin1Char, maxLength });

const asciiPrintable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));

/** Path segment material: odd characters, valid and broken %-escapes, dots. */
const segmentUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcxyz019-_.~'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom(...`!$&'()*+,;=:@`.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('%41', '%2F', '%2f', '%00', '%20', '%25', '%E2%82%AC', '%F0%9F%98%80', '%C3%A9', '%ED%A0%80', '%C0%AF', '%FF') },
  { weight: 1, arbitrary: fc.constantFrom('%', '%z', '%zz', '%4', '%%', '%E2%82', '%u0041') },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '', '//') },
  { weight: 1, arbitrary: asciiPrintable.filter((c) => c !== '?' && c !== '#') },
);
const segment = fc.string({ unit: segmentUnit, maxLength: 6 });
const tail = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('/') },
  { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 400 }).map((n) => `/${'s'.repeat(n)}`) },
);
const query = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('?', '?a=b', '?__proto__=1', '?constructor[prototype][x]=1', '?x=%zz', '?a=1&a=2', '?limit=0', '?status=failed&limit=500', `?${'q'.repeat(3000)}=1`),
  },
);

const unknownConn = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/).filter((name) => !(CONNECTIONS as readonly string[]).includes(name)),
  fc.constantFrom('', 'KEY', 'Key', 'key ', 'hooks', '__proto__', 'constructor', 'toString', '..', '.', 'k%65y', 'gh%00', 'std%2Fx', '%', '%zz', '%E2%82%AC'),
  fc.integer({ min: 95, max: 130 }).map((n) => 'c'.repeat(n)),
);

/** How a known connection's name appears in the URL: as is, or %-escaped (the router decodes). */
function connText(conn: Conn, mode: number): string {
  if (mode === 1) return [...conn].map((c, i) => (i === 0 ? `%${c.charCodeAt(0).toString(16)}` : c)).join('');
  if (mode === 2) return [...conn].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  return conn;
}

const hookTarget: fc.Arbitrary<Target> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ conn: fc.constantFrom(...CONNECTIONS), mode: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2), tail, query })
      .map(({ conn, mode, tail, query }) => ({
        kind: 'hook' as const,
        conn,
        connText: connText(conn, mode),
        // The url-named integration reads the hook name from the first segment.
        tail: conn === 'url' && tail === '' ? '/customer-changed' : tail,
        query,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ name: unknownConn, tail, query }).map(({ name, tail, query }) => ({ kind: 'hook' as const, conn: null, connText: name, tail, query })),
  },
);

const apiPath = fc.oneof(
  fc.constantFrom(
    '/healthz',
    '/readyz',
    '/',
    '/hooks',
    '/hooks/',
    '//hooks//key',
    '/HOOKS/key',
    '/hooks/key/../../api/hooks',
    '/api',
    '/api/',
    '/api/hooks',
    '/api/transfers',
    '/api/connections',
    '/api/records',
    '*',
    '/favicon.ico',
    '/healthz/',
    '/healthz?x=1',
  ),
  fc
    .tuple(
      fc.constantFrom('/api/hooks/', '/api/transfers/', '/api/records/product/', '/api/records/nothing/', '/api/records/customer/'),
      fc.oneof(
        fc.nat().map(String),
        fc.constantFrom('0', '-1', '1.5', '1e3', '1e400', '0x10', ' 1', '%201', 'NaN', 'Infinity', '99999999999999999999', 'null', '%zz', '', 'abc'),
        fc.integer({ min: 101, max: 140 }).map((n) => '9'.repeat(n)),
      ),
    )
    .map(([prefix, id]) => prefix + id),
  fc
    .tuple(
      fc.constantFrom('/api/hooks', '/api/transfers'),
      fc.array(
        fc.tuple(
          fc.constantFrom('status', 'limit', 'before', 'connection', 'scope', 'x', '__proto__', 'status[]', 'limit[0]'),
          fc.oneof(fc.constantFrom('received', 'failed', 'queued', 'dead', 'bogus', '0', '1', '500', '501', '-5', '1e2', '', '%zz', 'key'), fc.nat().map(String)),
        ),
        { maxLength: 4 },
      ),
    )
    .map(([path, params]) => `${path}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc.string({ unit: segmentUnit, maxLength: 30 }).map((s) => `/${s}`),
);

const otherTarget: fc.Arbitrary<Target> = apiPath.map((path) => ({ kind: 'path' as const, path }));

const GOOD_JSON_TYPES = [
  null,
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;charset="UTF-8"',
  'application/json; charset=utf8',
  'application/vnd.api+json',
  'application/cloudevents+json; charset=utf-8',
] as const;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/X-WWW-FORM-URLENCODED'] as const;

const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...GOOD_JSON_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom(...FORM_TYPES) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'text/xml',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '',
      ';',
      ';;;',
      'application/json; charset',
      'application/json;;',
      'application/json; charset=utf-16',
      'application/json garbage',
      'application/json, text/plain',
      '*/*',
      'application/',
      '/json',
      'json',
      'undefined',
      'application/x-www-form-urlencoded+json',
      'application/jsonx',
      'application/+json',
      'text/plain; charset=iso-8859-1',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset="\u00ff"',
      'application/json; boundary="a;b"; charset=utf-8',
    ),
  },
  { weight: 1, arbitrary: latin1Text(40) },
);

const INVALID_UTF8 = [
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
].map((bytes) => Buffer.from(bytes));

const jsonText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null');
const jsonObjectText = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }).map((o) => JSON.stringify(o));
const notificationsText = fc
  .array(
    fc.record({
      scope: fc.constantFrom('product/created', 'product/updated', 'product/deleted', 'customer/updated', 'order/nope', '', 'product'),
      external_id: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
    }),
    { maxLength: 4 },
  )
  .map((notifications) => JSON.stringify({ id: 'evt', notifications }));

const validJson: fc.Arbitrary<string> = fc.oneof(jsonText, jsonObjectText, notificationsText);

function nest(depth: number, style: number): string {
  if (style === 0) return '['.repeat(depth) + ']'.repeat(depth);
  if (style === 1) return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"k":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}0${close}`;
}

const formText = fc
  .array(
    fc.tuple(fc.string({ unit: segmentUnit, maxLength: 8 }), fc.string({ unit: fc.oneof(segmentUnit, fc.constantFrom('+', '=', ' ', 'é', '€')), maxLength: 12 })),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 10, arbitrary: validJson.map((text) => ({ bytes: Buffer.from(text, 'utf8'), kind: 'json' as const })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(validJson, fc.constantFrom('truncate', 'insert', 'comma', 'quote', 'nan', 'comment', 'bom', 'trailing', 'lead-space', 'nul'), fc.nat(), asciiPrintable)
      .map(([text, how, n, c]) => {
        const at = text.length === 0 ? 0 : n % text.length;
        const mutated: Record<typeof how, () => Buffer> = {
          truncate: () => Buffer.from(text.slice(0, at)),
          insert: () => Buffer.from(text.slice(0, at) + c + text.slice(at)),
          comma: () => Buffer.from(text.replace(/[}\]]$/, ',$&')),
          quote: () => Buffer.from(text.replaceAll('"', "'")),
          nan: () => Buffer.from(`{"n":NaN,"v":${text}}`),
          comment: () => Buffer.from(`/* hi */${text}`),
          bom: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
          trailing: () => Buffer.from(`${text} x`),
          'lead-space': () => Buffer.from(`\n\t ${text} \r\n`),
          nul: () => Buffer.from(`${text}\u0000`),
        };
        return { bytes: mutated[how](), kind: 'other' as const };
      }),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constantFrom(63, 64, 65, 66)), fc.constantFrom(0, 1, 2), fc.constantFrom('balanced', 'open', 'in-string'))
      .map(([depth, style, shape]) => {
        if (shape === 'in-string') return { bytes: Buffer.from(JSON.stringify({ s: '['.repeat(depth * 2) })), kind: 'json' as const };
        const text = nest(depth, style);
        if (shape === 'open') return { bytes: Buffer.from(text.slice(0, Math.ceil(text.length / 2))), kind: 'other' as const };
        return { bytes: Buffer.from(text), kind: depth <= 64 ? ('json' as const) : ('other' as const) };
      }),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(validJson, fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([text, bad, n]) => {
      const at = text.length === 0 ? 0 : n % (text.length + 1);
      return { bytes: Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]), kind: 'other' as const };
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\n', '\r\n\t ').map((text) => ({ bytes: Buffer.from(text), kind: 'other' as const })) },
  { weight: 3, arbitrary: formText.map((text) => ({ bytes: Buffer.from(text, 'utf8'), kind: 'form' as const })) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 600 }).map((bytes) => ({ bytes: Buffer.from(bytes), kind: 'other' as const })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(BODY_LIMIT - 100, BODY_LIMIT - 1, BODY_LIMIT, BODY_LIMIT + 1, BODY_LIMIT + 5_000, 3 * BODY_LIMIT).map((size) => {
      const bytes = Buffer.from(JSON.stringify({ pad: 'x'.repeat(Math.max(0, size - 10)) }));
      return { bytes, kind: bytes.length <= BODY_LIMIT ? ('json' as const) : ('other' as const) };
    }),
  },
);

const EXTRA_NAMES = [
  'user-agent',
  'accept',
  'accept-encoding',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-github-event',
  'x-shopify-topic',
  'x-shopify-shop-domain',
  'x-shop-webhook-key',
  'content-encoding',
  'cookie',
  'origin',
  'x-custom',
  'constructor',
  '__proto__',
  'hasownproperty',
] as const;

const extraHeader: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.oneof(fc.constantFrom(...EXTRA_NAMES), fc.stringMatching(/^x-[a-z0-9-]{1,20}$/)),
  fc.oneof(
    { weight: 12, arbitrary: latin1Text(60) },
    { weight: 1, arbitrary: fc.integer({ min: 4_000, max: 17_000 }).map((n) => 'h'.repeat(n)) },
  ),
);

const METHODS = ['POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'FOO'] as const;

const credMode = (conn: Conn | null): fc.Arbitrary<Cred> => {
  if (conn === null) return fc.constantFrom('right', 'none', 'garbage');
  const modes: Cred[] = ['right', 'right', 'right', 'wrong', 'garbage', 'none', 'dup'];
  if (SIGNED.has(conn)) modes.push('tampered');
  if (TIMESTAMPED.has(conn)) modes.push('stale');
  return fc.constantFrom(...modes);
};

const WIRES: Wire[] = [
  'plain',
  'plain',
  'ctl-in-value',
  'bad-name',
  'no-colon',
  'space-before-colon',
  'obs-fold',
  'bare-lf',
  'cl-garbage',
  'cl-dup',
  'cl-te',
  'te-chunked',
  'te-chunked',
  'te-bad-chunk',
  'te-other',
  'lower-method',
  'extra-spaces',
  'version',
  'no-host',
  'absolute-form',
  'raw-path-bytes',
  'long-uri',
  'pipeline',
  'short-body-fin',
  'headers-fin',
  'expect-100',
  'expect-other',
];

const chaosSpec: fc.Arbitrary<Spec> = fc
  .record({
    transport: fc.constantFrom('http', 'http', 'http', 'http', 'http', 'raw'),
    method: fc.constantFrom(...METHODS),
    target: fc.oneof({ weight: 8, arbitrary: hookTarget }, { weight: 2, arbitrary: otherTarget }),
    contentType,
    body,
    extra: fc.array(extraHeader, { maxLength: 5 }),
    explicitLength: fc.boolean(),
    delivery: fc.constantFrom('fresh', 'fresh', 'fresh', 'repeat'),
    wire: fc.constantFrom(...WIRES),
    wireChoice: fc.nat(),
    credSeed: fc.nat(),
  })
  .chain((r) => {
    const conn = r.target.kind === 'hook' ? r.target.conn : null;
    // Mostly the target's own credential; sometimes another connection's.
    const credFor = fc.oneof({ weight: 9, arbitrary: fc.constant(conn ?? CONNECTIONS[r.credSeed % CONNECTIONS.length]!) }, { weight: 1, arbitrary: fc.constantFrom(...CONNECTIONS) });
    return fc.tuple(credFor, credMode(conn)).map(([cf, cred]): Spec => ({
      transport: r.transport,
      method: r.method,
      target: r.target,
      credFor: cf,
      cred,
      contentType: r.contentType,
      body: r.body,
      extra: r.extra,
      explicitLength: r.explicitLength,
      delivery: r.delivery,
      wire: r.wire,
      wireChoice: r.wireChoice,
      expect: null,
      label: 'chaos',
    }));
  });

type Clean = 'valid' | 'unknown-connection' | 'xml' | 'text' | 'latin1' | 'too-big' | 'empty' | 'not-json' | 'depth-64' | 'depth-65' | 'bad-utf8' | 'bom';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const EXPECTED: Record<Exclude<Clean, 'valid'>, { status: number | number[]; code?: string }> = {
  'unknown-connection': { status: 404, code: 'HY_ERR_CONNECTION_UNKNOWN' },
  xml: { status: 415, code: 'HY_ERR_CONTENT_TYPE_UNSUPPORTED' },
  text: { status: 415, code: 'HY_ERR_CONTENT_TYPE_UNSUPPORTED' },
  latin1: { status: 415, code: 'HY_ERR_BODY_CHARSET' },
  'too-big': { status: 413, code: 'HY_ERR_BODY_TOO_LARGE' },
  empty: { status: 400, code: 'HY_ERR_BODY_EMPTY' },
  'not-json': { status: 400, code: 'HY_ERR_BODY_NOT_JSON' },
  'depth-64': { status: 202 },
  'depth-65': { status: 400, code: 'HY_ERR_BODY_TOO_DEEP' },
  'bad-utf8': { status: 400, code: 'HY_ERR_BODY_ENCODING' },
  // JSON after a UTF-8 byte order mark: refusing it and reading it are both fine, consistently
  // (a 202 must then resolve: checked after the run). Never a 401 for a credential it carries.
  bom: { status: [202, 400] },
};

/** One thing varied at a time, so the contract says exactly what the answer is. */
const cleanSpec: fc.Arbitrary<Spec> = fc
  .record({
    conn: fc.constantFrom(...CONNECTIONS),
    variant: fc.constantFrom<Clean>('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'unknown-connection', 'xml', 'text', 'latin1', 'too-big', 'empty', 'not-json', 'depth-64', 'depth-65', 'bad-utf8', 'bom'),
    form: fc.boolean(),
    json: jsonObjectText,
    formText: formText.filter((text) => text.length > 0 && !/(^|&)token=/.test(text)),
    jsonType: fc.constantFrom(...GOOD_JSON_TYPES),
    formType: fc.constantFrom(...FORM_TYPES),
    explicitLength: fc.boolean(),
    extra: fc.array(fc.tuple(fc.constantFrom('user-agent', 'x-request-id', 'accept'), fc.stringMatching(/^[ -~]{0,30}$/)), { maxLength: 2 }),
    credSeed: fc.nat(),
  })
  .chain((r) => {
    const cred: fc.Arbitrary<Cred> = r.variant === 'valid' ? credMode(r.conn).filter((c) => c !== 'dup') : fc.constant('right');
    return cred.map((c): Spec => {
      // The form variant stands for "valid" only where no body check depends on JSON.
      const useForm = r.form && r.variant === 'valid';
      let bytes = Buffer.from(useForm ? r.formText : r.json, 'utf8');
      let type: string | null = useForm ? r.formType : r.jsonType;
      if (r.variant === 'xml') type = 'text/xml';
      if (r.variant === 'text') type = 'text/plain';
      if (r.variant === 'latin1') type = 'application/json; charset=latin1';
      if (r.variant === 'too-big') bytes = Buffer.from(JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT) }));
      if (r.variant === 'empty') bytes = Buffer.alloc(0);
      if (r.variant === 'not-json') bytes = Buffer.from('{"notifications": [}');
      if (r.variant === 'depth-64') bytes = Buffer.from(nest(64, r.credSeed % 3));
      if (r.variant === 'depth-65') bytes = Buffer.from(nest(65, r.credSeed % 3));
      if (r.variant === 'bom') bytes = Buffer.concat([UTF8_BOM, bytes]);
      if (r.variant === 'bad-utf8') bytes = Buffer.concat([Buffer.from('{"a":"'), INVALID_UTF8[r.credSeed % INVALID_UTF8.length]!, Buffer.from('"}')]);
      if (r.variant === 'depth-64' && r.conn === 'bodykey') bytes = Buffer.from(`{"token":"body-key","d":${nest(63, 0)}}`);
      const expected =
        r.variant === 'valid'
          ? c === 'right'
            ? { status: 202 }
            : { status: 401 }
          : r.variant === 'depth-64' && r.conn === 'bodykey'
            ? { status: 202 }
            : EXPECTED[r.variant];
      return {
        transport: 'http',
        method: 'POST',
        target: {
          kind: 'hook',
          conn: r.variant === 'unknown-connection' ? null : r.conn,
          connText: r.variant === 'unknown-connection' ? `no-such-${r.conn}` : r.conn,
          tail: r.conn === 'url' ? '/customer-changed' : '',
          query: '',
        },
        credFor: r.conn,
        cred: c,
        contentType: type,
        body: { bytes, kind: useForm ? 'form' : ['valid', 'depth-64', 'too-big', 'bom'].includes(r.variant) ? 'json' : 'other' },
        extra: r.extra,
        explicitLength: r.explicitLength,
        delivery: 'fresh',
        wire: 'plain',
        wireChoice: 0,
        expect: expected,
        label: `clean:${r.variant}`,
      };
    });
  });

const specArb: fc.Arbitrary<Spec> = fc.oneof({ weight: 1, arbitrary: cleanSpec }, { weight: 3, arbitrary: chaosSpec });

// --- building the request ------------------------------------------------------------------

let deliveryCounter = 0;

function hmacHex(secret: string, ...parts: Array<string | Buffer>): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

function standardSign(secret: string, id: string, ts: string, bytes: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${ts}.`).update(bytes).digest('base64')}`;
}

const GARBAGE = ['', ' ', 'Bearer', 'Bearer ', 'bearer fuzz-kex', 'Basic', 'Basic !!!!', 'sha256=', 'sha256=zz', 'v1,', 'v1,!!!', 'v0=', 't=1,v1=00', '\u00ff\u00fe', 'null', 'undefined', '[object Object]', 'a'.repeat(300), 'Token ', 'Token', '0'.repeat(64)];

interface Built {
  request: SendRequest;
  /** The credential really attached (a body that cannot hold a token has none). */
  cred: Cred;
}

/** Adds the credential for `conn` in `mode` to headers and body (computed now, over the final bytes). */
function credentialFor(conn: Conn, mode: Cred, inBody: Body, pick: number): { headers: Array<[string, string]>; body: Buffer; cred: Cred } {
  const nowS = Math.floor(Date.now() / 1000);
  let bytes = inBody.bytes;
  const garbage = GARBAGE[pick % GARBAGE.length]!;
  const delivery = `d-${++deliveryCounter}-${pick}`;
  const headers: Array<[string, string]> = [];
  let cred = mode;

  switch (conn) {
    case 'key':
    case 'exprkey':
    case 'basic': {
      const right = conn === 'key' ? 'Bearer fuzz-key' : conn === 'exprkey' ? 'Token expr-key' : `Basic ${Buffer.from('fuzz:p@ss:w0rd').toString('base64')}`;
      const wrong = conn === 'key' ? 'Bearer fuzz-kez' : conn === 'exprkey' ? 'Token expr-kez' : `Basic ${Buffer.from('fuzz:p@ss:w0rd!').toString('base64')}`;
      if (mode === 'right' || mode === 'tampered' || mode === 'stale') headers.push(['authorization', right]);
      if (mode === 'dup') headers.push(['authorization', right], ['authorization', right]);
      if (mode === 'wrong') headers.push(['authorization', wrong]);
      if (mode === 'garbage') headers.push(['authorization', garbage]);
      if (mode === 'tampered' || mode === 'stale') cred = 'right';
      break;
    }
    case 'url': {
      if (mode === 'right' || mode === 'tampered' || mode === 'stale') headers.push(['x-api-key', 'url-key']);
      if (mode === 'dup') headers.push(['x-api-key', 'url-key'], ['x-api-key', 'url-key']);
      if (mode === 'wrong') headers.push(['x-api-key', 'url-kez']);
      if (mode === 'garbage') headers.push(['x-api-key', garbage]);
      if (mode === 'tampered' || mode === 'stale') cred = 'right';
      // Duplicate x-api-key headers are joined with ", " by node: not the key any more.
      if (mode === 'dup') cred = 'wrong';
      break;
    }
    case 'bodykey': {
      const token = mode === 'right' || mode === 'dup' || mode === 'tampered' || mode === 'stale' ? 'body-key' : mode === 'wrong' ? 'body-kez' : mode === 'garbage' ? garbage : null;
      cred = mode === 'none' ? 'none' : token === 'body-key' ? 'right' : mode;
      if (token === null) break;
      if (inBody.kind === 'form') {
        bytes = Buffer.from(`${inBody.bytes.toString('utf8')}${inBody.bytes.length ? '&' : ''}token=${encodeURIComponent(token)}`);
      } else {
        // A byte order mark stays in front of the JSON the token goes into.
        const bom = inBody.bytes.subarray(0, 3).equals(UTF8_BOM) ? UTF8_BOM : Buffer.alloc(0);
        let parsed: unknown;
        try {
          parsed = JSON.parse(inBody.bytes.subarray(bom.length).toString('utf8'));
        } catch {
          parsed = undefined;
        }
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && inBody.kind === 'json') {
          bytes = Buffer.concat([bom, Buffer.from(JSON.stringify({ ...(parsed as object), token }))]);
        } else {
          cred = 'none';
        }
      }
      break;
    }
    case 'gh': {
      const secret = mode === 'wrong' ? 'not-the-secret' : GH_SECRET;
      if (mode !== 'none') headers.push(['x-github-delivery', delivery]);
      if (mode === 'garbage') headers.push(['x-hub-signature-256', garbage]);
      else if (mode !== 'none') headers.push(['x-hub-signature-256', signGithubBytes(secret, bytes)]);
      if (mode === 'dup') headers.push(['x-hub-signature-256', signGithubBytes(secret, bytes)]);
      if (mode === 'stale') cred = 'right';
      if (mode === 'dup') cred = 'wrong'; // two signature headers are joined: not one signature any more
      break;
    }
    case 'shop': {
      const secret = mode === 'wrong' ? 'not-the-secret' : SHOP_SECRET;
      if (mode !== 'none') headers.push(['x-shopify-webhook-id', delivery], ['x-shopify-topic', 'products/update']);
      if (mode === 'garbage') headers.push(['x-shopify-hmac-sha256', garbage]);
      else if (mode !== 'none') headers.push(['x-shopify-hmac-sha256', signShopify(secret, bytes)]);
      if (mode === 'dup') headers.push(['x-shopify-hmac-sha256', signShopify(secret, bytes)]);
      if (mode === 'stale') cred = 'right';
      if (mode === 'dup') cred = 'wrong';
      break;
    }
    case 'std': {
      const secret = mode === 'wrong' ? STD_OTHER : STD_SECRET;
      const ts = String(mode === 'stale' ? nowS - 400 : nowS);
      if (mode === 'none') break;
      headers.push(['webhook-id', delivery], ['webhook-timestamp', mode === 'garbage' && pick % 2 ? garbage : ts]);
      if (mode === 'garbage') headers.push(['webhook-signature', garbage]);
      else headers.push(['webhook-signature', standardSign(secret, delivery, ts, bytes)]);
      // Node joins the two headers with ", "; the scheme splits on spaces, so the second still counts.
      if (mode === 'dup') headers.push(['webhook-signature', standardSign(secret, delivery, ts, bytes)]);
      break;
    }
    case 'slack': {
      const secret = mode === 'wrong' ? 'not-the-secret' : SLACK_SECRET;
      const ts = String(mode === 'stale' ? nowS - 400 : nowS);
      if (mode === 'none') break;
      headers.push(['x-slack-delivery', delivery], ['x-slack-request-timestamp', mode === 'garbage' && pick % 2 ? garbage : ts]);
      if (mode === 'garbage') headers.push(['x-slack-signature', garbage]);
      else headers.push(['x-slack-signature', `v0=${hmacHex(secret, `v0:${ts}:`, bytes)}`]);
      if (mode === 'dup') headers.push(['x-slack-signature', `v0=${hmacHex(secret, `v0:${ts}:`, bytes)}`]);
      if (mode === 'dup') cred = 'wrong';
      break;
    }
  }
  // Signed as above, then changed on the way: one space more.
  if (mode === 'tampered' && SIGNED.has(conn)) bytes = Buffer.concat([bytes, Buffer.from(' ')]);
  return { headers, body: bytes, cred };
}

/** The connection a /hooks/ path names, decoded as the router decodes it. */
function connectionOfPath(path: string): string | null {
  const match = /^\/hooks\/([^/?#]*)/.exec(path);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

const REPEATED_DELIVERY = 'fuzz-repeated-delivery';

function build(spec: Spec): Built {
  const path =
    spec.target.kind === 'hook' ? `/hooks/${spec.target.connText}${spec.target.tail}${spec.target.query}` : spec.target.path;
  const headers: Array<[string, string]> = [];
  let bytes = spec.body.bytes;
  let cred: Cred = 'none';
  if (spec.credFor !== null && spec.cred !== 'none') {
    const attached = credentialFor(spec.credFor, spec.cred, spec.body, spec.wireChoice);
    headers.push(...attached.headers);
    bytes = attached.body;
    // Another connection's credential is no credential for the target (named as the router decodes it).
    cred = connectionOfPath(path) === spec.credFor ? attached.cred : 'wrong';
  }
  if (spec.delivery === 'repeat') {
    for (const pair of headers) {
      if (['x-github-delivery', 'x-shopify-webhook-id', 'x-slack-delivery'].includes(pair[0])) pair[1] = REPEATED_DELIVERY;
    }
  }
  if (spec.contentType !== null) headers.push(['content-type', spec.contentType]);
  for (const [name, value] of spec.extra) if (!CREDENTIAL_HEADERS.has(name)) headers.push([name, value]);
  if (spec.explicitLength && spec.transport === 'http') headers.push(['content-length', String(bytes.length)]);
  return { request: { method: spec.method, path, headers, body: bytes }, cred };
}

/** The request as bytes on the wire, with the spec's framing defect. */
function serialize(spec: Spec, request: SendRequest): { bytes: Buffer; end: boolean; bodiless: boolean[] } {
  const choice = spec.wireChoice;
  let method = request.method;
  let target = request.path;
  let version = 'HTTP/1.1';
  let sep = ' ';
  let eol = '\r\n';
  let headerLines = request.headers.map(([name, value]) => `${name}: ${value}`);
  const body = request.body ?? Buffer.alloc(0);
  let host = true;
  let framing: string[] = [`Content-Length: ${body.length}`];
  let payload: Buffer = body;
  let end = false;
  let trailer = '';
  const bodiless = [method === 'HEAD'];

  switch (spec.wire) {
    case 'ctl-in-value': {
      const ctl = ['\u0000', '\u0001', '\u007f', '\r', '\u001b'][choice % 5]!;
      headerLines.push(`x-ctl: a${ctl}b`);
      break;
    }
    case 'bad-name':
      headerLines.push(`${['x bad', 'x(bad)', 'x\u007fbad', 'x"q"', ''][choice % 5]!}: v`);
      break;
    case 'no-colon':
      headerLines.push('X-No-Colon-Here');
      break;
    case 'space-before-colon':
      headerLines.push('X-Spaced : v');
      break;
    case 'obs-fold':
      headerLines.push('X-Folded: a', ' continued');
      break;
    case 'bare-lf':
      eol = '\n';
      break;
    case 'cl-garbage':
      framing = [`Content-Length: ${['abc', '-1', '1e3', '0x10', ' 12 3', '+2', '99999999999999999999999'][choice % 7]!}`];
      break;
    case 'cl-dup':
      framing = [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`];
      break;
    case 'cl-te':
      framing = [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'];
      payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'te-chunked': {
      framing = ['Transfer-Encoding: chunked'];
      const cut = body.length ? choice % body.length : 0;
      const chunks = [body.subarray(0, cut), body.subarray(cut)].filter((c) => c.length > 0);
      payload = Buffer.concat([
        ...chunks.flatMap((c, i) => [Buffer.from(`${c.length.toString(16)}${i === 0 && choice % 3 === 0 ? ';ext=1' : ''}\r\n`), c, Buffer.from('\r\n')]),
        Buffer.from(choice % 4 === 0 ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n'),
      ]);
      break;
    }
    case 'te-bad-chunk':
      framing = ['Transfer-Encoding: chunked'];
      payload = Buffer.concat([Buffer.from(['zz', '-1', 'fffffffffffffffffff', ''][choice % 4]! + '\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'te-other':
      framing = [`Transfer-Encoding: ${['gzip', 'chunked, gzip', 'identity', 'chunked;q=1', 'CHUNKED'][choice % 5]!}`];
      if (choice % 5 === 4) payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      else end = true;
      break;
    case 'lower-method':
      method = method.toLowerCase();
      break;
    case 'extra-spaces':
      sep = ['  ', '\t', ' \t'][choice % 3]!;
      break;
    case 'version':
      version = ['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'http/1.1', ''][choice % 6]!;
      break;
    case 'no-host':
      host = false;
      break;
    case 'absolute-form':
      target = `http://hookyard.invalid${target.startsWith('/') ? '' : '/'}${target}`;
      break;
    case 'raw-path-bytes':
      target = `${target}${['\u00e9', '\u00ff', ' x', '#frag', '\\', '\u0000', '\u0080'][choice % 7]!}`;
      break;
    case 'long-uri':
      target = `${target}${target.includes('?') ? '&' : '?'}q=${'u'.repeat(8_000 + (choice % 12_000))}`;
      break;
    case 'pipeline':
      trailer = `GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n`;
      bodiless.push(false);
      break;
    case 'short-body-fin':
      framing = [`Content-Length: ${body.length + 10}`];
      end = true;
      break;
    case 'headers-fin':
      end = true;
      break;
    case 'expect-100':
      headerLines.push('Expect: 100-continue');
      break;
    case 'expect-other':
      headerLines.push(`Expect: ${['fancy', '200-ok', ''][choice % 3]!}`);
      break;
    case 'plain':
      break;
  }
  headerLines = [...(host ? ['Host: fuzz'] : []), ...headerLines, ...framing, ...(spec.wire === 'pipeline' ? [] : ['Connection: close'])];
  let head = `${method}${sep}${target}${version ? sep + version : ''}${eol}${headerLines.join(eol)}${eol}${eol}`;
  if (spec.wire === 'headers-fin') head = head.slice(0, Math.max(1, choice % head.length));
  return {
    bytes: Buffer.concat([Buffer.from(head, 'latin1'), spec.wire === 'headers-fin' ? Buffer.alloc(0) : payload, Buffer.from(trailer, 'latin1')]),
    end,
    bodiless,
  };
}

// --- checking the answers ------------------------------------------------------------------

interface Violation {
  kind: string;
  /** Groups violations with one cause. */
  key: string;
  spec: string;
  request: string;
  response: string;
}

function describeBytes(bytes: Buffer, max = 300): string {
  const text = bytes.toString('utf8');
  const exact = Buffer.from(text, 'utf8').equals(bytes);
  const shown = exact ? JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${bytes.length} bytes)` : text) : `base64:${bytes.subarray(0, max).toString('base64')}${bytes.length > max ? `…(${bytes.length} bytes)` : ''}`;
  return shown;
}

function describeRequest(request: SendRequest): string {
  const headers = request.headers.map(([n, v]) => [n, v.length > 120 ? `${v.slice(0, 40)}…(${v.length} chars)` : v]);
  return `${request.method} ${request.path.length > 300 ? `${request.path.slice(0, 300)}…(${request.path.length} chars)` : request.path} headers=${JSON.stringify(headers)} body=${describeBytes(request.body ?? Buffer.alloc(0))}`;
}

function describeResponse(response: WireResponse): string {
  return `${response.status} content-type=${response.headers['content-type'] ?? '-'} body=${describeBytes(response.body, 400)}`;
}

const KNOWN_CODES = new Set(Object.keys(ERRORS));

/** Every contract check on one answer; returns the problems found. */
function checkAnswer(spec: Spec, built: Built, response: WireResponse, isHookPost: boolean): Array<{ kind: string; key: string }> {
  const problems: Array<{ kind: string; key: string }> = [];
  const { status } = response;
  if (status >= 500) problems.push({ kind: '5xx', key: `5xx ${status} ${response.body.toString('utf8').slice(0, 80)}` });
  const isJson = /json/i.test(response.headers['content-type'] ?? '');
  if (status >= 400 && isJson && response.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      problems.push({ kind: 'error body not JSON', key: `unparsable JSON error body (${status})` });
    }
    if (parsed !== undefined) {
      const shape = parsed as { error?: unknown; message?: unknown; code?: unknown };
      const keys = Object.keys(parsed as object).sort().join(',');
      if (typeof shape.error !== 'string' || !/^HY_ERR_/.test(shape.error) || typeof shape.message !== 'string' || keys !== 'error,message') {
        // Grouped by code (or, without one, by message): the messages name the path.
        const cause = shape.code !== undefined ? `code=${JSON.stringify(shape.code)}` : `message=${JSON.stringify(String(shape.message).slice(0, 60))}`;
        problems.push({ kind: 'error shape', key: `${status} not {error: HY_ERR_…, message}: error=${JSON.stringify(shape.error)} ${cause}` });
      } else if (!KNOWN_CODES.has(shape.error)) {
        problems.push({ kind: 'unknown code', key: `unknown code ${shape.error}` });
      } else if (ERRORS[shape.error as keyof typeof ERRORS].status !== status) {
        const where = isHookPost ? 'POST /hooks/…' : 'a request no route takes';
        problems.push({ kind: 'status/code mismatch', key: `${shape.error} answered with ${status}, documented ${ERRORS[shape.error as keyof typeof ERRORS].status}, to ${where} (${String(shape.message).slice(0, 60)})` });
      }
    }
  }
  if (isHookPost && status >= 200 && status < 300) {
    if (built.cred !== 'right' && built.cred !== 'dup') problems.push({ kind: 'accepted without credential', key: `2xx with credential "${built.cred}" for ${spec.credFor}` });
    let ok = false;
    try {
      const answer = JSON.parse(response.body.toString('utf8')) as { hook?: unknown; duplicate?: unknown };
      ok = Number.isSafeInteger(answer.hook) && (status === 202 ? answer.duplicate === undefined : answer.duplicate === true);
    } catch {
      ok = false;
    }
    if (!ok) problems.push({ kind: 'bad 2xx body', key: `2xx body ${status}` });
  }
  if (spec.expect) {
    let code: string | undefined;
    try {
      code = (JSON.parse(response.body.toString('utf8')) as { error?: string }).error;
    } catch {
      code = undefined;
    }
    const statuses = Array.isArray(spec.expect.status) ? spec.expect.status : [spec.expect.status];
    if (!statuses.includes(status) || (spec.expect.code !== undefined && code !== spec.expect.code)) {
      problems.push({ kind: 'contract', key: `${spec.label} on ${spec.credFor} (credential ${spec.cred}): expected ${statuses.join(' or ')}${spec.expect.code ? ` ${spec.expect.code}` : ''}, got ${status} ${code ?? ''}` });
    }
  }
  return problems;
}

// --- the run -------------------------------------------------------------------------------

let hub: ListeningHub;

beforeAll(async () => {
  hub = await startListeningHub(fixtureConfig(CONFIG));
});
afterAll(async () => {
  await hub?.dispose();
});

describe('fuzzing a listening hub', () => {
  it(
    `answers ${RUNS} random requests (seed ${SEED}) within the contract and keeps serving`,
    async () => {
      // The hand-written signers agree with the official libraries (else "right" would not be).
      const probe = Buffer.from('{"probe":true}');
      expect(standardSign(STD_SECRET, 'msg_1', '1700000000', probe)).toBe(signStandard(STD_SECRET, 'msg_1', 1_700_000_000, probe.toString()));

      const specs = fc.sample(specArb, { numRuns: RUNS, seed: SEED });
      const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
      const violations: Violation[] = [];
      const statuses = new Map<string, number>();
      const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
      /**
       * How each request ended, exactly one per request: answered (the first answer's status class
       * counted in `classes`), never sent (node:http refused to build it), cut off where the contract
       * allows no answer, or unanswered (a violation).
       */
      const ended = { answered: 0, neverSent: 0, cutOff: 0, unanswered: 0 };
      const classes = new Map<string, number>();
      const answered = (status: number) => {
        ended.answered += 1;
        const kind = `${Math.floor(status / 100)}xx`;
        classes.set(kind, (classes.get(kind) ?? 0) + 1);
      };
      /** Hook POSTs answered 202: each is a new stored hook. */
      let taken = 0;
      const started = Date.now();

      const record = (spec: Spec, request: SendRequest, problems: Array<{ kind: string; key: string }>, response: string) => {
        for (const problem of problems) {
          violations.push({ ...problem, spec: `${spec.label} transport=${spec.transport} wire=${spec.wire}`, request: describeRequest(request), response });
        }
      };

      try {
        await pool(specs, IN_FLIGHT, async (spec) => {
          const built = build(spec);
          const isHookPost = spec.method === 'POST' && built.request.path.startsWith('/hooks/');
          if (spec.transport === 'http') {
            const result = await send(hub.port, agent, built.request);
            if (!result.ok) {
              count(`http:${result.error}`);
              if (result.error.startsWith('refused by node:http')) {
                ended.neverSent += 1;
                return;
              }
              const previous = result.previous;
              if (previous && previous.connection === undefined && previous.status >= 400) {
                // The connection died under a request that was fine: the answer before it on the
                // same keep-alive connection did not say "Connection: close", yet the server closed.
                record(
                  spec,
                  built.request,
                  [{ kind: 'keep-alive broken', key: `${result.error} on the next request after a ${previous.status} answered without "Connection: close" on a connection the server then closed` }],
                  `${result.error}; the answer before on this connection: ${previous.status} to ${previous.request}`,
                );
                ended.unanswered += 1;
                return;
              }
              // The server may cut a connection short where it refuses a request it cannot read
              // (headers over the limit, a body over the limit it does not drain).
              const headerBytes = built.request.headers.reduce((n, [a, b]) => n + a.length + b.length + 4, 0);
              const mayDrop = headerBytes > 12_000 || (built.request.body?.length ?? 0) > BODY_LIMIT;
              if (mayDrop) ended.cutOff += 1;
              else {
                ended.unanswered += 1;
                record(spec, built.request, [{ kind: 'no answer', key: `no answer: ${result.error}` }], result.error);
              }
              return;
            }
            count(String(result.response.status));
            answered(result.response.status);
            if (isHookPost && result.response.status === 202) taken += 1;
            record(spec, built.request, checkAnswer(spec, built, result.response, isHookPost), describeResponse(result.response));
            return;
          }
          const wire = serialize(spec, built.request);
          const result = await exchange(hub.port, wire.bytes, { end: wire.end, bodiless: wire.bodiless, timeoutMs: 20_000 });
          if (result.timedOut) {
            count('raw:timeout');
            ended.unanswered += 1;
            record(spec, built.request, [{ kind: 'hang', key: `no answer within 20 s (wire ${spec.wire})` }], `timed out after ${result.elapsedMs} ms`);
            return;
          }
          if (result.responses.length === 0) {
            count('raw:closed');
            // After a half-close mid-body there is no one to answer; everything else gets an answer.
            if (spec.wire === 'short-body-fin') ended.cutOff += 1;
            else {
              ended.unanswered += 1;
              record(spec, built.request, [{ kind: 'no answer', key: `closed without an answer (wire ${spec.wire})` }], `closed; ${result.rest.length} stray bytes; ${result.error ?? ''}`);
            }
            return;
          }
          answered(result.responses[0]!.status);
          if (isHookPost && result.responses[0]!.status === 202) taken += 1;
          for (const [i, response] of result.responses.entries()) {
            count(`${response.status}`);
            record(spec, built.request, checkAnswer(i === 0 ? spec : { ...spec, expect: null }, built, response, i === 0 && isHookPost), describeResponse(response));
          }
        });
      } finally {
        agent.destroy();
      }
      const elapsed = Date.now() - started;

      // Still serving: health, and a valid hook is taken.
      const health = await send(hub.port, new http.Agent(), { method: 'GET', path: '/healthz', headers: [] });
      expect(health.ok && health.response.status).toBe(200);
      const after = await send(hub.port, new http.Agent(), {
        method: 'POST',
        path: '/hooks/key',
        headers: [
          ['authorization', 'Bearer fuzz-key'],
          ['content-type', 'application/json'],
        ],
        body: Buffer.from(JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: 'after-fuzz' }] })),
      });
      expect(after.ok && after.response.status, after.ok ? describeResponse(after.response) : after.error).toBe(202);

      // Every hook ingest took (202) can be read: wait for the resolver, then look for hooks that
      // failed because their body could not be parsed after all.
      const deadline = Date.now() + 30_000;
      let waiting = Infinity;
      while (Date.now() < deadline) {
        waiting = (await hub.hub.store.listHooks({ status: 'received', limit: 500 })).items.length;
        if (waiting === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(waiting, 'hooks still unread 30 s after the run').toBe(0);
      const failed = (await hub.hub.store.listHooks({ status: 'failed', limit: 500 })).items;
      for (const stored of failed.filter((h) => h.errorCode === 'HY_ERR_HOOK_BODY_NOT_JSON')) {
        const full = (await hub.hub.store.getHook(stored.id))!;
        violations.push({
          kind: 'accepted but unreadable',
          key: `taken with 2xx, then failed ${stored.errorCode}`,
          spec: `stored hook ${stored.id} on ${stored.connection}`,
          request: `POST /hooks/${stored.connection} content-type=${JSON.stringify(full.contentType)} body=${describeBytes(full.body)}`,
          response: `${stored.errorCode}: ${stored.errorMessage}`,
        });
      }

      const counts = await hub.hub.store.counts();
      const summary = [...statuses.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(' ');
      console.log(`fuzz: ${specs.length} requests in ${elapsed} ms (seed ${SEED}); ended: ${JSON.stringify(ended)}; first answers: ${JSON.stringify(Object.fromEntries(classes))}; answers: ${summary}; store: ${JSON.stringify(counts)}`);

      // Every request ended one way, and every one that was sent got an answer, unless the contract
      // lets the server cut it off; the answers are all 2xx or 4xx.
      const sent = specs.length - ended.neverSent;
      expect(ended.answered + ended.neverSent + ended.cutOff + ended.unanswered, JSON.stringify(ended)).toBe(specs.length);
      expect(ended.unanswered, JSON.stringify(ended)).toBe(0);
      expect(ended.answered, JSON.stringify(ended)).toBe(sent - ended.cutOff);
      expect((classes.get('2xx') ?? 0) + (classes.get('4xx') ?? 0), JSON.stringify(Object.fromEntries(classes))).toBe(ended.answered);
      expect(classes.get('2xx') ?? 0, 'hooks taken').toBeGreaterThan(0);
      expect(classes.get('4xx') ?? 0, 'requests refused').toBeGreaterThan(0);
      // Each hook taken with 202 is stored, once; so is the one sent after the run.
      const stored = Object.values(counts.hooks).reduce((a, b) => a + b, 0);
      expect(stored, `${taken} hooks taken with 202 during the run, plus one after it`).toBe(taken + 1);

      const groups = new Map<string, Violation[]>();
      for (const violation of violations) groups.set(violation.key, [...(groups.get(violation.key) ?? []), violation]);
      const report = [...groups.entries()]
        .map(([key, list]) => {
          const examples = list
            .slice(0, 2)
            .map((v) => `      request:  ${v.request}\n      answer:   ${v.response}\n      (${v.spec})`)
            .join('\n');
          return `  [${list[0]!.kind}] ${key} — ${list.length}×\n${examples}`;
        })
        .join('\n');
      expect(violations.length, `${violations.length} contract violations in ${groups.size} groups (seed ${SEED}):\n${report}\n`).toBe(0);
    },
    120_000,
  );
});
