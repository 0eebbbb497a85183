import { readFileSync } from 'node:fs';

import {
  checkCompatibility,
  parseAvroSchemaValue,
  parseCompatibilityLevel,
  type CompatibilityResult,
  type ParsedAvroSchema,
} from '../../src/index.js';

/** A compatibility case: a new schema, its previous versions oldest first, and the verdict. */
export interface CompatibilityCase {
  id: string;
  level: string;
  newSchema: unknown;
  previous: unknown[];
  compatible: boolean;
  note: string;
  source: string;
  category?: string;
  rule?: string;
  /** Expected issues, in order; only the listed properties are compared. */
  issues?: { code: string; location: string; path: string; direction: string; previous: number }[];
}

/** Reads a case file from the fixtures folder beside this module. */
export function loadCases(file: string): CompatibilityCase[] {
  const url = new URL(`./fixtures/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as CompatibilityCase[];
}

/** The parsed schemas of a case, as the CLI and the registry parse them. */
export interface ParsedCase {
  next: ParsedAvroSchema;
  previous: ParsedAvroSchema[];
}

/** Parses a case's schemas: defaults are validated in the new schema only, as Confluent does. */
export function parseCase(testCase: CompatibilityCase): ParsedCase {
  const next = parseAvroSchemaValue(testCase.newSchema);
  if (!next.ok)
    throw new Error(`${testCase.id}: invalid new schema: ${JSON.stringify(next.errors)}`);
  const previous = testCase.previous.map((schema, index) => {
    const parsed = parseAvroSchemaValue(schema, { validateDefaults: false });
    if (!parsed.ok)
      throw new Error(
        `${testCase.id}: invalid previous[${index}]: ${JSON.stringify(parsed.errors)}`,
      );
    return parsed.schema;
  });
  return { next: next.schema, previous };
}

/** Runs a case at its level. */
export function runCase(testCase: CompatibilityCase): CompatibilityResult {
  const level = parseCompatibilityLevel(testCase.level);
  if (level === undefined) throw new Error(`${testCase.id}: unknown level ${testCase.level}`);
  const { next, previous } = parseCase(testCase);
  return checkCompatibility(next, previous, level);
}
