import { isIntegralWithin, type JsonNode } from './json.js';
import type { AvroNode } from './types.js';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

// Java's `Double.parseDouble` grammar after trimming: a sign, then NaN, Infinity, a decimal
// number with an optional f/d suffix, or a hexadecimal floating-point number.
const DECIMAL_DOUBLE = '([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?';
const HEX_DOUBLE = '0[xX]([0-9a-fA-F]+\\.?|[0-9a-fA-F]*\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+[fFdD]?';
const JAVA_DOUBLE = new RegExp(`^[+-]?(NaN|Infinity|${DECIMAL_DOUBLE}|${HEX_DOUBLE})$`);

/**
 * Converts a string default of a `float` or `double` field to a number, as Avro's Java parser
 * does before it validates defaults (so `"NaN"` is a valid default there). Returns undefined
 * when Java's `Double.parseDouble` rejects the text, which fails the whole parse.
 */
export function parseJavaDouble(text: string): JsonNode | undefined {
  // Java trims every character up to and including U+0020.
  const trimmed = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (!JAVA_DOUBLE.test(trimmed)) return undefined;
  const value = /NaN/.test(trimmed)
    ? NaN
    : /Infinity/.test(trimmed)
      ? trimmed.startsWith('-')
        ? -Infinity
        : Infinity
      : parseFiniteJavaDouble(trimmed);
  return { kind: 'number', text: trimmed, integral: false, value };
}

function parseFiniteJavaDouble(text: string): number {
  const withoutSuffix = text.replace(/[fFdD]$/, '');
  if (!/0[xX]/.test(withoutSuffix)) return Number(withoutSuffix);
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(
    withoutSuffix,
  );
  if (match === null) return NaN;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const mantissa = parseInt(`${whole}${fraction}` || '0', 16) / 16 ** fraction.length;
  return (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent);
}

/**
 * Returns whether a default value fits its type, as Avro's Java parser checks it, except that
 * the default of a union must fit its first branch, as the specification requires. Enum and
 * fixed defaults only need to be strings here; `findDefaultDecodingProblem` checks the rest.
 */
export function isValidDefault(type: AvroNode, value: JsonNode | undefined): boolean {
  if (value === undefined) return false;
  switch (type.type) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return value.kind === 'string';
    case 'int':
      return isIntegralWithin(value, INT_MIN, INT_MAX);
    case 'long':
      return isIntegralWithin(value, LONG_MIN, LONG_MAX);
    case 'float':
    case 'double':
      return value.kind === 'number';
    case 'boolean':
      return value.kind === 'boolean';
    case 'null':
      return value.kind === 'null';
    case 'array':
      return (
        value.kind === 'array' && value.items.every((item) => isValidDefault(type.items, item))
      );
    case 'map':
      return (
        value.kind === 'object' &&
        [...value.members.values()].every((item) => isValidDefault(type.values, item))
      );
    case 'union':
      // NOTE: Avro's Java parser on its main branch accepts a default that fits any branch.
      // This follows the specification instead, because avsc (and so the SDK) enforces it.
      return type.branches[0] !== undefined && isValidDefault(type.branches[0], value);
    case 'record':
      return (
        value.kind === 'object' &&
        type.fields.every((field) =>
          isValidDefault(field.type, value.members.get(field.name) ?? field.default),
        )
      );
  }
}

/** A default that Avro's Java parser accepts but that a decoder cannot turn into a value. */
export type DefaultDecodingProblem =
  | { kind: 'symbol'; symbol: string }
  | { kind: 'size'; expected: number; actual: number };

/**
 * Finds an enum default that is not one of the symbols, or a fixed default of the wrong
 * length, inside a default that `isValidDefault` accepted. Avro's Java parser lets both through,
 * but avsc (and Java's own decoder, once the default is used) rejects them.
 */
export function findDefaultDecodingProblem(
  type: AvroNode,
  value: JsonNode | undefined,
): DefaultDecodingProblem | undefined {
  if (value === undefined) return undefined;
  switch (type.type) {
    case 'enum':
      if (value.kind !== 'string' || type.symbols.includes(value.value)) return undefined;
      return { kind: 'symbol', symbol: value.value };
    case 'fixed':
      if (value.kind === 'string' && value.value.length !== type.size) {
        return { kind: 'size', expected: type.size, actual: value.value.length };
      }
      return undefined;
    case 'array':
      return value.kind === 'array'
        ? firstProblem(value.items.map((item) => [type.items, item]))
        : undefined;
    case 'map':
      return value.kind === 'object'
        ? firstProblem([...value.members.values()].map((item) => [type.values, item]))
        : undefined;
    case 'union':
      return type.branches[0] === undefined
        ? undefined
        : findDefaultDecodingProblem(type.branches[0], value);
    case 'record':
      return value.kind === 'object'
        ? firstProblem(type.fields.map((field) => [field.type, value.members.get(field.name)]))
        : undefined;
    default:
      return undefined;
  }
}

function firstProblem(
  pairs: [AvroNode, JsonNode | undefined][],
): DefaultDecodingProblem | undefined {
  for (const [type, value] of pairs) {
    const problem = findDefaultDecodingProblem(type, value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
