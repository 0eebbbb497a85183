import avro from 'avsc';

// Logical types the SDK maps to JavaScript values. avsc leaves logical types it is not
// given as their underlying type, so `timestamp-micros`, `date` and `time-*` stay numbers,
// and the generated types declare them as numbers.
//
// The uuid and decimal types replace avsc's internal `_check`, `_read` and `_write` hooks
// (which avsc's typings omit), because they run for every value of every event: each value
// is checked or converted once, by character codes and Number arithmetic, straight from and
// into avsc's buffer.

type Resolver = ((value: unknown) => unknown) | undefined;
type CheckHook = (value: unknown, type: avro.Type) => void;

/** The part of avsc's internal Tap (a buffer and a position in it) these types use. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(value: number): void;
}

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
  protected override _fromValue(value: unknown): string {
    return value as string;
  }

  protected override _toValue(value: unknown): string | undefined {
    return isUuid(value) ? value : undefined;
  }

  protected _check(value: unknown, _flags: unknown, hook?: CheckHook): boolean {
    const valid = isUuid(value);
    if (!valid && hook) hook(value, this);
    return valid;
  }

  // avsc's own `_write` would check through `_toValue` and then hand the same string on; this
  // checks it once and writes it.
  protected _write(tap: Tap, value: unknown): void {
    if (!isUuid(value)) throw new Error('invalid uuid: expected the 8-4-4-4-12 layout of hexadecimal digits');
    (this.underlyingType as unknown as { _write(tap: Tap, value: unknown): void })._write(tap, value);
  }

  protected override _resolve(type: avro.Type): Resolver {
    return avro.Type.isType(type, 'string', 'bytes', 'logical:uuid') ? (value) => String(value) : undefined;
  }
}

const HYPHEN = 0x2d;

/** Checks whether a value is a string in the 8-4-4-4-12 layout of hexadecimal digits, in either case. */
export function isUuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let index = 0; index < 36; index++) {
    const code = value.charCodeAt(index);
    if (index === 8 || index === 13 || index === 18 || index === 23) {
      if (code !== HYPHEN) return false;
    } else if (!((code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66))) {
      // 0-9, or a-f once the case bit is set (which maps A-F, and only A-F, onto a-f).
      return false;
    }
  }
  return true;
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
  /** Byte size of a fixed underlying type; undefined for bytes. */
  private readonly size: number | undefined;

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
    this.size = avro.Type.isType(this.underlyingType, 'fixed') ? (this.underlyingType as unknown as { size: number }).size : undefined;
  }

  protected override _fromValue(value: unknown): string {
    const bytes = value as Buffer;
    return formatBytes(bytes, 0, bytes.length, this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    const unscaled = this.unscaled(value);
    if (unscaled === undefined) return undefined;
    return typeof unscaled === 'number' ? numberToBytes(unscaled, this.size) : bigintToBytes(unscaled, this.size);
  }

  protected _check(value: unknown, _flags: unknown, hook?: CheckHook): boolean {
    const unscaled = this.unscaled(value);
    const valid =
      unscaled !== undefined &&
      (this.size === undefined ||
        (typeof unscaled === 'number' ? byteLength(unscaled) : bigintByteLength(unscaled)) <= this.size);
    if (!valid && hook) hook(value, this);
    return valid;
  }

  // Reads the unscaled value from avsc's buffer in place, instead of copying the bytes out first.
  protected _read(tap: Tap): string {
    const length = this.size ?? tap.readLong();
    const start = tap.pos;
    // As in avsc's own reads: a negative length or a short buffer leaves the tap past its
    // end, and avsc reports a truncated buffer once the read returns.
    tap.pos = length < 0 ? tap.buf.length + 1 : start + length;
    if (tap.pos > tap.buf.length) return '';
    return formatBytes(tap.buf, start, tap.pos, this.scale);
  }

  // Writes the bytes of an amount below 2^53 straight into avsc's buffer; larger amounts,
  // and invalid values (which throw there), take avsc's path through `_toValue`.
  protected _write(tap: Tap, value: unknown): void {
    const unscaled = typeof value === 'string' ? parseUnscaled(value, this.scale, this.precision) : Number.NaN;
    if (Number.isFinite(unscaled)) {
      const length = byteLength(unscaled);
      const total = this.size ?? length;
      if (length <= total) {
        if (this.size === undefined) tap.writeLong(total);
        const start = tap.pos;
        tap.pos += total;
        // Past the buffer's end avsc writes nothing and retries with a larger buffer.
        if (tap.pos <= tap.buf.length) writeTwosComplement(tap.buf, start, total, unscaled);
        return;
      }
    }
    (this.underlyingType as unknown as { _write(tap: Tap, value: unknown): void })._write(tap, this._toValue(value));
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

  // The unscaled value of a valid amount: a number below 2^53, a BigInt from there on.
  private unscaled(value: unknown): number | bigint | undefined {
    if (typeof value !== 'string') return undefined;
    const unscaled = parseUnscaled(value, this.scale, this.precision);
    if (Number.isNaN(unscaled)) return undefined;
    if (Number.isFinite(unscaled)) return unscaled;
    const [whole = '', fraction = ''] = value.split('.');
    return BigInt(`${whole}${fraction.padEnd(this.scale, '0')}`);
  }
}

const ZERO = 0x30;
const POINT = 0x2e;
const MINUS = 0x2d;
const TWO_32 = 2 ** 32;

/**
 * Reads an amount such as `-19.99` in one pass over its characters: an optional minus, one
 * or more digits, then, when the scale allows a fraction, a point and one to `scale` digits.
 * Returns its unscaled value (the digits with the fraction padded to the scale, so `19.9`
 * at scale 2 is 1990), or NaN when the text is not such an amount or has more significant
 * digits than the precision. From 2^53 on, where a number is no longer exact, it returns
 * an infinity of the amount's sign, and callers take the BigInt path.
 */
export function parseUnscaled(text: string, scale: number, precision: number): number {
  const length = text.length;
  const negative = length > 0 && text.charCodeAt(0) === MINUS;
  let index = negative ? 1 : 0;
  let magnitude = 0;
  // Digits from the first non-zero one on, which is what the precision counts.
  let significant = 0;
  const wholeStart = index;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) break;
    magnitude = magnitude * 10 + digit;
    if (magnitude > 0) significant++;
  }
  if (index === wholeStart) return Number.NaN;
  let fractionDigits = 0;
  if (index < length) {
    if (scale === 0 || text.charCodeAt(index) !== POINT || index === length - 1) return Number.NaN;
    for (index++; index < length; index++) {
      const digit = text.charCodeAt(index) - ZERO;
      if (digit < 0 || digit > 9 || ++fractionDigits > scale) return Number.NaN;
      magnitude = magnitude * 10 + digit;
      if (magnitude > 0) significant++;
    }
  }
  for (; fractionDigits < scale; fractionDigits++) {
    magnitude *= 10;
    if (magnitude > 0) significant++;
  }
  if (significant > precision) return Number.NaN;
  // Every step above is exact while the magnitude stays a safe integer, and rounding never
  // brings a larger one back below 2^53, so this test is exact too.
  if (magnitude > Number.MAX_SAFE_INTEGER) return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return negative ? -magnitude : magnitude;
}

/** Length of the shortest two's-complement encoding of a safe integer, whose sign bit matches its sign. */
export function byteLength(value: number): number {
  let length = 1;
  for (let limit = 0x80; value >= limit || value < -limit; limit *= 0x100) length++;
  return length;
}

/** Length of the shortest two's-complement encoding of a BigInt, whose sign bit matches its sign. */
export function bigintByteLength(value: bigint): number {
  let length = 1;
  while (value < -(1n << BigInt(length * 8 - 1)) || value >= 1n << BigInt(length * 8 - 1)) length++;
  return length;
}

/**
 * Writes a safe integer as a big-endian two's-complement integer of `length` bytes, sign
 * extended to the left, into `buffer` at `start`. The integer is split into its upper and
 * lower 32 bits, both exact, so no BigInt is needed.
 */
export function writeTwosComplement(buffer: Buffer, start: number, length: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  const low = value - high * TWO_32;
  for (let index = 0; index < length; index++) {
    let byte: number;
    if (index < 4) byte = (low >>> (index * 8)) & 0xff;
    else if (index < 8) byte = (high >> ((index - 4) * 8)) & 0xff;
    else byte = high < 0 ? 0xff : 0;
    buffer[start + length - 1 - index] = byte;
  }
}

/** Returns the shortest two's-complement bytes of a safe integer, or `size` bytes; undefined when it needs more. */
export function numberToBytes(value: number, size: number | undefined): Buffer | undefined {
  const length = byteLength(value);
  if (size !== undefined && length > size) return undefined;
  const buffer = Buffer.allocUnsafe(size ?? length);
  writeTwosComplement(buffer, 0, buffer.length, value);
  return buffer;
}

/** Returns the shortest two's-complement bytes of a BigInt, or `size` bytes; undefined when it needs more. */
export function bigintToBytes(value: bigint, size: number | undefined): Buffer | undefined {
  const length = bigintByteLength(value);
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

/**
 * Reads the big-endian two's-complement integer in `bytes[start, end)` as a number, or
 * returns undefined when its magnitude is 2^53 or more (then `bytesToBigint` reads it).
 * Leading bytes that only extend the sign (as in a fixed of 16 bytes) are skipped first.
 */
export function bytesToNumber(bytes: Buffer, start: number, end: number): number | undefined {
  while (end - start > 1) {
    const first = bytes[start] as number;
    const signOfNext = (bytes[start + 1] as number) & 0x80;
    if ((first === 0 && signOfNext === 0) || (first === 0xff && signOfNext !== 0)) start++;
    else break;
  }
  const length = end - start;
  if (length === 0) return 0;
  if (length <= 6) return bytes.readIntBE(start, length);
  if (length > 8) return undefined;
  const value = bytes.readIntBE(start, length - 4) * TWO_32 + bytes.readUInt32BE(end - 4);
  // Exact when it is within the safe range; beyond it, rounding never brings it back in.
  return value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER ? undefined : value;
}

/** Reads the big-endian two's-complement integer in `bytes[start, end)` as a BigInt. */
export function bytesToBigint(bytes: Buffer, start: number, end: number): bigint {
  let unscaled = 0n;
  for (let index = start; index < end; index++) unscaled = (unscaled << 8n) | BigInt(bytes[index] as number);
  if (end > start && (bytes[start] as number) & 0x80) unscaled -= 1n << BigInt((end - start) * 8);
  return unscaled;
}

/** Writes an unscaled value as a decimal string with `scale` fraction digits, such as `-0.50`. */
export function formatUnscaled(unscaled: number | bigint, scale: number): string {
  const negative = unscaled < 0;
  const magnitude = String(negative ? -unscaled : unscaled);
  if (scale === 0) return negative ? `-${magnitude}` : magnitude;
  const digits = magnitude.length > scale ? magnitude : magnitude.padStart(scale + 1, '0');
  const point = digits.length - scale;
  return `${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function formatBytes(bytes: Buffer, start: number, end: number, scale: number): string {
  return formatUnscaled(bytesToNumber(bytes, start, end) ?? bytesToBigint(bytes, start, end), scale);
}

/** The logical types passed to avsc for every schema the SDK compiles. */
export const LOGICAL_TYPES = {
  'timestamp-millis': TimestampMillisType,
  uuid: UuidType,
  decimal: DecimalType,
} as const;
