/** Mapping collections: turn one source record into a target record for one connection, type and direction. */
export {
  COLLISION_MODES,
  DELETE_SYNC_MODES,
  ON_DELETED_MODES,
  SYNC_MODES,
  deleteFieldSchema,
  deleteMappingSchema,
  fieldMappingSchema,
  mappingCollectionSchema,
  mappingsSchema,
  typeMappingsSchema,
  type CollisionMode,
  type DeleteFieldSpec,
  type DeleteMappingSpec,
  type DeleteSyncMode,
  type FieldMappingSpec,
  type MappingCollectionSpec,
  type MappingsSpec,
  type OnDeletedMode,
  type SyncMode,
  type TypeMappingsSpec,
} from './schema.js';
export {
  collectionFor,
  compileMappings,
  type CompiledCollection,
  type CompiledDelete,
  type CompiledExpression,
  type CompiledField,
  type CompiledMappings,
  type MappingProblem,
} from './compile.js';
export {
  applyDeleteMapping,
  applyMapping,
  type DeleteMappingResult,
  type MappingError,
  type MappingErrorCode,
  type MappingResult,
  type MappingVars,
} from './apply.js';
export { diffFields, mergeRecord } from './records.js';
export { jsonEqual, type JsonValue } from './json.js';
