import type { CatalogEvent } from '../catalog/load.js';
import { catalogSubject } from '../catalog/subjects.js';

/**
 * The history file records every released version of every subject, so the compatibility
 * check compares the working tree with what consumers may already read. Its JSON layout:
 *
 *   {
 *     "$comment": "...",
 *     "formatVersion": 1,
 *     "subjects": {
 *       "<topic>-<record full name>": {
 *         "eventType": "order.paid",
 *         "versions": [{ "release": "0.1.0", "schema": "<normalized schema text>" }, ...]
 *       }
 *     }
 *   }
 *
 * Subjects carry no topic prefix, because the prefix belongs to a deployment, not to a
 * release. Versions are oldest first, and each schema is the exact text the SDK registers.
 */

/** One released version of a subject's schema. */
export interface ReleasedSchema {
  /** Package version of the release that shipped this schema, such as `0.1.0`. */
  release: string;
  /** The normalized, self-contained schema text, exactly as the SDK registers it. */
  schema: string;
}

/** The released versions of one subject. */
export interface SubjectHistory {
  /** Event type that declared the subject in its latest release. */
  eventType: string;
  /** Released versions, oldest first; never empty. */
  versions: ReleasedSchema[];
}

/** Every released schema version, by subject without topic prefix. */
export interface SchemaHistory {
  formatVersion: 1;
  subjects: Record<string, SubjectHistory>;
}

/** A history file that cannot be read, with the JSON path of the problem. */
export class SchemaHistoryError extends Error {
  override readonly name = 'SchemaHistoryError';
  readonly code = 'HISTORY_INVALID';

  constructor(
    message: string,
    readonly file: string,
    readonly path: string = '',
  ) {
    super(`${file}${path ? ` at ${path}` : ''}: ${message}`);
  }
}

/** Outcome of `appendRelease` for the subjects of the catalog. */
export interface ReleaseChanges {
  /** Subjects whose current schema became a new released version, in catalog order. */
  appended: string[];
  /** Subjects whose latest released schema equals the current one. */
  unchanged: string[];
}

const HISTORY_COMMENT =
  'Released schema versions per subject (<topic>-<record full name>, without topic prefix), ' +
  'oldest first. The release step appends to it with recordSchemaRelease from ' +
  '@caddy/events-schema; `caddy-events check` compares schemas/ with it. Do not edit released ' +
  'versions: ship a breaking change as a new event version with a new record name.';

// Semantic Versioning 2.0.0 without build metadata, which npm versions never carry.
const RELEASE_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Returns a history with no subjects. */
export function emptySchemaHistory(): SchemaHistory {
  return { formatVersion: 1, subjects: {} };
}

/**
 * Appends the current schema of each catalog event to its subject's history as released in
 * `release`, and returns the new history (the given one is not changed). A subject whose
 * latest released schema is the same text gets nothing, so running it twice for one release
 * is harmless. Subjects that the catalog no longer declares keep their history. Throws a
 * `SchemaHistoryError` for a release that is not a semantic version, and when a subject
 * already has a different schema recorded for the same release.
 */
export function appendRelease(
  history: SchemaHistory,
  events: readonly CatalogEvent[],
  release: string,
  file = 'schema history',
): { history: SchemaHistory; changes: ReleaseChanges } {
  if (!RELEASE_PATTERN.test(release)) {
    throw new SchemaHistoryError(`'${release}' is not a semantic version such as 1.2.0`, file);
  }
  const subjects = structuredClone(history.subjects);
  const changes: ReleaseChanges = { appended: [], unchanged: [] };
  for (const event of events) {
    const subject = catalogSubject(event);
    const entry = subjects[subject];
    const latest = entry?.versions[entry.versions.length - 1];
    if (latest?.schema === event.canonical) {
      entry!.eventType = event.type;
      changes.unchanged.push(subject);
      continue;
    }
    if (latest?.release === release) {
      throw new SchemaHistoryError(
        `subject '${subject}' already has a different schema recorded for release ` +
          `${release}; a release is recorded once, so remove that entry first if the ` +
          'release was never published',
        file,
        `/subjects/${subject}`,
      );
    }
    const version = { release, schema: event.canonical };
    subjects[subject] = { eventType: event.type, versions: [...(entry?.versions ?? []), version] };
    changes.appended.push(subject);
  }
  return { history: { formatVersion: 1, subjects }, changes };
}

/** One version that a release added to a subject's history. */
export interface HistoryAddition {
  subject: string;
  eventType: string;
  /** Package version of the release, such as `0.2.0`. */
  release: string;
  /** 1 for a new subject, 2 or more for a new version of an existing one. */
  version: number;
}

/**
 * Lists the versions that `after` has beyond `before`, per subject in name order: what a
 * release step added to the history. Versions are compared by position, because a history
 * only grows at the end of each subject.
 */
export function historyAdditions(before: SchemaHistory, after: SchemaHistory): HistoryAddition[] {
  const additions: HistoryAddition[] = [];
  for (const subject of Object.keys(after.subjects).sort()) {
    const entry = after.subjects[subject] as SubjectHistory;
    const known = before.subjects[subject]?.versions.length ?? 0;
    entry.versions.slice(known).forEach(({ release }, index) => {
      additions.push({ subject, eventType: entry.eventType, release, version: known + index + 1 });
    });
  }
  return additions;
}

/** Serializes a history as the file stores it: subjects sorted by name, two-space indent. */
export function formatSchemaHistory(history: SchemaHistory): string {
  const subjects: Record<string, SubjectHistory> = {};
  for (const name of Object.keys(history.subjects).sort()) {
    const entry = history.subjects[name] as SubjectHistory;
    subjects[name] = {
      eventType: entry.eventType,
      versions: entry.versions.map(({ release, schema }) => ({ release, schema })),
    };
  }
  const document = { $comment: HISTORY_COMMENT, formatVersion: 1, subjects };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Parses the text of a history file; throws a `SchemaHistoryError` naming the bad entry. */
export function parseSchemaHistory(text: string, file: string): SchemaHistory {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemaHistoryError(`invalid JSON (${(error as Error).message})`, file);
  }
  if (!isObject(json)) throw new SchemaHistoryError('expected a JSON object', file);
  if (json.formatVersion !== 1) {
    const found = JSON.stringify(json.formatVersion);
    throw new SchemaHistoryError(`unsupported formatVersion ${found}; expected 1`, file);
  }
  if (!isObject(json.subjects)) {
    throw new SchemaHistoryError('"subjects" must be an object', file, '/subjects');
  }
  const subjects: Record<string, SubjectHistory> = {};
  for (const [name, entry] of Object.entries(json.subjects)) {
    subjects[name] = readSubject(entry, file, `/subjects/${name}`);
  }
  return { formatVersion: 1, subjects };
}

function readSubject(entry: unknown, file: string, path: string): SubjectHistory {
  if (!isObject(entry) || typeof entry.eventType !== 'string') {
    throw new SchemaHistoryError('expected an object with "eventType" and "versions"', file, path);
  }
  if (!Array.isArray(entry.versions) || entry.versions.length === 0) {
    throw new SchemaHistoryError('"versions" must be a non-empty array', file, `${path}/versions`);
  }
  const versions = entry.versions.map((version: unknown, index: number) => {
    const at = `${path}/versions/${index}`;
    if (!isObject(version) || typeof version.release !== 'string') {
      throw new SchemaHistoryError('a version needs a "release" string', file, at);
    }
    if (typeof version.schema !== 'string') {
      throw new SchemaHistoryError('a version needs a "schema" string', file, at);
    }
    return { release: version.release, schema: version.schema };
  });
  return { eventType: entry.eventType, versions };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
