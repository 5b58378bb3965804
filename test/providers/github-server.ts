/**
 * A GitHub REST API double: a real node:http server on 127.0.0.1 answering as GitHub documents
 * it — `/repos/{owner}/{repo}`, `…/issues[/{number}]` (pull requests counted as issues, with a
 * `pull_request` key), `…/pulls[/{number}]`, a bearer token, `per_page` (at most 100, default
 * 30) and `page` with a `Link` header whose URLs name the repository by id
 * (`/repositories/{id}/issues?…&page=2`, as GitHub's do), the rate-limit headers on every answer
 * (`x-ratelimit-limit/remaining/used/reset/resource`), and GitHub's error bodies: 401 "Bad
 * credentials", 404 "Not Found", 403 with none left (primary limit) and 403/429 with
 * `retry-after` (secondary limit). Records are built from GitHub's published example payloads
 * (@octokit/webhooks-examples) and kept in memory; hooks are signed with @octokit/webhooks-methods.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import { startSimulator, type Exchange, type Reply, type SimulatorRequest } from '../helpers/simulator.js';

interface WebhookDefinition {
  name: string;
  examples: Array<Record<string, any>>;
}
/** GitHub's published example payloads, by event name (the package's main file is an index of them). */
export const GITHUB_EXAMPLES: WebhookDefinition[] = createRequire(import.meta.url)('@octokit/webhooks-examples');

/** The first published example of `event` with `action`, deep-copied. */
export function example(event: string, action: string): Record<string, any> {
  const found = GITHUB_EXAMPLES.find((d) => d.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no published example of ${event}.${action}`);
  return structuredClone(found);
}

const DOCS = 'https://docs.github.com/rest';
const LIMIT = 5000;

export type Refusal =
  /** The hour's allowance spent: 403, remaining 0, reset `resetIn` seconds from now. */
  | { kind: 'primary'; resetIn: number; status?: 403 | 429 }
  /** A secondary limit: 403 or 429 with retry-after. */
  | { kind: 'secondary'; retryAfter: number; status?: 403 | 429 };

export interface GithubDouble {
  url: string;
  received: Exchange[];
  token: string;
  /** The repository `owner/name`, built from the published example's. */
  repository: Record<string, any>;
  /** Issues and pull requests by number (a pull request is also an issue, as on GitHub). */
  issues: Map<number, Record<string, any>>;
  pulls: Map<number, Record<string, any>>;
  addIssue(fields?: Record<string, unknown>): Record<string, any>;
  addPull(fields?: Record<string, unknown>): Record<string, any>;
  failNext(count: number, refusal: Refusal): void;
  revokeToken(): void;
  /** POSTs a hook as GitHub delivers it, signed with `secret` (or wrongly). */
  deliver(url: string, event: string, body: Record<string, unknown>, secret: string, options?: { wrongSignature?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export async function startGithub(options: { owner?: string; name?: string; token?: string } = {}): Promise<GithubDouble> {
  const owner = options.owner ?? 'octo-org';
  const name = options.name ?? 'hello-world';
  const token = options.token ?? `github_pat_${randomUUID().replaceAll('-', '')}`;
  const refusals: Refusal[] = [];
  let revoked = false;
  let used = 0;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let base = '';

  const issues = new Map<number, Record<string, any>>();
  const pulls = new Map<number, Record<string, any>>();
  let nextNumber = 1;

  const template = example('issues', 'opened');
  const repository: Record<string, any> = { ...template.repository, name, full_name: `${owner}/${name}`, owner: { ...template.repository.owner, login: owner } };
  const rebase = () => {
    repository.url = `${base}/repos/${owner}/${name}`;
    repository.html_url = `https://github.com/${owner}/${name}`;
  };

  const issueOf = (number: number, fields: Record<string, unknown> = {}): Record<string, any> => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, number)).toISOString().replace('.000', '');
    return {
      ...structuredClone(template.issue),
      id: 444_500_000 + number,
      node_id: `I_kwDO${number}`,
      number,
      url: `${base}/repos/${owner}/${name}/issues/${number}`,
      repository_url: `${base}/repos/${owner}/${name}`,
      html_url: `https://github.com/${owner}/${name}/issues/${number}`,
      title: `Issue ${number}`,
      created_at: at,
      updated_at: at,
      ...fields,
    };
  };

  const addIssue = (fields: Record<string, unknown> = {}) => {
    const issue = issueOf(nextNumber++, fields);
    issues.set(issue.number, issue);
    return issue;
  };
  const addPull = (fields: Record<string, unknown> = {}) => {
    const number = nextNumber++;
    const pr = {
      ...structuredClone(example('pull_request', 'opened').pull_request),
      id: 279_147_000 + number,
      number,
      url: `${base}/repos/${owner}/${name}/pulls/${number}`,
      html_url: `https://github.com/${owner}/${name}/pull/${number}`,
      issue_url: `${base}/repos/${owner}/${name}/issues/${number}`,
      title: `Pull request ${number}`,
      ...fields,
    };
    pulls.set(number, pr);
    // GitHub counts it as an issue too: the issue endpoints give it with a `pull_request` key.
    issues.set(number, { ...issueOf(number, { title: pr.title }), html_url: pr.html_url, pull_request: { url: pr.url, html_url: pr.html_url, diff_url: pr.diff_url, patch_url: pr.patch_url, merged_at: pr.merged_at } });
    return pr;
  };

  function rateHeaders(remaining: number, reset: number, resource = 'core'): Record<string, string> {
    return { 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used': String(LIMIT - remaining), 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': resource };
  }

  function answer(req: SimulatorRequest): Reply & { headers: Record<string, string> } {
    const authorization = req.headers.authorization ?? '';
    const given = /^(?:Bearer|token) (.+)$/.exec(authorization)?.[1];
    if (given !== token || revoked) {
      // Unauthenticated answers count against the per-IP allowance (60 an hour).
      return { status: 401, json: { message: 'Bad credentials', documentation_url: DOCS, status: '401' }, headers: rateHeaders(59, resetAt) };
    }
    const refusal = refusals.shift();
    used += 1;
    if (refusal?.kind === 'primary') {
      const reset = Math.floor(Date.now() / 1000) + refusal.resetIn;
      return {
        status: refusal.status ?? 403,
        json: { message: 'API rate limit exceeded for user ID 583231. If you reach out to GitHub Support for help, please include the request ID 7C11:2B3C:1A2B3C:4D5E6F.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: String(refusal.status ?? 403) },
        headers: rateHeaders(0, reset),
      };
    }
    const headers = rateHeaders(LIMIT - used, resetAt);
    if (refusal?.kind === 'secondary') {
      return {
        status: refusal.status ?? 403,
        json: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 7C11:2B3C:1A2B3C:4D5E6F.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`, status: String(refusal.status ?? 403) },
        headers: { ...headers, 'retry-after': String(refusal.retryAfter) },
      };
    }
    const notFound = (doc: string) => ({ status: 404, json: { message: 'Not Found', documentation_url: `${DOCS}/${doc}`, status: '404' }, headers });

    const repoPath = `/repos/${owner}/${name}`;
    const byId = `/repositories/${repository.id}`;
    let path = req.path;
    if (path.startsWith(byId)) path = repoPath + path.slice(byId.length);
    if (path === repoPath && req.method === 'GET') return { status: 200, json: repository, headers };
    if (!path.startsWith(`${repoPath}/`)) return notFound('repos/repos#get-a-repository');
    const rest = path.slice(repoPath.length + 1).split('/');
    const [collection, numberText] = rest;
    if (rest.length > 2 || (collection !== 'issues' && collection !== 'pulls')) return notFound('repos/repos#get-a-repository');
    const records = collection === 'issues' ? issues : pulls;

    if (numberText !== undefined) {
      const number = Number(numberText);
      const record = /^\d+$/.test(numberText) ? records.get(number) : undefined;
      if (req.method === 'GET') return record ? { status: 200, json: record, headers } : notFound(`${collection}/${collection}#get-${collection === 'issues' ? 'an-issue' : 'a-pull-request'}`);
      if (req.method === 'PATCH' && record && collection === 'issues') {
        const changed = { ...record, ...JSON.parse(req.body), updated_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        issues.set(number, changed);
        return { status: 200, json: changed, headers };
      }
      return notFound('issues/issues#update-an-issue');
    }
    if (req.method === 'POST' && collection === 'issues') {
      const fields = JSON.parse(req.body) as Record<string, unknown>;
      if (typeof fields.title !== 'string') {
        return { status: 422, json: { message: 'Invalid request.\n\n"title" wasn\'t supplied.', documentation_url: `${DOCS}/issues/issues#create-an-issue`, status: '422' }, headers };
      }
      return { status: 201, json: addIssue(fields), headers };
    }
    if (req.method !== 'GET') return notFound('issues/issues');

    // A list, newest first, as GitHub sorts by default (created, desc).
    const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
    const state = req.query.get('state') ?? 'open';
    const all = [...records.values()].filter((r) => state === 'all' || r.state === state).sort((a, b) => b.number - a.number);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number) => {
      const next = new URL(`${base}${byId}/${collection}`);
      for (const [key, value] of req.query) if (key !== 'page') next.searchParams.set(key, value);
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`);
    return { status: 200, json: all.slice((page - 1) * perPage, page * perPage), headers: { ...headers, ...(links.length ? { link: links.join(', ') } : {}) } };
  }

  const server = await startSimulator((req) => {
    const result = answer(req);
    return {
      ...result,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `7C11:${randomUUID().slice(0, 4).toUpperCase()}`,
        ...result.headers,
      },
    };
  });
  base = server.url;
  rebase();

  return {
    url: base,
    received: server.received,
    token,
    repository,
    issues,
    pulls,
    addIssue,
    addPull,
    failNext(count, refusal) {
      for (let i = 0; i < count; i += 1) refusals.push(refusal);
    },
    revokeToken() {
      revoked = true;
    },
    async deliver(url, event, body, secret, opts = {}) {
      const payload = JSON.stringify(body);
      return fetch(url, {
        method: 'POST',
        headers: {
          accept: '*/*',
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/a7b3c9d',
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-github-hook-id': '292430182',
          'x-github-hook-installation-target-id': String(repository.id),
          'x-github-hook-installation-target-type': 'repository',
          'x-hub-signature-256': await sign(opts.wrongSignature ? `${secret}-not-it` : secret, payload),
        },
        body: payload,
      });
    },
    close: server.close,
  };
}
