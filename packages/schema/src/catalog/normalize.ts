import { SchemaLoadError } from './errors.js';
import { NAMED_TYPES, PRIMITIVE_TYPES, fullName, namespaceOf } from './names.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A named type found in some schema file, kept with the file it came from for error messages. */
export interface NamedTypeSource {
  fullName: string;
  schema: JsonObject;
  file: string;
}

// Attributes in the order the normalized form writes them; any other attribute follows,
// sorted by name. A fixed order makes the text, and so the registered schema id, depend
// only on the schema's meaning and not on how its file happens to be laid out.
const TYPE_KEY_ORDER = [
  'type',
  'name',
  'doc',
  'fields',
  'symbols',
  'items',
  'values',
  'size',
  'default',
  'aliases',
  'logicalType',
  'precision',
  'scale',
];
const FIELD_KEY_ORDER = ['name', 'doc', 'type', 'default', 'order', 'aliases'];

// Attributes that belong to this repository's catalog, not to the Avro schema, so they
// stay out of the registered text.
const CATALOG_ATTRIBUTES = new Set(['event']);

interface Context {
  file: string;
  types: ReadonlyMap<string, NamedTypeSource>;
  defined: Set<string>;
}

/**
 * Builds the self-contained normalized form of a schema: every named type referenced from
 * another file is inlined at its first use, every name is written as a full name (so no
 * `namespace` attribute remains), attributes follow one fixed order, and catalog attributes
 * are dropped.
 */
export function normalizeSchema(
  schema: JsonObject,
  file: string,
  types: ReadonlyMap<string, NamedTypeSource>,
): JsonObject {
  const context: Context = { file, types, defined: new Set() };
  return normalizeType(schema, undefined, context, '') as JsonObject;
}

/** Serializes a normalized schema as compact JSON, the exact text that gets registered. */
export function canonicalText(schema: JsonObject): string {
  return JSON.stringify(schema);
}

function normalizeType(schema: Json, namespace: string | undefined, context: Context, path: string): Json {
  if (typeof schema === 'string') return normalizeReference(schema, namespace, context, path);
  if (Array.isArray(schema)) {
    return schema.map((branch, index) => normalizeType(branch, namespace, context, `${path}/${index}`));
  }
  if (schema === null || typeof schema !== 'object') {
    throw new SchemaLoadError('expected a type name, a type object or a union array', context.file, path);
  }
  const type = schema.type;
  if (typeof type !== 'string' && !Array.isArray(type) && (type === null || typeof type !== 'object')) {
    throw new SchemaLoadError('a type object needs a "type" attribute', context.file, path);
  }
  if (typeof type === 'string' && NAMED_TYPES.has(type)) {
    return normalizeNamed(schema, namespace, context, path);
  }
  if (type === 'array') {
    return ordered({ ...schema, items: normalizeType(need(schema, 'items', context, path), namespace, context, `${path}/items`) });
  }
  if (type === 'map') {
    return ordered({ ...schema, values: normalizeType(need(schema, 'values', context, path), namespace, context, `${path}/values`) });
  }
  if (typeof type === 'string' && PRIMITIVE_TYPES.has(type)) {
    // A bare {"type": "string"} is the same schema as "string"; keep the object form only
    // when it carries attributes such as a logical type.
    return Object.keys(schema).length === 1 ? type : ordered(schema);
  }
  // {"type": "Money"} or {"type": {...}}: a wrapper around another type.
  return normalizeType(type as Json, namespace, context, `${path}/type`);
}

function normalizeReference(name: string, namespace: string | undefined, context: Context, path: string): Json {
  if (PRIMITIVE_TYPES.has(name)) return name;
  // Avro looks a short name up in the enclosing namespace first, then in the null namespace.
  const candidates = [fullName(name, namespace), name];
  for (const candidate of candidates) {
    if (context.defined.has(candidate)) return candidate;
  }
  for (const candidate of candidates) {
    const source = context.types.get(candidate);
    if (source) return normalizeNamed(source.schema, undefined, { ...context, file: source.file }, '');
  }
  throw new SchemaLoadError(
    `unknown type '${name}': define it in a schema file, or use a primitive type`,
    context.file,
    path,
  );
}

function normalizeNamed(schema: JsonObject, namespace: string | undefined, context: Context, path: string): Json {
  const name = schema.name;
  if (typeof name !== 'string' || name === '') {
    throw new SchemaLoadError(`a ${String(schema.type)} needs a "name"`, context.file, path);
  }
  const explicitNamespace = typeof schema.namespace === 'string' ? schema.namespace : undefined;
  const full = fullName(name, explicitNamespace ?? namespace);
  if (context.defined.has(full)) {
    throw new SchemaLoadError(`type '${full}' is defined twice`, context.file, path);
  }
  context.defined.add(full);

  const inner = namespaceOf(full);
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'namespace' || CATALOG_ATTRIBUTES.has(key)) continue;
    result[key] = value;
  }
  result.name = full;
  if (Array.isArray(schema.aliases)) {
    result.aliases = schema.aliases.map((alias) => fullName(String(alias), inner));
  }
  if (schema.type === 'record' || schema.type === 'error') {
    const fields = need(schema, 'fields', context, path);
    if (!Array.isArray(fields)) throw new SchemaLoadError('"fields" must be an array', context.file, path);
    result.fields = fields.map((field, index) => normalizeField(field, inner, context, `${path}/fields/${index}`));
  }
  return ordered(result);
}

function normalizeField(field: Json, namespace: string | undefined, context: Context, path: string): Json {
  if (field === null || typeof field !== 'object' || Array.isArray(field)) {
    throw new SchemaLoadError('a field must be an object with "name" and "type"', context.file, path);
  }
  if (typeof field.name !== 'string') throw new SchemaLoadError('a field needs a "name"', context.file, path);
  const type = normalizeType(need(field, 'type', context, path), namespace, context, `${path}/type`);
  return ordered({ ...field, type }, FIELD_KEY_ORDER);
}

function need(schema: JsonObject, key: string, context: Context, path: string): Json {
  const value = schema[key];
  if (value === undefined) throw new SchemaLoadError(`missing "${key}"`, context.file, path);
  return value;
}

function ordered(object: JsonObject, order: string[] = TYPE_KEY_ORDER): JsonObject {
  const result: JsonObject = {};
  for (const key of order) {
    if (object[key] !== undefined) result[key] = object[key];
  }
  for (const key of Object.keys(object).sort()) {
    if (!(key in result)) result[key] = object[key] as Json;
  }
  return result;
}

export type { Json, JsonObject };
