import type { CatalogEvent } from '../catalog/load.js';
import { SchemaLoadError } from '../catalog/errors.js';
import { checkCompatibility } from '../compat/levels.js';
import { parseAvroSchemaText } from '../compat/parse.js';
import type { CompatibilityLevel, CompatibilityResult, SchemaError } from '../compat/types.js';
import { SchemaHistoryError } from './history.js';

/** A previous version of a subject's schema, labelled with its origin. */
export interface PreviousSchema {
  /** Short name for messages, such as `release 0.1.0`, `git:main` or `registry version 3`. */
  label: string;
  /** The schema text as released, committed or registered. */
  schema: string;
}

/** Verdict on one catalog event against the previous versions of its subject. */
export interface SubjectCheck {
  subject: string;
  event: CatalogEvent;
  level: CompatibilityLevel;
  /** Previous versions, oldest first; an issue's `previous` indexes this list. */
  previous: PreviousSchema[];
  result: CompatibilityResult;
}

/**
 * Checks an event's current schema against the previous versions of its subject (oldest
 * first) at a level. The current schema is parsed with default validation and the previous
 * ones without, as Confluent Schema Registry does. Throws a `SchemaLoadError` naming the
 * event's file when its schema is not valid Avro, and a `SchemaHistoryError` naming the
 * subject and version when a previous schema is not.
 */
export function checkSubject(
  subject: string,
  event: CatalogEvent,
  previous: readonly PreviousSchema[],
  level: CompatibilityLevel,
): SubjectCheck {
  const next = parseAvroSchemaText(event.canonical);
  if (!next.ok) {
    const reason = describeErrors(next.errors);
    throw new SchemaLoadError(`not a valid Avro schema: ${reason}`, event.file);
  }
  const parsedPrevious = previous.map((version) => {
    const parsed = parseAvroSchemaText(version.schema, { validateDefaults: false });
    if (parsed.ok) return parsed.schema;
    throw new SchemaHistoryError(
      `the schema of ${version.label} is not valid Avro: ${describeErrors(parsed.errors)}`,
      subject,
    );
  });
  const result = checkCompatibility(next.schema, parsedPrevious, level);
  return { subject, event, level, previous: [...previous], result };
}

function describeErrors(errors: readonly SchemaError[]): string {
  return errors.map((error) => `${error.message} (at ${error.location})`).join('; ');
}
