/**
 * Which data types exist: the built-in list plus the types a configuration or its integrations
 * declare. Pure: the configuration loader collects the declarations, this decides what they come to.
 */
import { isDataTypeName } from './scope.js';
import { DATA_TYPES, type DataType } from './types.js';

/** One declaration of a type, and where it was made (for messages): `types.issue`, `integration tracker`. */
export interface TypeDeclaration {
  name: string;
  parent: string | null;
  at: string;
}

export interface TypeCatalog {
  /** Built-in types first, then the declared ones in the order first declared. */
  types: readonly DataType[];
  /** Declared parents: a hook for the child becomes a request for the parent. */
  parents: ReadonlyMap<DataType, DataType>;
}

export interface TypeProblem {
  at: string;
  message: string;
}

const BUILTIN: ReadonlySet<string> = new Set(DATA_TYPES);

/**
 * The catalog the declarations make, and what is wrong with them: a name not in lower snake case,
 * a built-in name (its meaning is fixed: declaring it again could only contradict it), an unknown
 * parent, a type its own parent, or two declarations of one type with different parents (two
 * integration files may both declare `issue`; they must agree on what it is).
 */
export function typeCatalog(declarations: readonly TypeDeclaration[]): { catalog: TypeCatalog; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const declared = new Map<string, TypeDeclaration>();
  for (const declaration of declarations) {
    if (!isDataTypeName(declaration.name)) {
      problems.push({ at: declaration.at, message: `"${declaration.name}" is not a data type name: use lower snake case (e.g. issue, issue_comment)` });
      continue;
    }
    if (BUILTIN.has(declaration.name)) {
      problems.push({ at: declaration.at, message: `${declaration.name} is a built-in data type; declare only new ones (built in: ${DATA_TYPES.join(', ')})` });
      continue;
    }
    const earlier = declared.get(declaration.name);
    if (earlier && earlier.parent !== declaration.parent) {
      problems.push({
        at: declaration.at,
        message: `${declaration.name} is declared with parent ${declaration.parent ?? 'none'} here and ${earlier.parent ?? 'none'} at ${earlier.at}; the declarations must agree`,
      });
      continue;
    }
    if (!earlier) declared.set(declaration.name, declaration);
  }
  const types: DataType[] = [...DATA_TYPES, ...declared.keys()];
  const parents = new Map<DataType, DataType>();
  for (const declaration of declared.values()) {
    if (declaration.parent === null) continue;
    if (declaration.parent === declaration.name) {
      problems.push({ at: declaration.at, message: `${declaration.name} cannot be its own parent` });
    } else if (!types.includes(declaration.parent)) {
      problems.push({ at: declaration.at, message: unknownTypeMessage(declaration.parent, types, 'parent') });
    } else {
      parents.set(declaration.name, declaration.parent);
    }
  }
  return { catalog: { types, parents }, problems };
}

/** `unknown data type "isue" (did you mean issue?); declare it under types: or use one of: …`. */
export function unknownTypeMessage(name: string, known: readonly string[], role = 'data type'): string {
  const closest = closestName(name, known);
  const hint = closest ? ` (did you mean ${closest}?)` : '';
  return `unknown ${role} "${name}"${hint}: nobody declares it; declare it under types: or use one of: ${known.join(', ')}`;
}

/**
 * The known name nearest to a misspelt one, or null when none is near: at most two edits, and at
 * most a third of the name (so "ab" does not become "gift_card" nor "id" "issue").
 */
export function closestName(name: string, known: readonly string[]): string | null {
  const limit = Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
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
