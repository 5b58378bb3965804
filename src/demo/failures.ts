/**
 * Failure injection for tests: make chosen requests answer with an error status, or answer
 * slowly, a number of times or until cleared, so the hub's retry and error handling can be
 * exercised against a system that is otherwise real. Rules are checked in the order they were
 * added.
 */
export interface RequestInfo {
  method: string;
  /** The path as sent (possibly URL-encoded) and decoded; `pathIncludes` matches either. */
  path: string;
  decodedPath: string;
}

export interface FailureRule {
  method?: string;
  pathIncludes?: string;
  /** Any further condition; all given conditions must hold. */
  match?: (request: RequestInfo) => boolean;
  /** How many requests fail; unlimited when left out. */
  times?: number;
  /** Default 500, unless the rule only delays (has `delayMs`): then the real status stands. */
  status?: number;
  /** Default: the system's usual error body. */
  body?: unknown;
  /** Headers of the failed answer, e.g. `Retry-After` with a 429. */
  headers?: Record<string, string>;
  /** Wait this long: before processing, or with `applyFirst` only before answering. */
  delayMs?: number;
  /**
   * Process the request normally first (state changes, webhooks are queued), then delay the
   * answer and, when `status` is given, answer with it instead: a reply lost or slow on the
   * network, after which the caller may give up or crash without knowing the write happened.
   */
  applyFirst?: boolean;
}

/** What to do to one request, as decided by the first matching rule. */
export interface FailureAction {
  /** Answer with this status instead of the real one; undefined keeps the real answer. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs: number;
  applyFirst: boolean;
}

export interface ActiveFailure {
  /** Requests this rule has failed so far. */
  readonly hits: number;
  clear(): void;
}

interface Entry {
  rule: FailureRule;
  hits: number;
}

export class FailureInjector {
  private entries: Entry[] = [];

  add(rule: FailureRule | ((request: RequestInfo) => boolean)): ActiveFailure {
    const entry: Entry = { rule: typeof rule === 'function' ? { match: rule } : rule, hits: 0 };
    this.entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      clear: () => {
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  clear(): void {
    this.entries = [];
  }

  /** What to do to this request, or null; uses up one of the rule's `times`. */
  take(request: RequestInfo): FailureAction | null {
    const entry = this.entries.find((e) => matches(e.rule, request));
    if (!entry) return null;
    entry.hits += 1;
    // A rule that has used up its times removes itself, so `times: 2` means "fail twice, then work".
    if (entry.rule.times !== undefined && entry.hits >= entry.rule.times) {
      this.entries = this.entries.filter((e) => e !== entry);
    }
    const { status, body, headers, delayMs, applyFirst } = entry.rule;
    // A rule that only delays keeps the real status; any other rule is an error, 500 by default.
    const answer = status ?? (delayMs === undefined ? 500 : undefined);
    return { ...(answer === undefined ? {} : { status: answer, body, headers }), delayMs: delayMs ?? 0, applyFirst: applyFirst === true };
  }
}

function matches(rule: FailureRule, request: RequestInfo): boolean {
  if (rule.times !== undefined && rule.times <= 0) return false;
  if (rule.method && rule.method.toUpperCase() !== request.method) return false;
  if (rule.pathIncludes && !request.path.includes(rule.pathIncludes) && !request.decodedPath.includes(rule.pathIncludes)) {
    return false;
  }
  return rule.match ? rule.match(request) : true;
}
