/**
 * The window arithmetic both stores' prunes share (roles/retention.ts): which cutoff ends the walk,
 * and what one window's pass hands the next.
 */
import type { PruneStep } from './roles/retention.js';

/** The latest of the cutoffs given (null when none is): rows of a window at or after it are too young for all. */
export function youngest(...cutoffs: Array<number | null>): number | null {
  const given = cutoffs.filter((c): c is number => c !== null);
  return given.length === 0 ? null : Math.max(...given);
}

/** Nothing (more) to prune: no cutoff, or no rows after the window's start. */
export const PRUNE_DONE: PruneStep = { pruned: 0, next: null, busy: false };

/**
 * After removing `pruned` rows of the window whose last id is `last` and whose newest row is as
 * old as `newest`: the walk goes on after `last` unless that row is already too young for `cutoff`.
 */
export function nextStep(pruned: number, window: Record<string, unknown>, cutoff: number): PruneStep {
  return { pruned, next: Number(window.newest) >= cutoff ? null : Number(window.last), busy: false };
}
