export { loadSchemaCatalog } from './catalog/load.js';
export type { CatalogEvent, EventDeclaration, SchemaCatalog } from './catalog/load.js';
export { canonicalText, normalizeSchema } from './catalog/normalize.js';
export type { Json, JsonObject, NamedTypeSource } from './catalog/normalize.js';
export { SchemaLoadError } from './catalog/errors.js';
export { fullName, namespaceOf, simpleName, PRIMITIVE_TYPES, NAMED_TYPES } from './catalog/names.js';
export * from './compat/index.js';
