/**
 * Coalescing under a burst: how many times the hub reads a record from its source when many hooks
 * about few records arrive as fast as they can be sent.
 *
 * The parent runs the source system (a local JSON API that counts its GETs) and the load (several
 * HTTP clients at once); the hub runs in a child process (`coalescing.ts hub <dir> <source url>`),
 * as `hookyard serve` would: SQLite in a temp dir, durability full, the default engine concurrency
 * and resolution-first hold (engine.resolveFirst), no debounce. Its one destination writes
 * in-process (a code integration keeping records in a Map), so the only I/O a transfer waits on is
 * the source read.
 *
 * Usage: node --import tsx bench/coalescing.ts
 * Env: BENCH_HOOKS (10000), BENCH_RECORDS (100), BENCH_CLIENTS (64)
 * The last line is `result coalescing_reads=<source GETs> hooks=<n> records=<n>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const HOOKS = Number(process.env.BENCH_HOOKS ?? 10_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const HOOK_KEY = 'bench-hook-key';

const SOURCE_FILE = `
id: bench-source
title: Bench source
scopes: [{ scope: product/updated, description: "source product → product" }]
api:
  baseUrl: "{settings.baseUrl}"
  types:
    product:
      get: { path: "/products/{externalId}", record: product }
`;

function configText(sourceUrl: string): string {
  return `
store: { durability: full }
connections:
  source:
    integration: ./source.yaml
    webhook: { apiKey: ${HOOK_KEY} }
    settings: { baseUrl: "${sourceUrl}" }
    scopes: [product/updated]
    mappings:
      product:
        to_hub: { sync: add_and_update, fields: { sku: sku, title: title, price: price } }
  sink:
    integration: bench-sink
    webhook: { apiKey: bench-sink-key }
    scopes: [product/updated]
    mappings:
      product:
        from_hub: { sync: add_and_update, fields: { sku: sku, title: title, price: price } }
`;
}

if (process.argv[2] === 'hub') await runHub(process.argv[3]!, process.argv[4]!);
else await main();

/** The child: a hub as `hookyard serve` runs it, with an in-process destination. */
async function runHub(dir: string, sourceUrl: string): Promise<void> {
  const { buildConfig, createHub, defineIntegration, openStore } = await import('../src/index.js');
  const { parse } = await import('yaml');
  const written = new Map<string, Record<string, unknown>>();
  const sink = defineIntegration({
    id: 'bench-sink',
    scopes: [{ scope: 'product/updated', description: 'sink product ← product' }],
    async create(_type, record) {
      const externalId = String(written.size + 1);
      written.set(externalId, record);
      return { externalId };
    },
    async update(_type, externalId, record) {
      written.set(externalId, record);
    },
  });
  const config = buildConfig(parse(configText(sourceUrl)), {
    file: join(dir, 'hookyard.yaml'),
    imported: new Map([['bench-sink', { integration: sink, problems: [] as [] }]]),
  });
  const store = await openStore({ dataDir: join(dir, 'data'), durability: config.store.durability });
  const hub = await createHub({ config, store });
  const port = Number(new URL(await hub.listen(0, '127.0.0.1')).port);
  process.stdout.write(`${JSON.stringify({ bench: 'ready', port })}\n`);
  process.once('SIGTERM', () => {
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-coalescing-'));
  writeFileSync(join(dir, 'source.yaml'), SOURCE_FILE);

  // The source: GET /products/:id → {"product": {...}}, the record's current version.
  const versions = new Map<string, number>();
  const readsOf = new Map<string, number>();
  let reads = 0;
  const source = createServer((req, res) => {
    const match = /^\/products\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    reads += 1;
    const id = decodeURIComponent(match[1]!);
    readsOf.set(id, (readsOf.get(id) ?? 0) + 1);
    const version = versions.get(id) ?? 0;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ product: { id, sku: `SKU-${id}`, title: `Product ${id} v${version}`, price: version } }));
  });
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  const sourceUrl = `http://127.0.0.1:${(source.address() as { port: number }).port}`;

  let child: ChildProcess | null = null;
  const cleanUp = () => {
    child?.kill('SIGTERM');
    source.close();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });

  try {
    child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'hub', dir, sourceUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      child!.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it was ready`)));
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        try {
          const message = JSON.parse(line) as { bench?: string; port?: number };
          if (message.bench === 'ready') resolve(message.port!);
        } catch {
          // not one of ours
        }
      });
    });
    const hub = `http://127.0.0.1:${port}`;
    console.log(`coalescing: ${HOOKS} hooks over ${RECORDS} records, ${CLIENTS} clients, hub at ${hub}, source at ${sourceUrl}`);

    const started = performance.now();
    let sent = 0;
    let accepted = 0;
    let refused = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const progress = setInterval(() => {
      console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${accepted}/${HOOKS} hooks accepted, ${reads} source reads`);
    }, 1_000);
    // Each client sends its share one after the other: hook i is about record i mod RECORDS, and
    // the source's record changes just before its hook is sent.
    const client = async () => {
      while (sent < HOOKS) {
        const i = sent++;
        const id = String(i % RECORDS);
        versions.set(id, (versions.get(id) ?? 0) + 1);
        const status = await post(agent, `${hub}/hooks/source`, JSON.stringify({ notifications: [{ scope: 'product/updated', external_id: id }] }));
        if (status === 202) accepted += 1;
        else refused += 1;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const sentMs = performance.now() - started;

    // Until every hook is resolved and no transfer waits or runs.
    let counts: { hooks: Record<string, number>; transfers: Record<string, number>; reasons: Record<string, number> };
    for (;;) {
      counts = ((await (await fetch(`${hub}/readyz`)).json()) as { counts: typeof counts }).counts;
      const open = counts.hooks.received! + counts.transfers.queued! + counts.transfers.running! + counts.transfers.retrying!;
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const doneMs = performance.now() - started;
    clearInterval(progress);
    agent.destroy();

    // Every record ends as the source has it now.
    const stale: string[] = [];
    const hubIdOf = new Map<string, number>();
    for (let before: number | null = null; hubIdOf.size < versions.size; ) {
      const page = (await (await fetch(`${hub}/api/transfers?connection=source&limit=500${before === null ? '' : `&before=${before}`}`)).json()) as {
        items: Array<{ externalId: string; hubId: number | null }>;
        next: number | null;
      };
      for (const t of page.items) if (t.hubId !== null && !hubIdOf.has(t.externalId)) hubIdOf.set(t.externalId, t.hubId);
      if (page.next === null) break;
      before = page.next;
    }
    for (const [id, version] of versions) {
      const hubId = hubIdOf.get(id);
      const record = hubId === undefined ? null : ((await (await fetch(`${hub}/api/records/product/${hubId}`)).json()) as { record: { data: { price: number } } }).record;
      if (record?.data.price !== version) stale.push(id);
    }

    const maxPerRecord = Math.max(0, ...readsOf.values());
    const rows: Array<[string, string]> = [
      ['hooks sent', String(HOOKS)],
      ['hooks accepted (202)', String(accepted)],
      ['hooks refused', String(refused)],
      ['records', String(RECORDS)],
      ['source reads (GET)', String(reads)],
      ['reads per record, max', String(maxPerRecord)],
      ['transfers succeeded', String(counts!.transfers.succeeded ?? 0)],
      ['transfers skipped', String(counts!.transfers.skipped ?? 0)],
      ['transfers dead', String(counts!.transfers.dead ?? 0)],
      ['records behind the source', String(stale.length)],
      ['sending took', `${(sentMs / 1000).toFixed(2)} s`],
      ['until all finished', `${(doneMs / 1000).toFixed(2)} s`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('');
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log('');
    if (refused > 0 || stale.length > 0) {
      console.error(`coalescing: ${refused} hooks refused, ${stale.length} records behind the source (${stale.slice(0, 5).join(', ')})`);
      process.exitCode = 1;
    }
    console.log(`result coalescing_reads=${reads} hooks=${HOOKS} records=${RECORDS}`);
  } finally {
    cleanUp();
  }
}

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${HOOK_KEY}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}
