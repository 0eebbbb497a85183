import { checkReaderWriter } from './checker.js';
import { findEvolutionWarnings } from './evolution.js';
import { describeIncompatibility } from './messages.js';
import { describeType } from './paths.js';
import type {
  CompatibilityDirection,
  CompatibilityIssue,
  CompatibilityLevel,
  CompatibilityResult,
  CompatibilityWarning,
  ParsedAvroSchema,
} from './types.js';

/** The seven compatibility levels of Confluent Schema Registry. */
export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

/** Reads a level name in any letter case; returns undefined for an unknown name. */
export function parseCompatibilityLevel(text: string): CompatibilityLevel | undefined {
  const upper = text.trim().toUpperCase();
  return COMPATIBILITY_LEVELS.find((level) => level === upper);
}

/** Returns the directions a level checks: BACKWARD, FORWARD, both for FULL, none for NONE. */
export function directionsOf(level: CompatibilityLevel): CompatibilityDirection[] {
  if (level === 'NONE') return [];
  if (level.startsWith('BACKWARD')) return ['BACKWARD'];
  if (level.startsWith('FORWARD')) return ['FORWARD'];
  return ['BACKWARD', 'FORWARD'];
}

/**
 * Returns the indexes of the previous versions a level checks, given the number of versions:
 * every version for a transitive level, only the latest otherwise, none for NONE.
 */
export function versionsCheckedBy(level: CompatibilityLevel, count: number): number[] {
  if (level === 'NONE' || count === 0) return [];
  if (level.endsWith('_TRANSITIVE')) return Array.from({ length: count }, (_, index) => index);
  return [count - 1];
}

/**
 * Checks a new schema against its previous versions (oldest first) at a compatibility level,
 * as Confluent Schema Registry does. BACKWARD means the new schema reads data written with a
 * previous one, FORWARD the reverse, and FULL both. Transitive levels check every previous
 * version, the others only the latest, and NONE checks nothing. Returns every break (one issue
 * per break and version), the new schema's lint warnings and the warnings of each version.
 */
export function checkCompatibility(
  next: ParsedAvroSchema,
  previous: readonly ParsedAvroSchema[],
  level: CompatibilityLevel,
): CompatibilityResult {
  const issues: CompatibilityIssue[] = [];
  const warnings: CompatibilityWarning[] = [...next.warnings];
  for (const index of versionsCheckedBy(level, previous.length)) {
    const old = previous[index] as ParsedAvroSchema;
    for (const direction of directionsOf(level)) {
      issues.push(...checkDirection(next, old, index, direction));
    }
    warnings.push(...findEvolutionWarnings(next, old, index));
  }
  return { compatible: issues.length === 0, issues, warnings };
}

function checkDirection(
  next: ParsedAvroSchema,
  old: ParsedAvroSchema,
  previous: number,
  direction: CompatibilityDirection,
): CompatibilityIssue[] {
  const [reader, writer] = direction === 'BACKWARD' ? [next, old] : [old, next];
  return checkReaderWriter(reader, writer).issues.map((issue) => ({
    code: issue.code,
    path: issue.path,
    location: issue.location,
    reader: describeType(issue.reader),
    writer: describeType(issue.writer),
    previous,
    direction,
    message: describeIncompatibility(issue, direction),
  }));
}
