import avro from 'avsc';

// Logical types the SDK maps to JavaScript values. avsc leaves logical types it is not
// given as their underlying type, so `timestamp-micros`, `date` and `time-*` stay numbers,
// and the generated types declare them as numbers.

type Resolver = ((value: unknown) => unknown) | undefined;

/** `timestamp-millis` on a long, as a `Date`. */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(value: unknown): Date {
    return new Date(value as number);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (!(value instanceof Date)) return undefined;
    const time = value.getTime();
    return Number.isNaN(time) ? undefined : time;
  }

  protected override _resolve(type: avro.Type): Resolver {
    if (type instanceof TimestampMillisType) return (value) => value;
    // Avro promotes an int writer to a long reader, and a plain long is read as millis.
    if (avro.Type.isType(type, 'long', 'abstract:long', 'int')) return (value) => this._fromValue(value);
    return undefined;
  }
}

/** `uuid` on a string, checked for the 8-4-4-4-12 hexadecimal layout. */
export class UuidType extends avro.types.LogicalType {
  private static readonly PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

  protected override _fromValue(value: unknown): string {
    return value as string;
  }

  protected override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UuidType.PATTERN.test(value) ? value : undefined;
  }

  protected override _resolve(type: avro.Type): Resolver {
    return avro.Type.isType(type, 'string', 'bytes', 'logical:uuid') ? (value) => String(value) : undefined;
  }
}

/**
 * `decimal` on bytes or fixed, as a string such as `"19.99"`, so amounts stay exact. The
 * bytes contain the unscaled value as a big-endian two's-complement integer, as the Avro
 * specification defines. A value with more fraction digits than the scale is rejected, not
 * rounded.
 */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly pattern: RegExp;

  constructor(schema: avro.Schema, options?: avro.ForSchemaOptions) {
    super(schema, options);
    const { precision, scale } = schema as { precision?: number; scale?: number };
    this.precision = precision ?? 0;
    this.scale = scale ?? 0;
    if (!Number.isInteger(this.precision) || this.precision < 1) {
      throw new Error(`invalid decimal precision ${String(precision)}: expected a positive integer`);
    }
    if (!Number.isInteger(this.scale) || this.scale < 0 || this.scale > this.precision) {
      throw new Error(`invalid decimal scale ${String(scale)}: expected 0 to the precision`);
    }
    const fraction = this.scale > 0 ? `(?:\\.(\\d{1,${this.scale}}))?` : '';
    this.pattern = new RegExp(`^(-)?(\\d+)${fraction}$`);
  }

  protected override _fromValue(value: unknown): string {
    const bytes = value as Buffer;
    let unscaled = 0n;
    for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
    if (bytes.length > 0 && (bytes[0] as number) & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
    return formatUnscaled(unscaled, this.scale);
  }

  // Validation checks the text alone; building the bytes is left to the write that follows.
  // (avsc's typings omit `_check`, which LogicalType defines and this replaces.)
  protected _check(value: unknown, _flags: unknown, hook?: (value: unknown, type: avro.Type) => void): boolean {
    const valid = this.isValidAmount(value);
    if (!valid && hook) hook(value, this);
    return valid;
  }

  private isValidAmount(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const match = this.pattern.exec(value);
    if (!match) return false;
    const [, , whole = '', fraction = ''] = match;
    const digits = `${whole}${fraction.padEnd(this.scale, '0')}`.replace(/^0+(?=\d)/, '');
    if (digits.length > this.precision) return false;
    const size = fixedSize(this.underlyingType);
    return size === undefined || this._toValue(value) !== undefined;
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined;
    const match = this.pattern.exec(value);
    if (!match) return undefined;
    const [, sign, whole = '', fraction = ''] = match;
    const digits = `${whole}${fraction.padEnd(this.scale, '0')}`.replace(/^0+(?=\d)/, '');
    if (digits.length > this.precision) return undefined;
    const unscaled = BigInt(sign ? `-${digits}` : digits);
    const size = fixedSize(this.underlyingType);
    return toTwosComplement(unscaled, size);
  }

  protected override _resolve(type: avro.Type): Resolver {
    if (type instanceof DecimalType) {
      return type.scale === this.scale ? (value) => value : undefined;
    }
    // A writer without the logical type wrote the same bytes; read them with this scale.
    if (avro.Type.isType(type, 'bytes', 'fixed')) return (value) => this._fromValue(value);
    return undefined;
  }

  protected override _export(schema: avro.Schema): void {
    Object.assign(schema as object, { precision: this.precision, scale: this.scale });
  }
}

function fixedSize(type: avro.Type): number | undefined {
  return avro.Type.isType(type, 'fixed') ? (type as unknown as { size: number }).size : undefined;
}

function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function toTwosComplement(value: bigint, size: number | undefined): Buffer | undefined {
  // The shortest encoding whose sign bit matches the value's sign.
  let length = 1;
  while (value < -(1n << BigInt(length * 8 - 1)) || value >= 1n << BigInt(length * 8 - 1)) length++;
  if (size !== undefined && length > size) return undefined;
  const total = size ?? length;
  const buffer = Buffer.alloc(total, value < 0n ? 0xff : 0);
  let rest = BigInt.asUintN(length * 8, value);
  for (let index = total - 1; index >= total - length; index--) {
    buffer[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return buffer;
}

/** The logical types passed to avsc for every schema the SDK compiles. */
export const LOGICAL_TYPES = {
  'timestamp-millis': TimestampMillisType,
  uuid: UuidType,
  decimal: DecimalType,
} as const;
