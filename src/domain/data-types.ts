/**
 * Which data types exist: the built-in list plus the types a configuration or its integrations
 * declare. Pure: the configuration loader collects the declarations, this decides what they come to.
 */
import { didYouMean } from './closest.js';
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

/** `unknown data type "isue" (did you mean "issue"?): nobody declares it; declare it under types: or use one of: …`. */
export function unknownTypeMessage(name: string, known: readonly string[], role = 'data type'): string {
  return `unknown ${role} "${name}"${didYouMean(name, known)}: nobody declares it; declare it under types: or use one of: ${known.join(', ')}`;
}
