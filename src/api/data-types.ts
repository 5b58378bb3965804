import { z } from 'zod';
import type { DataType } from '../domain/types.js';

/** A type named in a request: the hub's types are the configuration's (built in and declared), so the schema is made per hub. */
export function dataTypeSchema(types: readonly DataType[]) {
  return z.string().refine((type) => types.includes(type), { message: `not a data type of this hub (known: ${types.join(', ')})` });
}
