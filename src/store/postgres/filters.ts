/** The parameters of the *_candidates queries for a replay's or a cancel's filter (null: any). */
import type { CancelFilter, ReplayFilter } from '../store.js';

export function filterParams(filter: ReplayFilter | CancelFilter): unknown[] {
  return [filter.status ?? null, filter.connection ?? null, filter.scope ?? null, filter.since ?? null, filter.until ?? null];
}
