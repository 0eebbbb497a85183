import avro from 'avsc';

import { PayloadValidationError } from '../errors.js';
import { DecimalType, LOGICAL_TYPES } from './logical-types.js';
import { SAFE_LONG } from './long.js';
import { WIRE_HEADER_LENGTH, writeHeader } from './wire.js';

/**
 * Compiles a schema with the options every part of the SDK uses, so the encoder, the
 * decoder and the code generator agree on value shapes: logical types as JavaScript values,
 * and unions unwrapped unless their branches are ambiguous (avsc's `auto` mode), in which
 * case a value is an object with one key, the branch name.
 */
export function compileSchema(schema: string | object): avro.Type {
  const parsed = typeof schema === 'string' ? (JSON.parse(schema) as avro.Schema) : (schema as avro.Schema);
  return avro.Type.forSchema(parsed, { ...AVSC_OPTIONS, registry: newRegistry(), typeHook: checkedRecords } as avro.ForSchemaOptions);
}

// Writing a value checks it: each of avsc's types throws on a value its `isValid` rejects,
// and so do the SDK's logical types. Records are the exception, because avsc's record writer
// neither rejects undeclared fields nor a value that is not an object (when every field has
// a default), so compiled records get a writer that checks both first. Encoding a payload
// then validates it in the same pass, and the walk for field paths runs only when it throws.
class CheckedRecordType extends avro.types.RecordType {
  // Called once by avsc's constructor, which then freezes the type.
  protected _createWriter(): (tap: unknown, value: unknown) => void {
    const write = (avro.types.RecordType.prototype as unknown as { _createWriter(): (tap: unknown, value: unknown) => void })._createWriter.call(this);
    // avsc's own lookup table of the fields, the one its `noUndeclaredFields` check reads.
    const declared = (this as unknown as { _fieldsByName: Record<string, unknown> })._fieldsByName;
    const name = this.name ?? 'record';
    return function writeChecked(this: avro.Type, tap: unknown, value: unknown): void {
      if (value === null || typeof value !== 'object') throw new Error(`invalid ${name}: not an object`);
      for (const key in value) {
        // An undeclared field set to undefined is let through, as `findProblems` does.
        if (declared[key] === undefined && (value as Record<string, unknown>)[key] !== undefined && Object.hasOwn(value, key)) {
          throw new Error(`invalid ${name}: undeclared field '${key}'`);
        }
      }
      write.call(this, tap, value);
    };
  }
}

function checkedRecords(schema: avro.Schema, options: avro.ForSchemaOptions): avro.Type | undefined {
  const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown };
  if ((type !== 'record' && type !== 'error') || logicalType !== undefined) return undefined;
  return new CheckedRecordType(schema, options);
}

/** Returns a fresh avsc type registry with the SDK's exact long type in place of avsc's. */
export function newRegistry(): Record<string, avro.Type> {
  return { long: SAFE_LONG };
}

/** The avsc options behind `compileSchema`, for building writer types the same way. */
export const AVSC_OPTIONS: Partial<avro.ForSchemaOptions> = {
  logicalTypes: LOGICAL_TYPES as unknown as avro.ForSchemaOptions['logicalTypes'],
  wrapUnions: 'auto',
};

/** One field of a payload that does not match its schema. */
export interface PayloadProblem {
  fieldPath: string;
  expected: string;
  value: unknown;
}

/** Lists every field of a value that does not match the type; empty when the value is valid. */
export function findProblems(type: avro.Type, value: unknown): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  type.isValid(value, {
    errorHook: (path: string[], actual: unknown, failing: avro.Type) => {
      problems.push({ fieldPath: formatPath(path), expected: describeType(failing), value: actual });
    },
  });
  // avsc's own check for undeclared fields reports only the record, not the field, so
  // extra fields (usually typos of optional ones) are found here instead.
  findUndeclaredFields(type, value, [], problems);
  return problems;
}

function findUndeclaredFields(type: avro.Type, value: unknown, path: string[], problems: PayloadProblem[]): void {
  if (value === null || typeof value !== 'object') return;
  if (type instanceof avro.types.RecordType) {
    const declared = new Set(type.fields.map((field) => field.name));
    for (const [key, fieldValue] of Object.entries(value)) {
      if (!declared.has(key) && fieldValue !== undefined) {
        problems.push({
          fieldPath: formatPath([...path, key]),
          expected: `absent: ${shortName(type)} has no field '${key}' (its fields are ${[...declared].join(', ')})`,
          value: fieldValue,
        });
      }
    }
    for (const field of type.fields) {
      findUndeclaredFields(field.type, (value as Record<string, unknown>)[field.name], [...path, field.name], problems);
    }
  } else if (type instanceof avro.types.ArrayType && Array.isArray(value)) {
    value.forEach((item, index) => findUndeclaredFields(type.itemsType, item, [...path, String(index)], problems));
  } else if (type instanceof avro.types.MapType) {
    for (const [key, item] of Object.entries(value)) findUndeclaredFields(type.valuesType, item, [...path, key], problems);
  } else if (type instanceof avro.types.UnwrappedUnionType) {
    const branch = type.types.find((candidate) => candidate instanceof avro.types.RecordType);
    if (branch && !Array.isArray(value)) findUndeclaredFields(branch, value, path, problems);
  } else if (type instanceof avro.types.LogicalType) {
    findUndeclaredFields(type.underlyingType, value, path, problems);
  }
}

/** Throws a `PayloadValidationError` naming every bad field, unless the payload is valid. */
export function validatePayload(type: avro.Type, eventType: string, payload: unknown): void {
  // The hook-free check is the fast path; the detailed walk runs only for invalid payloads.
  if (type.isValid(payload, { noUndeclaredFields: true })) return;
  const problems = findProblems(type, payload);
  if (problems.length > 0) throw new PayloadValidationError(eventType, problems);
}

/**
 * Encodes a payload of a type from `compileSchema` as an Avro body, or throws a
 * `PayloadValidationError` naming every bad field.
 */
export function encodePayload(type: avro.Type, eventType: string, payload: unknown): Buffer {
  return copyOfScratch(encodeChecked(type, eventType, payload, 0));
}

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Encodes a payload of a type from `compileSchema` straight behind a Confluent header: one
 * encode into a reused buffer, which also validates the payload, then one copy of exactly the
 * framed length. Throws a `PayloadValidationError` naming every bad field, before any I/O.
 */
export function encodeFramed(type: avro.Type, eventType: string, schemaId: number, payload: unknown): Buffer {
  const end = encodeChecked(type, eventType, payload, WIRE_HEADER_LENGTH);
  writeHeader(scratch, schemaId);
  return copyOfScratch(end);
}

function copyOfScratch(end: number): Buffer {
  const copy = Buffer.allocUnsafe(end);
  scratch.copy(copy, 0, 0, end);
  return copy;
}

// Writes the payload into `scratch` from `start` on and returns where it ends.
function encodeChecked(type: avro.Type, eventType: string, payload: unknown, start: number): number {
  for (;;) {
    let end: number;
    try {
      end = type.encode(payload, scratch, start);
    } catch (error) {
      const problems = findProblems(type, payload);
      if (problems.length > 0) throw new PayloadValidationError(eventType, problems);
      throw error;
    }
    if (end > 0) return end;
    // avsc returns the negated missing length when the buffer is too small.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end + start));
  }
}

// avsc reports array indexes and map keys as plain path segments. A segment made of digits
// is shown as an index, so the path reads like JavaScript (`items[0].unitPrice.amount`).
function formatPath(path: string[]): string {
  let result = '';
  for (const segment of path) {
    if (/^\d+$/.test(segment)) result += `[${segment}]`;
    else result += result === '' ? segment : `.${segment}`;
  }
  return result;
}

/** Describes what a type accepts, in words a caller can act on. */
export function describeType(type: avro.Type): string {
  if (type instanceof DecimalType) {
    return `a decimal string with at most ${type.scale} fraction digit(s) and ${type.precision} digit(s) in all, such as '${exampleDecimal(type)}'`;
  }
  switch (type.typeName) {
    case 'logical:timestamp-millis':
      return 'a valid Date';
    case 'logical:uuid':
      return "a UUID string such as '3f2b8c1e-7d4a-4c1b-9e2f-0a1b2c3d4e5f'";
    case 'null':
      return 'null';
    case 'boolean':
      return 'a boolean';
    case 'int':
      return 'an integer from -2147483648 to 2147483647';
    case 'long':
    case 'abstract:long':
      return 'an integer within ±Number.MAX_SAFE_INTEGER (2^53 - 1), because larger values would lose precision';
    case 'float':
    case 'double':
      return 'a number';
    case 'string':
      return 'a string';
    case 'bytes':
      return 'a Buffer';
    case 'fixed':
      return `a Buffer of ${(type as unknown as { size: number }).size} bytes`;
    case 'enum':
      return `one of ${(type as avro.types.EnumType).symbols.map((symbol) => `'${symbol}'`).join(', ')}`;
    case 'array':
      return 'an array';
    case 'map':
      return 'an object whose values all have the same type';
    case 'record':
    case 'error':
      return `an object of record ${shortName(type)}`;
    case 'union:unwrapped':
      return (type as avro.types.UnwrappedUnionType).types.map((branch) => describeType(branch)).join(' or ');
    case 'union:wrapped':
      return `an object with exactly one key, one of ${(type as avro.types.WrappedUnionType).types
        .map((branch) => `'${branch.branchName ?? 'null'}'`)
        .join(', ')}, or null where a branch is null`;
    default:
      return `a value of type ${type.typeName}`;
  }
}

function shortName(type: avro.Type): string {
  const name = type.name ?? type.typeName;
  return name.slice(name.lastIndexOf('.') + 1);
}

function exampleDecimal(type: DecimalType): string {
  return type.scale === 0 ? '42' : `19.${'9'.repeat(type.scale)}`;
}
