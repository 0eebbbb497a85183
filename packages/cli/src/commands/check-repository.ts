import { join, relative, resolve } from 'node:path';

import {
  catalogCompatibility,
  checkSubject,
  HISTORY_FILE_NAME,
  SchemaHistoryError,
  SchemaLoadError,
  type CatalogEvent,
} from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';
import type { CommandIo } from '../main.js';
import { loadCatalogOf } from '../schema-dir.js';
import {
  gitSource,
  historySource,
  registrySource,
  type PreviousVersionSource,
} from '../previous/sources.js';
import {
  RegistryClient,
  RegistryConnectionError,
  RegistryResponseError,
  registryOptions,
} from '../registry/client.js';
import type { RepositoryCheckOptions } from './check.js';
import { checkRelease, DEFAULT_RELEASE_PACKAGE, type ReleaseCheck } from './check-release.js';
import {
  formatRepositoryGithub,
  formatRepositoryJson,
  formatRepositoryText,
  reportPassed,
  type FileSubjectCheck,
  type RepositoryReport,
} from './check-repository-output.js';

/**
 * Checks every event schema of a schema directory against the previous versions of its
 * subject and writes the report. Against the history it also requires a pending changeset
 * for schemas that differ from their latest release. Returns 0 when everything passes and 1
 * when a subject breaks compatibility or has a warning, or a changeset is missing; throws
 * `InvalidInputError` when the check cannot run.
 */
export async function checkRepository(
  options: RepositoryCheckOptions,
  io: CommandIo,
): Promise<number> {
  try {
    const report = await buildReport(options, io);
    const format = {
      text: formatRepositoryText,
      json: formatRepositoryJson,
      github: formatRepositoryGithub,
    }[options.format];
    io.stdout(format(report));
    return reportPassed(report) ? 0 : 1;
  } catch (error) {
    throw asInvalidInput(error);
  }
}

async function buildReport(
  options: RepositoryCheckOptions,
  io: CommandIo,
): Promise<RepositoryReport> {
  const schemaDir = resolve(io.cwd, options.schemas);
  const catalog = await loadCatalogOf('check', schemaDir, options.schemas);
  const source = await openSource(options, schemaDir, io);
  const checks: FileSubjectCheck[] = [];
  for (const event of catalog.events) {
    const level = options.level ?? catalogCompatibility(event);
    const previous = await source.previousVersions(event);
    const check = checkSubject(source.subjectOf(event), event, previous, level);
    checks.push({ ...check, path: displayPath(io.cwd, join(schemaDir, event.file)) });
  }
  const release =
    options.against === 'history'
      ? await checkChangesets(options, schemaDir, catalog.events, io)
      : undefined;
  return {
    against: source.kind,
    description: source.description,
    schemaDir: displayPath(io.cwd, schemaDir),
    checks,
    removed: source.removedSubjects(catalog.events),
    ...(release === undefined ? {} : { release }),
  };
}

function historyFileOf(options: RepositoryCheckOptions, io: CommandIo): string {
  return resolve(io.cwd, options.history ?? join(options.schemas, HISTORY_FILE_NAME));
}

async function checkChangesets(
  options: RepositoryCheckOptions,
  schemaDir: string,
  events: readonly CatalogEvent[],
  io: CommandIo,
): Promise<ReleaseCheck> {
  const historyFile = historyFileOf(options, io);
  const display = (path: string) => displayPath(io.cwd, path);
  return checkRelease({
    historyFile,
    historyLabel: display(historyFile),
    schemaDir,
    events,
    ...(options.changesets === undefined
      ? {}
      : { changesetDir: resolve(io.cwd, options.changesets) }),
    releasePackage: options.releasePackage ?? DEFAULT_RELEASE_PACKAGE,
    display,
    pathOf: (event) => display(join(schemaDir, event.file)),
  });
}

async function openSource(
  options: RepositoryCheckOptions,
  schemaDir: string,
  io: CommandIo,
): Promise<PreviousVersionSource> {
  const env = io.env ?? process.env;
  if (options.url !== undefined && options.against !== 'registry') {
    throw new InvalidInputError('caddy-events check: --url applies to --against registry only.');
  }
  const historyOptions = [
    ['history', options.history],
    ['changesets', options.changesets],
    ['release-package', options.releasePackage],
  ] as const;
  for (const [name, value] of historyOptions) {
    // An empty value would resolve to the working directory and check against the wrong files.
    if (value !== undefined && value.trim() === '') {
      throw new InvalidInputError(`caddy-events check: --${name} is empty; give a value or leave the option out.`);
    }
  }
  const historyOnly = historyOptions.find(([, value]) => value !== undefined);
  if (historyOnly !== undefined && options.against !== 'history') {
    throw new InvalidInputError(
      `caddy-events check: --${historyOnly[0]} applies to --against history only.`,
    );
  }
  if (options.against === 'history') {
    const file = historyFileOf(options, io);
    return historySource(file, displayPath(io.cwd, file));
  }
  if (options.against.startsWith('git:') && options.against.length > 4) {
    return gitSource(schemaDir, options.against.slice(4));
  }
  if (options.against === 'registry') {
    const settings = registryOptions(options.url, env);
    if (settings === undefined) {
      throw new InvalidInputError(
        'caddy-events check: --against registry needs SCHEMA_REGISTRY_URL or --url.',
      );
    }
    return registrySource(new RegistryClient(settings), env.EVENTS_TOPIC_PREFIX ?? '');
  }
  throw new InvalidInputError(
    `caddy-events check: unknown --against '${options.against}'; use history, git:<ref> or ` +
      'registry.',
  );
}

function displayPath(cwd: string, path: string): string {
  const relativePath = relative(cwd, path);
  return relativePath === '' ? '.' : relativePath.split('\\').join('/');
}

function asInvalidInput(error: unknown): unknown {
  if (error instanceof InvalidInputError) return error;
  const known =
    error instanceof SchemaLoadError ||
    error instanceof SchemaHistoryError ||
    error instanceof RegistryConnectionError ||
    error instanceof RegistryResponseError;
  if (!known) return error;
  const message = (error as Error).message;
  return new InvalidInputError(`caddy-events check: ${message}${message.endsWith('.') ? '' : '.'}`);
}
