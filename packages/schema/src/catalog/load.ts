import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { SchemaLoadError } from './errors.js';
import { NAMED_TYPES, fullName, namespaceOf } from './names.js';
import { canonicalText, normalizeSchema } from './normalize.js';
import type { Json, JsonObject, NamedTypeSource } from './normalize.js';

/** The catalog attributes an event schema declares in its `event` attribute. */
export interface EventDeclaration {
  /** Event type, for example `order.created`. */
  type: string;
  /** Kafka topic the event is published to, before any topic prefix. */
  topic: string;
  /** Name of the top-level string field whose value is the record key. */
  key: string;
  /** Compatibility level checked for this event's subject; the catalog default applies when absent. */
  compatibility?: string;
}

/** One event of the catalog with its self-contained, normalized schema. */
export interface CatalogEvent extends EventDeclaration {
  /** Full name of the event's record, which consumers route on. */
  recordName: string;
  /** Path of the source `.avsc`, relative to the schema directory. */
  file: string;
  /** The normalized schema as a JSON value. */
  schema: JsonObject;
  /** The normalized schema as compact JSON: the exact text that gets registered. */
  canonical: string;
}

/** Every event schema and shared named type found in a schema directory. */
export interface SchemaCatalog {
  events: CatalogEvent[];
  namedTypes: Map<string, NamedTypeSource>;
}

const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Loads every `.avsc` file under a directory. A file whose top-level record has an `event`
 * attribute is an event schema; any other file defines shared named types that event
 * schemas reference by name. Events are sorted by type so generated output is stable.
 */
export async function loadSchemaCatalog(directory: string): Promise<SchemaCatalog> {
  const files = (await listSchemaFiles(directory)).sort();
  const parsed: { file: string; json: JsonObject }[] = [];
  for (const path of files) {
    const file = relative(directory, path);
    parsed.push({ file, json: await readSchemaFile(path, file) });
  }

  const namedTypes = new Map<string, NamedTypeSource>();
  for (const { file, json } of parsed) collectNamedTypes(json, undefined, file, namedTypes, '');

  const events: CatalogEvent[] = [];
  for (const { file, json } of parsed) {
    if (json.event === undefined) continue;
    const declaration = readDeclaration(json, file);
    const schema = normalizeSchema(json, file, namedTypes);
    events.push({
      ...declaration,
      recordName: schema.name as string,
      file,
      schema,
      canonical: canonicalText(schema),
    });
  }
  checkUnique(events);
  return { events: events.sort((a, b) => a.type.localeCompare(b.type)), namedTypes };
}

async function listSchemaFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listSchemaFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.avsc')) files.push(path);
  }
  return files;
}

async function readSchemaFile(path: string, file: string): Promise<JsonObject> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemaLoadError(`invalid JSON (${(error as Error).message})`, file);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SchemaLoadError('expected a JSON object that defines a named type', file);
  }
  return json as JsonObject;
}

function collectNamedTypes(
  schema: Json,
  namespace: string | undefined,
  file: string,
  types: Map<string, NamedTypeSource>,
  path: string,
): void {
  if (Array.isArray(schema)) {
    schema.forEach((branch, index) => collectNamedTypes(branch, namespace, file, types, `${path}/${index}`));
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  const type = schema.type;
  if (typeof type === 'string' && NAMED_TYPES.has(type) && typeof schema.name === 'string') {
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    const full = fullName(schema.name, ns);
    const existing = types.get(full);
    if (existing) {
      throw new SchemaLoadError(`type '${full}' is already defined in ${existing.file}`, file, path);
    }
    types.set(full, { fullName: full, schema: { ...schema, name: full }, file });
    const inner = namespaceOf(full);
    if (Array.isArray(schema.fields)) {
      schema.fields.forEach((field, index) => {
        if (field && typeof field === 'object' && !Array.isArray(field)) {
          collectNamedTypes(field.type ?? null, inner, file, types, `${path}/fields/${index}/type`);
        }
      });
    }
    return;
  }
  if (type === 'array') collectNamedTypes(schema.items ?? null, namespace, file, types, `${path}/items`);
  else if (type === 'map') collectNamedTypes(schema.values ?? null, namespace, file, types, `${path}/values`);
  else if (type !== undefined && typeof type === 'object') collectNamedTypes(type, namespace, file, types, `${path}/type`);
}

function readDeclaration(json: JsonObject, file: string): EventDeclaration {
  const event = json.event;
  if (json.type !== 'record') throw new SchemaLoadError('an event schema must be a record', file);
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new SchemaLoadError('"event" must be an object with "type", "topic" and "key"', file, '/event');
  }
  const { type, topic, key, compatibility } = event;
  if (typeof type !== 'string' || !EVENT_TYPE_PATTERN.test(type)) {
    throw new SchemaLoadError('"event.type" must be dotted lower-case words, such as order.created', file, '/event/type');
  }
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
    throw new SchemaLoadError('"event.topic" must be a valid Kafka topic name', file, '/event/topic');
  }
  if (typeof key !== 'string') throw new SchemaLoadError('"event.key" must name a field', file, '/event/key');
  if (compatibility !== undefined && typeof compatibility !== 'string') {
    throw new SchemaLoadError('"event.compatibility" must be a level name', file, '/event/compatibility');
  }
  checkKeyField(json, key, file);
  return { type, topic, key, ...(compatibility === undefined ? {} : { compatibility }) };
}

// The record key is the key field's value as UTF-8 bytes, so the field must always hold a
// string: a union with null would leave some events without a key and break per-key order.
function checkKeyField(json: JsonObject, key: string, file: string): void {
  const fields = Array.isArray(json.fields) ? json.fields : [];
  const index = fields.findIndex((field) => field !== null && typeof field === 'object' && !Array.isArray(field) && field.name === key);
  if (index === -1) {
    throw new SchemaLoadError(`"event.key" names '${key}', which is not a field of this record`, file, '/event/key');
  }
  const field = fields[index] as JsonObject;
  const type = field.type;
  const isString =
    type === 'string' ||
    (type !== null && typeof type === 'object' && !Array.isArray(type) && type.type === 'string');
  if (!isString) {
    throw new SchemaLoadError(`key field '${key}' must be a non-null string`, file, `/fields/${index}/type`);
  }
}

function checkUnique(events: CatalogEvent[]): void {
  const byType = new Map<string, CatalogEvent>();
  const byRecord = new Map<string, CatalogEvent>();
  for (const event of events) {
    const sameType = byType.get(event.type);
    if (sameType) throw new SchemaLoadError(`event type '${event.type}' is also declared in ${sameType.file}`, event.file, '/event/type');
    const sameRecord = byRecord.get(event.recordName);
    if (sameRecord) throw new SchemaLoadError(`record '${event.recordName}' is also used by ${sameRecord.file}`, event.file, '/name');
    byType.set(event.type, event);
    byRecord.set(event.recordName, event);
  }
}
