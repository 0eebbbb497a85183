import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  parseAvroSchemaText,
  parseCompatibilityLevel,
  type CompatibilityLevel,
  type ParsedAvroSchema,
} from '@caddy/events-schema';

import type { CommandIo } from '../main.js';
import { formatJson, formatText } from './check-output.js';

const HELP = `Usage: caddy-events check --level <LEVEL> [--previous <old.avsc>]... <new.avsc>

Checks that a new Avro schema is compatible with its previous versions, as Confluent Schema
Registry checks it at the given level, and lists every break and warning.

Options:
  --level <LEVEL>         ${COMPATIBILITY_LEVELS.join(', ')}
  --previous <old.avsc>   a previous version of the schema; repeat it, oldest first
  --format <text|json>    output format (default: text)
  -h, --help              show this help

Exit status: 0 compatible, 1 not compatible, 2 invalid input (an unreadable file, invalid
JSON or Avro, an invalid default, an unknown level or option).
`;

/** Options of one `check` run, read from the command line. */
interface CheckOptions {
  level: CompatibilityLevel;
  format: 'text' | 'json';
  previousFiles: string[];
  newFile: string;
}

/** Thrown for input that makes the check impossible; the command exits with status 2. */
class InvalidInputError extends Error {}

/**
 * Runs `caddy-events check` on one schema and its previous versions. Writes breaks and
 * warnings to standard output and returns 0 when compatible, 1 when not. Invalid input is
 * reported on standard error only, with status 2.
 */
export async function runCheck(argv: string[], io: CommandIo): Promise<number> {
  try {
    const options = readOptions(argv);
    if (options === 'help') {
      io.stdout(HELP);
      return 0;
    }
    const next = await loadSchema(io.cwd, options.newFile, true);
    const previous: ParsedAvroSchema[] = [];
    for (const file of options.previousFiles) previous.push(await loadSchema(io.cwd, file, false));
    const result = checkCompatibility(next, previous, options.level);
    const report = { ...options, result };
    io.stdout(options.format === 'json' ? formatJson(report) : formatText(report));
    return result.compatible ? 0 : 1;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    io.stderr(error.message);
    return 2;
  }
}

function readOptions(argv: string[]): CheckOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        level: { type: 'string' },
        previous: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
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
  if (values.level === undefined) throw usageError('Missing --level.');
  const level = parseCompatibilityLevel(values.level);
  if (level === undefined) throw usageError(`Unknown level '${values.level}'.`);
  if (values.format !== 'text' && values.format !== 'json') {
    throw usageError(`Unknown format '${values.format}'; use text or json.`);
  }
  if (positionals.length !== 1) {
    const problem =
      positionals.length === 0 ? 'Missing the new schema file.' : 'Give one new schema file.';
    throw usageError(problem);
  }
  const [newFile] = positionals as [string];
  return { level, format: values.format, previousFiles: values.previous, newFile };
}

/**
 * Reads and parses one schema file. Defaults are validated in the new schema only, because
 * Confluent Schema Registry does not check the defaults of versions already registered.
 */
async function loadSchema(cwd: string, file: string, isNew: boolean): Promise<ParsedAvroSchema> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new InvalidInputError(`caddy-events check: cannot read ${file}: ${reason}.\n`);
  }
  const parsed = parseAvroSchemaText(text, { validateDefaults: isNew });
  if (parsed.ok) return parsed.schema;
  const lines = parsed.errors.map(
    (error) => `  ${error.location} ${error.code}: ${error.message}\n`,
  );
  throw new InvalidInputError(
    `caddy-events check: ${file} is not a valid Avro schema:\n${lines.join('')}`,
  );
}

function usageError(message: string): InvalidInputError {
  return new InvalidInputError(`caddy-events check: ${message}\n\n${HELP}`);
}
