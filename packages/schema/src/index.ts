export { loadSchemaCatalog } from './catalog/load.js';
export type { CatalogEvent, EventDeclaration, SchemaCatalog } from './catalog/load.js';
export { canonicalText, normalizeSchema } from './catalog/normalize.js';
export type { Json, JsonObject, NamedTypeSource } from './catalog/normalize.js';
export { SchemaLoadError } from './catalog/errors.js';
export { fullName, namespaceOf, simpleName, PRIMITIVE_TYPES, NAMED_TYPES } from './catalog/names.js';
export {
  catalogCompatibility,
  catalogSubject,
  DEFAULT_CATALOG_COMPATIBILITY,
} from './catalog/subjects.js';
export * from './compat/index.js';
export { largestBump, unreleasedSchemaChanges } from './history/changes.js';
export type {
  SchemaChangeKind,
  SuggestedBump,
  UnreleasedSchemaChange,
} from './history/changes.js';
export { checkSubject } from './history/check.js';
export type { PreviousSchema, SubjectCheck } from './history/check.js';
export {
  HISTORY_FILE_NAME,
  readSchemaHistory,
  recordSchemaRelease,
  writeSchemaHistory,
} from './history/file.js';
export type { RecordReleaseOptions, RecordReleaseResult } from './history/file.js';
export {
  appendRelease,
  emptySchemaHistory,
  formatSchemaHistory,
  historyAdditions,
  parseSchemaHistory,
  SchemaHistoryError,
} from './history/history.js';
export type {
  HistoryAddition,
  ReleaseChanges,
  ReleasedSchema,
  SchemaHistory,
  SubjectHistory,
} from './history/history.js';
