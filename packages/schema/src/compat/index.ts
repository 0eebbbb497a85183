export { checkReaderWriter } from './checker.js';
export type { ReaderWriterIssue, ReaderWriterResult } from './checker.js';
export type { JsonNode } from './json.js';
export {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  directionsOf,
  parseCompatibilityLevel,
  versionsCheckedBy,
} from './levels.js';
export { parseAvroSchemaText, parseAvroSchemaValue } from './parse.js';
export type { AvroParseOptions } from './parse.js';
export { createAvscResolver, createReadResolver, toAvscSchema } from './resolver.js';
export type { AvscSchemaOptions, ReadResolver } from './resolver.js';
export type * from './types.js';
