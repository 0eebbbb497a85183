import { parseCompatibilityLevel } from '../compat/levels.js';
import type { CompatibilityLevel } from '../compat/types.js';
import { SchemaLoadError } from './errors.js';
import type { EventDeclaration } from './load.js';

/**
 * Compatibility level of a subject whose schema declares none. Events are read by many
 * consumers that upgrade at their own pace, so every version must read every other.
 */
export const DEFAULT_CATALOG_COMPATIBILITY: CompatibilityLevel = 'FULL_TRANSITIVE';

/**
 * Returns an event's subject under the TopicRecordNameStrategy, `<prefix><topic>-<record full
 * name>`; the prefix is `EVENTS_TOPIC_PREFIX` of a deployment and empty by default.
 */
export function catalogSubject(
  event: Pick<EventDeclaration, 'topic'> & { recordName: string },
  topicPrefix = '',
): string {
  return `${topicPrefix}${event.topic}-${event.recordName}`;
}

/**
 * Returns the compatibility level an event declares in `event.compatibility`, or
 * `DEFAULT_CATALOG_COMPATIBILITY`. Throws a `SchemaLoadError` for an unknown level name.
 */
export function catalogCompatibility(
  event: Pick<EventDeclaration, 'compatibility'> & { file: string },
): CompatibilityLevel {
  if (event.compatibility === undefined) return DEFAULT_CATALOG_COMPATIBILITY;
  const level = parseCompatibilityLevel(event.compatibility);
  if (level === undefined) {
    throw new SchemaLoadError(
      `unknown compatibility level '${event.compatibility}'; use one of NONE, BACKWARD, ` +
        'BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE',
      event.file,
      '/event/compatibility',
    );
  }
  return level;
}
