import { findDefaultDecodingProblem } from './defaults.js';
import type { JsonNode } from './json.js';
import type { AvroField, AvroLogicalType, AvroNode, CompatibilityWarning } from './types.js';

/**
 * Lint findings about one schema: things Avro's Java parser accepts but ignores or that fail
 * later, when a reader uses them. The parser calls these while it reads the schema.
 */

/**
 * Warns about a `logicalType` written on a field instead of inside its type: Avro accepts the
 * schema, ignores the attribute (Java logs a warning) and the field stays a plain type.
 */
export function lintFieldLogicalType(field: AvroField, path: string): CompatibilityWarning[] {
  if (field.fieldLogicalType === undefined || field.type.logicalType?.valid) return [];
  const logicalType = field.fieldLogicalType;
  const example = `"type": {"type": "${field.type.type}", "logicalType": "${logicalType}"}`;
  return [
    {
      code: 'FIELD_LOGICAL_TYPE_IGNORED',
      path,
      location: `${field.pointer}/logicalType`,
      message:
        `Avro ignores the logicalType '${field.fieldLogicalType}' written on field ` +
        `'${field.name}'; move it inside the field's type, as in ${example}.`,
    },
  ];
}

/** Warns about a logical type that Avro ignores because its type or parameters do not fit. */
export function lintLogicalType(
  logicalType: AvroLogicalType | undefined,
  path: string,
  pointer: string,
): CompatibilityWarning[] {
  if (logicalType === undefined || logicalType.valid) return [];
  return [
    {
      code: 'LOGICAL_TYPE_IGNORED',
      path,
      location: `${pointer === '/' ? '' : pointer}/logicalType`,
      message:
        `Avro ignores the logicalType '${logicalType.name}' here because the type or its ` +
        'parameters do not fit it, so values stay plain; fix the type or the parameters.',
    },
  ];
}

/** Warns about a field default that Avro's Java parser accepts but a reader cannot decode. */
export function lintDefault(
  type: AvroNode,
  value: JsonNode,
  path: string,
  pointer: string,
): CompatibilityWarning[] {
  const problem = findDefaultDecodingProblem(type, value);
  if (problem === undefined) return [];
  if (problem.kind === 'symbol') {
    const message =
      `The default symbol '${problem.symbol}' is not in the enum, so a reader that needs the ` +
      'default fails; use one of the enum symbols.';
    return [{ code: 'FIELD_DEFAULT_NOT_A_SYMBOL', path, location: pointer, message }];
  }
  const message =
    `The default has ${problem.actual} bytes but the fixed type has ${problem.expected}, so a ` +
    'reader that needs the default fails; give it exactly that many bytes.';
  return [{ code: 'FIELD_DEFAULT_WRONG_SIZE', path, location: pointer, message }];
}
