/**
 * The operator's console at /ui/: a few static files (src/ui/assets, copied to dist/ui/assets by
 * the build) read once at start and served from memory. They hold no data: every page reads the
 * admin API, which asks for the admin token when one is set. Any other path under /ui/ answers
 * the console's index, whose script routes on the URL's #fragment.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const ASSETS = new URL('./assets/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Scripts and styles from this origin only; API calls to it; nothing inline, nothing framed. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(ASSETS)) {
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) continue;
    const body = readFileSync(new URL(name, ASSETS));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  if (!assets.has('index.html')) throw new Error(`the console's index.html is missing from ${ASSETS.pathname}`);
  return assets;
}

export async function uiPlugin(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  const index = assets.get('index.html')!;

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset) => {
    // no-cache: the browser keeps a copy and asks each time; the ETag makes that a 304.
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('x-content-type-options', 'nosniff').header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  app.get('/ui', (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(query === -1 ? '/ui/' : `/ui/${request.url.slice(query)}`, 301);
  });
  app.get('/ui/', (request, reply) => send(request, reply, index));
  app.get('/ui/*', (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    return send(request, reply, assets.get(path) ?? index);
  });
}
