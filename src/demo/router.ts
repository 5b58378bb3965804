/**
 * A tiny method + path router for the demo servers: patterns like `/admin/products/:id`, where a
 * `:name` segment matches one URL-decoded path segment, and `:name.json` one that ends in `.json`
 * (the `.json` is not part of the value: Shopify's `/products/:id.json`). Small on purpose — the demo systems have
 * a dozen routes each and pulling in a framework would hide how little they do.
 */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /** The route for this request; `'method'` when the path exists but not for this method. */
  match(method: string, pathname: string): RouteMatch<H> | 'method' | null {
    const segments = split(pathname);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathKnown = true;
    }
    return pathKnown ? 'method' : null;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const value = actual[i]!;
    if (part.startsWith(':')) {
      // Ids such as `Item:1234` arrive URL-encoded (`Item%3A1234`) or raw; both mean the same.
      const decoded = safeDecode(value);
      if (decoded === null) return null;
      const dot = part.indexOf('.');
      if (dot === -1) {
        params[part.slice(1)] = decoded;
        continue;
      }
      const suffix = part.slice(dot);
      if (!decoded.endsWith(suffix) || decoded.length === suffix.length) return null;
      params[part.slice(1, dot)] = decoded.slice(0, -suffix.length);
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

export function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
