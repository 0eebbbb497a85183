import { parseArgs } from 'node:util';

import {
  COMPATIBILITY_LEVELS,
  HISTORY_FILE_NAME,
  parseCompatibilityLevel,
  type CompatibilityLevel,
} from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';
import type { CommandIo } from '../main.js';
import { checkFile } from './check-file.js';
import { DEFAULT_RELEASE_PACKAGE } from './check-release.js';
import { checkRepository } from './check-repository.js';

const HELP = `Usage:
  caddy-events check [--against <source>] [--schemas <dir>] [--format <format>]
  caddy-events check --level <LEVEL> [--previous <old.avsc>]... <new.avsc>

Repository mode (no schema file): checks every event schema in the schema directory against
the previous versions of its subject, at the level the schema declares in
"event": {"compatibility": ...} (default FULL_TRANSITIVE), and fails on lint warnings too.
Against the history it also fails when a schema differs from its latest release and no
pending changeset bumps the release package, and says which bump the change calls for: minor
for a new event type or event version (a new record name, so a new subject), patch or minor
for a field added with a default, patch for a documentation change.
Single-schema mode: checks one new schema against previous version files at --level.

Options:
  --against <source>      repository mode: where previous versions come from (default: history)
                            history     the history file that the release step updates
                            git:<ref>   the schema directory at a git branch, tag or commit
                            registry    every version registered under each subject, at
                                        SCHEMA_REGISTRY_URL (or --url), with basic auth from
                                        SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD;
                                        subjects are <EVENTS_TOPIC_PREFIX><topic>-<record name>
  --schemas <dir>         repository mode: directory of .avsc files (default: schemas)
  --history <file>        repository mode: history file (default: <schemas>/${HISTORY_FILE_NAME})
  --changesets <dir>      with --against history: folder of pending changesets (default: the
                          .changeset folder found from the schema directory up to the
                          repository root; without one, no changeset is required)
  --release-package <name>
                          with --against history: package whose version the release records
                          in the history (default: ${DEFAULT_RELEASE_PACKAGE}); a changeset for it,
                          or for a package of its "fixed" group in config.json, counts
  --url <url>             repository mode: registry URL for --against registry
  --level <LEVEL>         one of ${COMPATIBILITY_LEVELS.slice(0, 3).join(', ')},
                          ${COMPATIBILITY_LEVELS.slice(3).join(', ')}; required with a
                          schema file, and in repository mode it replaces every declared level
  --previous <old.avsc>   a previous version of the schema file; repeat it, oldest first
  --format <format>       text, json, or github (GitHub Actions annotations); default text
  -h, --help              show this help

Exit status: 0 compatible, 1 not compatible (or, in repository mode, a lint warning or a
schema change without a changeset), 2 invalid input (an unreadable file, invalid JSON or Avro,
an invalid default, an unknown level or option, an unknown git ref, an unreachable registry,
an invalid changeset).
`;

const FORMATS = ['text', 'json', 'github'] as const;
const REPOSITORY_OPTIONS = [
  'against',
  'schemas',
  'history',
  'url',
  'changesets',
  'release-package',
] as const;

type Format = (typeof FORMATS)[number];

/** Options of a repository-mode check. */
export interface RepositoryCheckOptions {
  against: string;
  schemas: string;
  history?: string;
  url?: string;
  /** Folder of pending changesets; found from the schema directory when absent. */
  changesets?: string;
  /** Package whose version the release records; `@caddy/events` when absent. */
  releasePackage?: string;
  /** Replaces the level of every subject when set. */
  level?: CompatibilityLevel;
  format: Format;
}

/**
 * Runs `caddy-events check`. With a schema file it checks that file against `--previous`
 * files; without one it checks the whole schema directory (repository mode). Writes the
 * report to standard output and returns 0 when everything passes, 1 when something does not.
 * Invalid input is reported on standard error only, with status 2.
 */
export async function runCheck(argv: string[], io: CommandIo): Promise<number> {
  try {
    const options = readOptions(argv);
    if (options === 'help') {
      io.stdout(HELP);
      return 0;
    }
    if (options.mode === 'file') return await checkFile(options, io);
    return await checkRepository(options, io);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    io.stderr(error.message.endsWith('\n') ? error.message : `${error.message}\n`);
    return 2;
  }
}

type ParsedOptions =
  | 'help'
  | ({ mode: 'file' } & Parameters<typeof checkFile>[0])
  | ({ mode: 'repository' } & RepositoryCheckOptions);

function readOptions(argv: string[]): ParsedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        level: { type: 'string' },
        previous: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
        against: { type: 'string' },
        schemas: { type: 'string' },
        history: { type: 'string' },
        url: { type: 'string' },
        changesets: { type: 'string' },
        'release-package': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const level = values.level === undefined ? undefined : readLevel(values.level);
  const format = readFormat(values.format);
  if (positionals.length > 1) throw usageError('Give one new schema file.');

  const [newFile] = positionals;
  if (newFile !== undefined) {
    const repositoryOption = REPOSITORY_OPTIONS.find((name) => values[name] !== undefined);
    if (repositoryOption) {
      throw usageError(`--${repositoryOption} applies to repository mode, without a schema file.`);
    }
    if (level === undefined) throw usageError('Missing --level.');
    return { mode: 'file', level, format, previousFiles: values.previous, newFile };
  }
  if (values.previous.length > 0) {
    throw usageError('Missing the new schema file that --previous versions are compared with.');
  }
  return {
    mode: 'repository',
    against: values.against ?? 'history',
    schemas: values.schemas ?? 'schemas',
    ...(values.history === undefined ? {} : { history: values.history }),
    ...(values.url === undefined ? {} : { url: values.url }),
    ...(values.changesets === undefined ? {} : { changesets: values.changesets }),
    ...(values['release-package'] === undefined
      ? {}
      : { releasePackage: values['release-package'] }),
    ...(level === undefined ? {} : { level }),
    format,
  };
}

function readLevel(text: string): CompatibilityLevel {
  const level = parseCompatibilityLevel(text);
  if (level === undefined) throw usageError(`Unknown level '${text}'.`);
  return level;
}

function readFormat(text: string): Format {
  const format = FORMATS.find((candidate) => candidate === text);
  if (format === undefined) {
    throw usageError(`Unknown format '${text}'; use ${FORMATS.join(', ')}.`);
  }
  return format;
}

function usageError(message: string): InvalidInputError {
  return new InvalidInputError(`caddy-events check: ${message}\n\n${HELP}`);
}
