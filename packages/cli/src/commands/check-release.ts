import {
  largestBump,
  readSchemaHistory,
  unreleasedSchemaChanges,
  type CatalogEvent,
  type SuggestedBump,
  type UnreleasedSchemaChange,
} from '@caddy/events-schema';

import {
  bumpsAtLeast,
  findChangesetDir,
  largestReleaseType,
  readPendingChangesets,
  type PendingChangesets,
  type ReleaseType,
} from './check-changesets.js';

/** Package whose version a release records in the history, unless `--release-package` says. */
export const DEFAULT_RELEASE_PACKAGE = '@caddy/events';

/**
 * Verdict of the rule "a schema change comes with a changeset":
 * - `unchanged`: every schema equals its latest released version, so none is needed;
 * - `covered`: a pending changeset bumps the release package enough;
 * - `not-required`: schemas changed, but the repository has no changesets folder;
 * - `no-changeset`: schemas changed and no pending changeset bumps the release package;
 * - `bump-too-small`: the pending changesets bump it by patch where a minor is needed.
 */
export type ReleaseVerdict =
  | 'unchanged'
  | 'covered'
  | 'not-required'
  | 'no-changeset'
  | 'bump-too-small';

/** An unreleased schema change with the path of its schema file as the user wrote it. */
export interface FileSchemaChange extends UnreleasedSchemaChange {
  path: string;
}

/** Outcome of the changeset rule in a repository-mode check against the history. */
export interface ReleaseCheck {
  verdict: ReleaseVerdict;
  /** The history file, relative to the working directory. */
  historyLabel: string;
  changes: FileSchemaChange[];
  /** The largest bump the changes call for; undefined without changes. */
  suggested?: SuggestedBump;
  /** The smallest bump that satisfies `suggested`. */
  required?: ReleaseType;
  releasePackage: string;
  /** The pending changesets; undefined without a changesets folder. */
  changesets?: PendingChangesets & { label: string };
  /** The largest bump the covering changesets give. */
  bump?: ReleaseType;
}

/** Inputs of `checkRelease`. */
export interface ReleaseCheckOptions {
  historyFile: string;
  historyLabel: string;
  schemaDir: string;
  events: readonly CatalogEvent[];
  /** The changesets folder as given with `--changesets`; found from `schemaDir` when absent. */
  changesetDir?: string;
  releasePackage: string;
  /** Turns an absolute path into the form the report shows. */
  display: (path: string) => string;
  /** Path of an event's schema file as the report shows it. */
  pathOf: (event: CatalogEvent) => string;
}

/** Returns whether the changeset rule passes. */
export function releasePassed(check: ReleaseCheck | undefined): boolean {
  return check === undefined || !['no-changeset', 'bump-too-small'].includes(check.verdict);
}

/**
 * Applies the changeset rule: when a schema differs from the latest released version of its
 * subject in the history, the release that ships it must be announced by a pending changeset
 * for the release package (or its `fixed` group), with at least the bump the change calls
 * for: minor for a new event type or version, patch for a doc edit or an added field.
 */
export async function checkRelease(options: ReleaseCheckOptions): Promise<ReleaseCheck> {
  const history = await readSchemaHistory(options.historyFile);
  const changes = unreleasedSchemaChanges(history, options.events).map((change) => ({
    ...change,
    path: options.pathOf(change.event),
  }));
  const base = {
    historyLabel: options.historyLabel,
    changes,
    releasePackage: options.releasePackage,
  };
  // The changesets are read even without changes, so a broken one fails here before it
  // fails `changeset version`.
  const dir = options.changesetDir ?? (await findChangesetDir(options.schemaDir));
  const changesets = dir === undefined ? undefined : await readChangesets(dir, options);
  const withChangesets = changesets === undefined ? base : { ...base, changesets };
  const suggested = largestBump(changes);
  if (suggested === undefined) return { ...withChangesets, verdict: 'unchanged' };
  const required: ReleaseType = suggested === 'minor' ? 'minor' : 'patch';
  const withBump = { ...withChangesets, suggested, required };

  if (changesets === undefined) return { ...withBump, verdict: 'not-required' };
  const bump = largestReleaseType(changesets.covering.map((changeset) => changeset.bump));
  if (bump === undefined) return { ...withBump, verdict: 'no-changeset' };
  const verdict = bumpsAtLeast(bump, required) ? 'covered' : 'bump-too-small';
  return { ...withBump, bump, verdict };
}

async function readChangesets(
  dir: string,
  options: ReleaseCheckOptions,
): Promise<PendingChangesets & { label: string }> {
  const label = options.display(dir);
  return { ...(await readPendingChangesets(dir, options.releasePackage, label)), label };
}
