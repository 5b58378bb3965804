/** "Did you mean …?" for names a user typed: the known name nearest by edit distance, if near enough. */

/** Levenshtein distance (insert, delete, substitute: one each). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `typed`, when at most a third of it differs (so "githb" finds
 * "github", and "foo" finds nothing among long names); null otherwise.
 */
export function closest(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(typed.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(typed.length / 3)) ? best : null;
}

/** ` (did you mean "github"?)`, or nothing. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const name = closest(typed, known);
  return name === null ? '' : ` (did you mean "${name}"?)`;
}
