import { isDeepStrictEqual } from 'node:util';

import type { CatalogEvent } from '../catalog/load.js';
import { simpleName } from '../catalog/names.js';
import type { Json, JsonObject } from '../catalog/normalize.js';
import { catalogSubject } from '../catalog/subjects.js';
import type { SchemaHistory, SubjectHistory } from './history.js';

/**
 * How an event's current schema differs from the history:
 * - `new-event`: a subject with no released version, for an event type not released before;
 * - `new-event-version`: a subject with no released version whose event type or record name
 *   is a released one with a version suffix (`order.paid.v2`, `OrderPaidV2`);
 * - `field-added`: the latest released schema plus fields that have defaults;
 * - `doc-only`: the latest released schema with other documentation;
 * - `changed`: any other difference from the latest released schema.
 */
export type SchemaChangeKind =
  | 'new-event'
  | 'new-event-version'
  | 'field-added'
  | 'doc-only'
  | 'changed';

/** Version bump a schema change calls for, from the smallest to the largest. */
export type SuggestedBump = 'patch' | 'patch or minor' | 'minor';

const BUMP_ORDER: readonly SuggestedBump[] = ['patch', 'patch or minor', 'minor'];

/** One event whose current schema is not the latest released version of its subject. */
export interface UnreleasedSchemaChange {
  /** Subject without topic prefix, as the history names it. */
  subject: string;
  event: CatalogEvent;
  kind: SchemaChangeKind;
  bump: SuggestedBump;
  /** For `new-event-version`: the released subject of the event it is a version of. */
  versionOf?: string;
  /** For `field-added`: paths of the added fields, such as `OrderPaid.note`. */
  addedFields?: string[];
}

const SUGGESTED_BUMP: Record<SchemaChangeKind, SuggestedBump> = {
  // A new event type or version adds publish methods and types to the SDK: a feature.
  'new-event': 'minor',
  'new-event-version': 'minor',
  // Consumers read the old and new schema alike; publishers may start sending the field.
  'field-added': 'patch or minor',
  'doc-only': 'patch',
  // Anything else (an enum symbol, a widened type, a removed field) changes the generated
  // types users compile against, so it is released as a feature at least.
  changed: 'minor',
};

/**
 * Lists the catalog events whose normalized schema differs from the latest released version
 * of their subject in the history, in catalog order, each with the kind of change and the
 * bump it calls for. An empty list means the release would add nothing to the history.
 */
export function unreleasedSchemaChanges(
  history: SchemaHistory,
  events: readonly CatalogEvent[],
): UnreleasedSchemaChange[] {
  const changes: UnreleasedSchemaChange[] = [];
  for (const event of events) {
    const subject = catalogSubject(event);
    const entry = history.subjects[subject];
    const latest = entry?.versions[entry.versions.length - 1];
    if (latest?.schema === event.canonical) continue;
    const change = latest
      ? classifyEdit(latest.schema, event)
      : classifyNewSubject(history, subject, event);
    changes.push({ subject, event, ...change, bump: SUGGESTED_BUMP[change.kind] });
  }
  return changes;
}

/** Returns the largest bump of a list of changes, or undefined for an empty list. */
export function largestBump(
  changes: readonly { bump: SuggestedBump }[],
): SuggestedBump | undefined {
  let largest: SuggestedBump | undefined;
  for (const { bump } of changes) {
    if (largest === undefined || BUMP_ORDER.indexOf(bump) > BUMP_ORDER.indexOf(largest)) {
      largest = bump;
    }
  }
  return largest;
}

type Classification = Pick<UnreleasedSchemaChange, 'kind' | 'versionOf' | 'addedFields'>;

function classifyNewSubject(
  history: SchemaHistory,
  subject: string,
  event: CatalogEvent,
): Classification {
  const typeBase = withoutVersionSuffix(event.type, /\.v\d+$/);
  const recordBase = withoutVersionSuffix(event.recordName, /V\d+$/);
  for (const [name, entry] of Object.entries(history.subjects)) {
    if (name === subject) continue;
    const sameType = withoutVersionSuffix(entry.eventType, /\.v\d+$/) === typeBase;
    const record = releasedRecordName(entry);
    const sameRecord = record !== undefined && withoutVersionSuffix(record, /V\d+$/) === recordBase;
    if (sameType || sameRecord) return { kind: 'new-event-version', versionOf: name };
  }
  return { kind: 'new-event' };
}

function withoutVersionSuffix(name: string, suffix: RegExp): string {
  return name.replace(suffix, '');
}

function releasedRecordName(entry: SubjectHistory): string | undefined {
  const latest = entry.versions[entry.versions.length - 1];
  try {
    const schema: unknown = JSON.parse(latest?.schema ?? 'null');
    return isObject(schema) && typeof schema.name === 'string' ? schema.name : undefined;
  } catch {
    // An unreadable released schema names no record; the compatibility check reports it.
    return undefined;
  }
}

// Compares the schemas without documentation first, so a doc edit anywhere (records,
// fields, enums, shared types) counts as documentation only. Then it drops the fields that
// the new schema adds with a default and compares again.
function classifyEdit(releasedText: string, event: CatalogEvent): Classification {
  let released: Json;
  try {
    released = JSON.parse(releasedText) as Json;
  } catch {
    return { kind: 'changed' };
  }
  const previous = withoutDocs(released);
  const next = withoutDocs(event.schema);
  if (isDeepStrictEqual(next, previous)) return { kind: 'doc-only' };
  const addedFields: string[] = [];
  const pruned = withoutAddedFields(next, previous, simpleName(event.recordName), addedFields);
  if (addedFields.length > 0 && isDeepStrictEqual(pruned, previous)) {
    return { kind: 'field-added', addedFields };
  }
  return { kind: 'changed' };
}

// Removes `doc` from every schema object. Default values are data, not schema, so they
// are kept as they are even when they hold an object with a `doc` key.
function withoutDocs(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutDocs);
  if (!isObject(node)) return node;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'doc') continue;
    copy[key] = key === 'default' ? value : withoutDocs(value);
  }
  return copy;
}

// Walks `next` along `previous` and leaves out each record field that `previous` lacks and
// that has a default, recording its path. Records pair by name, union branches by position,
// fields by name; anything else is returned unchanged, so the comparison after it fails.
function withoutAddedFields(next: Json, previous: Json, path: string, added: string[]): Json {
  if (Array.isArray(next)) {
    if (!Array.isArray(previous) || previous.length !== next.length) return next;
    return next.map((branch, index) =>
      withoutAddedFields(branch, previous[index] as Json, path, added),
    );
  }
  if (!isObject(next) || !isObject(previous) || next.type !== previous.type) return next;
  if (next.type === 'array') {
    const items = next.items ?? null;
    const previousItems = previous.items ?? null;
    return { ...next, items: withoutAddedFields(items, previousItems, `${path}[]`, added) };
  }
  if (next.type === 'map') {
    const values = next.values ?? null;
    const previousValues = previous.values ?? null;
    return { ...next, values: withoutAddedFields(values, previousValues, `${path}{}`, added) };
  }
  if (next.type !== 'record' || next.name !== previous.name) return next;
  return { ...next, fields: withoutAddedRecordFields(next, previous, path, added) };
}

function withoutAddedRecordFields(
  next: JsonObject,
  previous: JsonObject,
  path: string,
  added: string[],
): Json[] {
  const previousFields = Array.isArray(previous.fields) ? previous.fields.filter(isObject) : [];
  const fields: Json[] = [];
  for (const field of Array.isArray(next.fields) ? next.fields : []) {
    if (!isObject(field)) {
      fields.push(field);
      continue;
    }
    const fieldPath = `${path}.${String(field.name)}`;
    const old = previousFields.find((candidate) => candidate.name === field.name);
    if (old === undefined && 'default' in field) {
      added.push(fieldPath);
    } else if (old === undefined) {
      fields.push(field);
    } else {
      const type = withoutAddedFields(field.type ?? null, old.type ?? null, fieldPath, added);
      fields.push({ ...field, type });
    }
  }
  return fields;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
