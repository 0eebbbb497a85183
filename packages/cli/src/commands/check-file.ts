import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import {
  checkCompatibility,
  parseAvroSchemaText,
  type CompatibilityLevel,
  type ParsedAvroSchema,
} from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';
import type { CommandIo } from '../main.js';
import { formatGithub, formatJson, formatText } from './check-output.js';

/** Options of a single-schema check. */
export interface FileCheckOptions {
  level: CompatibilityLevel;
  format: 'text' | 'json' | 'github';
  previousFiles: string[];
  newFile: string;
}

/**
 * Checks one schema file against previous version files and writes the report. Returns 0 when
 * compatible and 1 when not; throws `InvalidInputError` for a file that cannot be read or parsed.
 */
export async function checkFile(options: FileCheckOptions, io: CommandIo): Promise<number> {
  const next = await loadSchema(io.cwd, options.newFile, true);
  const previous: ParsedAvroSchema[] = [];
  for (const file of options.previousFiles) previous.push(await loadSchema(io.cwd, file, false));
  const result = checkCompatibility(next, previous, options.level);
  const report = { ...options, result };
  const format = { text: formatText, json: formatJson, github: formatGithub }[options.format];
  io.stdout(format(report));
  return result.compatible ? 0 : 1;
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
