import { isIntegralWithin, type JsonNode } from './json.js';
import type { AvroLogicalType } from './types.js';

// The logical types of the Avro specification and the type each must annotate. Avro's
// Java parser ignores a logical type written on another type (and a decimal with invalid
// parameters), so the schema stays valid but its values lose the logical meaning.
const UNDERLYING: Record<string, readonly string[]> = {
  decimal: ['bytes', 'fixed'],
  'big-decimal': ['bytes'],
  uuid: ['string', 'fixed'],
  date: ['int'],
  'time-millis': ['int'],
  'time-micros': ['long'],
  'timestamp-millis': ['long'],
  'timestamp-micros': ['long'],
  'timestamp-nanos': ['long'],
  'local-timestamp-millis': ['long'],
  'local-timestamp-micros': ['long'],
  'local-timestamp-nanos': ['long'],
  duration: ['fixed'],
};

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

/**
 * Reads the `logicalType` attribute of a type object. Names outside the specification are
 * kept as valid, because applications register their own logical types.
 */
export function readLogicalType(
  json: JsonNode,
  type: string,
  fixedSize?: number,
): AvroLogicalType | undefined {
  if (json.kind !== 'object') return undefined;
  const attribute = json.members.get('logicalType');
  if (attribute?.kind !== 'string') return undefined;
  const name = attribute.value;
  const allowed = UNDERLYING[name];
  if (allowed === undefined) return { name, valid: true };
  if (!allowed.includes(type)) return { name, valid: false };
  if (name === 'duration') return { name, valid: fixedSize === 12 };
  if (name === 'uuid' && type === 'fixed') return { name, valid: fixedSize === 16 };
  if (name === 'decimal') return readDecimal(json, fixedSize);
  return { name, valid: true };
}

/** Describes a logical type with its parameters, such as `decimal(10, 2)`. */
export function describeLogicalType(logicalType: AvroLogicalType): string {
  const { name, precision, scale } = logicalType;
  if (name !== 'decimal' || precision === undefined) return name;
  return `decimal(${precision}, ${scale ?? 0})`;
}

function readDecimal(json: JsonNode & { kind: 'object' }, fixedSize?: number): AvroLogicalType {
  const precisionNode = json.members.get('precision');
  const scaleNode = json.members.get('scale');
  // Java reads both as `Integer` properties: a missing precision, or a value that is not an
  // integral number in int range, makes the decimal invalid.
  if (precisionNode === undefined || !isIntegralWithin(precisionNode, INT_MIN, INT_MAX)) {
    return { name: 'decimal', valid: false };
  }
  if (scaleNode !== undefined && !isIntegralWithin(scaleNode, INT_MIN, INT_MAX)) {
    return { name: 'decimal', valid: false };
  }
  const precision = Number((precisionNode as { text: string }).text);
  const scale = scaleNode === undefined ? 0 : Number((scaleNode as { text: string }).text);
  const maxPrecision = fixedSize === undefined ? Infinity : maxDecimalDigits(fixedSize);
  const valid = precision > 0 && precision <= maxPrecision && scale >= 0 && scale <= precision;
  return { name: 'decimal', valid, precision, scale };
}

/** Returns how many decimal digits a two's-complement number of `size` bytes always holds. */
function maxDecimalDigits(size: number): number {
  if (size <= 0) return 0;
  return Math.floor(Math.log10(2) * (8 * size - 1));
}
