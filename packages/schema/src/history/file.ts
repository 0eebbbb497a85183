import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadSchemaCatalog } from '../catalog/load.js';
import {
  appendRelease,
  emptySchemaHistory,
  formatSchemaHistory,
  parseSchemaHistory,
  SchemaHistoryError,
  type ReleaseChanges,
  type SchemaHistory,
} from './history.js';

/** Name of the history file inside the schema directory, where the CLI looks by default. */
export const HISTORY_FILE_NAME = 'history.json';

/**
 * Reads a history file. A missing file throws a `SchemaHistoryError`, unless `allowMissing`
 * is set, in which case it counts as a history with no subjects.
 */
export async function readSchemaHistory(
  file: string,
  options: { allowMissing?: boolean } = {},
): Promise<SchemaHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (options.allowMissing) return emptySchemaHistory();
    throw new SchemaHistoryError(
      'history file not found; the release step creates it with recordSchemaRelease',
      file,
    );
  }
  return parseSchemaHistory(text, file);
}

/**
 * Writes a history file in its stored format. The text goes to a temporary file first and is
 * renamed over the old one, so a failed write leaves the old history intact.
 */
export async function writeSchemaHistory(file: string, history: SchemaHistory): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, formatSchemaHistory(history), 'utf8');
  await rename(temporary, file);
}

/** Options of `recordSchemaRelease`. */
export interface RecordReleaseOptions {
  /** Directory of the `.avsc` files, such as `schemas`. */
  schemaDir: string;
  /** Package version being released, such as `0.2.0`. */
  release: string;
  /** History file to update; default `history.json` inside `schemaDir`. */
  historyFile?: string;
}

/** Result of `recordSchemaRelease`: the file and what changed per subject. */
export interface RecordReleaseResult extends ReleaseChanges {
  historyFile: string;
  /** Whether the file was written; false when every subject was unchanged. */
  written: boolean;
}

/**
 * Records the current schemas of a schema directory as released in `release`: each subject
 * whose normalized schema differs from its latest released version gets a new version at the
 * end of its history. A missing history file is created. The file is rewritten only when a
 * subject changed, so a second call for the same release does nothing. It checks no
 * compatibility, because `caddy-events check` has done that before the change was merged.
 * Throws `SchemaLoadError` for an invalid schema and `SchemaHistoryError` for an invalid
 * history, an invalid release, or a subject with a different schema already recorded for it.
 */
export async function recordSchemaRelease(
  options: RecordReleaseOptions,
): Promise<RecordReleaseResult> {
  const historyFile = options.historyFile ?? join(options.schemaDir, HISTORY_FILE_NAME);
  const catalog = await loadSchemaCatalog(options.schemaDir);
  const current = await readSchemaHistory(historyFile, { allowMissing: true });
  const { history, changes } = appendRelease(
    current,
    catalog.events,
    options.release,
    historyFile,
  );
  const written = changes.appended.length > 0;
  if (written) await writeSchemaHistory(historyFile, history);
  return { historyFile, written, ...changes };
}
