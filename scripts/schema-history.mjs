// Shared by the changeset wrapper and the release dry run: loads @caddy/events-schema and
// describes what a release adds to the schema history.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { tsImport } from 'tsx/esm/api';

/**
 * The package whose version a release records in the history. The four packages version
 * together, so it is also theirs; `caddy-events check --release-package` has the same default.
 */
export const RELEASE_PACKAGE = '@caddy/events';

/** The schema directory and history file, relative to the workspace root. */
export const SCHEMA_DIR = 'schemas';
export const HISTORY_FILE = join(SCHEMA_DIR, 'history.json');

/**
 * Imports @caddy/events-schema from its TypeScript sources through tsx, so that the version
 * step needs no build and never records schemas with a stale build of the normalizer.
 */
export function loadSchemaPackage() {
  const source = new URL('../packages/schema/src/index.ts', import.meta.url);
  return tsImport(source.href, import.meta.url);
}

/** Returns the version of a workspace package under `packages/`, read from its manifest. */
export function workspaceVersion(root, name) {
  const packagesDir = join(root, 'packages');
  for (const folder of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.name === name) return manifest.version;
  }
  throw new Error(`No package named ${name} under ${packagesDir}.`);
}

/** Formats one entry of `historyAdditions` as a line: subject, event type, release, kind. */
export function formatAddition({ subject, eventType, release, version }) {
  const kind = version === 1 ? 'new subject' : `new version ${version} of an existing subject`;
  return `${subject} (${eventType}) in ${release}: ${kind}`;
}

/** Formats a number of history entries, such as `1 entry` or `3 entries`. */
export function entryCount(count) {
  return `${count} ${count === 1 ? 'entry' : 'entries'}`;
}
