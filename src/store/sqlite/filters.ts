/** The parameters of the *_candidates queries for a replay's or a cancel's filter (null: any). */
import type { CancelFilter, ReplayFilter } from '../store.js';

export function filterParams(filter: ReplayFilter | CancelFilter) {
  return {
    status: filter.status ?? null,
    connection: filter.connection ?? null,
    scope: filter.scope ?? null,
    since: filter.since ?? null,
    until: filter.until ?? null,
  };
}
