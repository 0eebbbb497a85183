import { describe, expect, it } from 'vitest';

import { compileSchema } from '../../src/index.js';
import {
  bigintToBytes,
  bytesToBigint,
  bytesToNumber,
  formatUnscaled,
  isUuid,
  numberToBytes,
  parseUnscaled,
} from '../../src/serde/logical-types.js';

// Expected bytes and texts come from Apache Avro 1.12.2's Java implementation:
// `Conversions.DecimalConversion.toBytes` and `toFixed` for the bytes (the unscaled value as
// a big-endian two's-complement integer, shortest for bytes, sign-extended for fixed), and
// `BigDecimal.toPlainString` of `fromBytes` for the text. They cover the byte boundaries at
// 2^7, 2^15, 2^31, 2^47 (the widest integer a Buffer reads at once), 2^53 (where a number
// stops being exact) and 2^63, on both sides of zero.

const decimal = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });
const fixedDecimal = (size: number, precision: number, scale: number) => ({
  type: 'fixed',
  name: `shop.test.Fixed${size}`,
  size,
  logicalType: 'decimal',
  precision,
  scale,
});

// [text at scale 2, bytes, fixed of 9 bytes], from Avro Java with decimal(20, 2).
const JAVA_VECTORS: [string, string, string][] = [
  ['0.00', '00', '000000000000000000'],
  ['0.01', '01', '000000000000000001'],
  ['-0.01', 'ff', 'ffffffffffffffffff'],
  ['1.27', '7f', '00000000000000007f'],
  ['1.28', '0080', '000000000000000080'],
  ['-1.28', '80', 'ffffffffffffffff80'],
  ['-1.29', 'ff7f', 'ffffffffffffffff7f'],
  ['2.55', '00ff', '0000000000000000ff'],
  ['2.56', '0100', '000000000000000100'],
  ['327.67', '7fff', '000000000000007fff'],
  ['327.68', '008000', '000000000000008000'],
  ['-327.68', '8000', 'ffffffffffffff8000'],
  ['-327.69', 'ff7fff', 'ffffffffffffff7fff'],
  ['21474836.47', '7fffffff', '00000000007fffffff'],
  ['21474836.48', '0080000000', '000000000080000000'],
  ['-21474836.48', '80000000', 'ffffffffff80000000'],
  ['-21474836.49', 'ff7fffffff', 'ffffffffff7fffffff'],
  ['1407374883553.27', '7fffffffffff', '0000007fffffffffff'],
  ['1407374883553.28', '00800000000000', '000000800000000000'],
  ['-1407374883553.28', '800000000000', 'ffffff800000000000'],
  ['-1407374883553.29', 'ff7fffffffffff', 'ffffff7fffffffffff'],
  ['90071992547409.91', '1fffffffffffff', '00001fffffffffffff'],
  ['90071992547409.92', '20000000000000', '000020000000000000'],
  ['-90071992547409.91', 'e0000000000001', 'ffffe0000000000001'],
  ['-90071992547409.92', 'e0000000000000', 'ffffe0000000000000'],
  ['-90071992547409.93', 'dfffffffffffff', 'ffffdfffffffffffff'],
  ['360287970189639.67', '7fffffffffffff', '00007fffffffffffff'],
  ['360287970189639.68', '0080000000000000', '000080000000000000'],
  ['92233720368547758.07', '7fffffffffffffff', '007fffffffffffffff'],
  ['92233720368547758.08', '008000000000000000', '008000000000000000'],
  ['-92233720368547758.08', '8000000000000000', 'ff8000000000000000'],
  ['-92233720368547758.09', 'ff7fffffffffffffff', 'ff7fffffffffffffff'],
];

// [scale, text, bytes], from Avro Java with decimal(10, scale).
const JAVA_SCALES: [number, string, string][] = [
  [0, '0', '00'],
  [0, '-1', 'ff'],
  [0, '-50', 'ce'],
  [0, '12345', '3039'],
  [0, '-99999', 'fe7961'],
  [0, '1000000', '0f4240'],
  [1, '0.0', '00'],
  [1, '-5.0', 'ce'],
  [1, '1234.5', '3039'],
  [1, '100000.0', '0f4240'],
  [5, '0.00000', '00'],
  [5, '0.00001', '01'],
  [5, '-0.00001', 'ff'],
  [5, '-0.00050', 'ce'],
  [5, '0.12345', '3039'],
  [5, '-0.99999', 'fe7961'],
  [5, '10.00000', '0f4240'],
  [10, '0.0000000001', '01'],
  [10, '-0.0000000050', 'ce'],
  [10, '0.0000012345', '3039'],
  [10, '-0.0000099999', 'fe7961'],
  [10, '0.0001000000', '0f4240'],
];

// [text at scale 4, fixed of 16 bytes], from Avro Java with decimal(38, 4), the widest decimal
// 16 bytes hold.
const JAVA_FIXED_16: [string, string][] = [
  ['0.0001', '00000000000000000000000000000001'],
  ['-0.0001', 'ffffffffffffffffffffffffffffffff'],
  ['19.9900', '00000000000000000000000000030cdc'],
  ['-19.9900', 'fffffffffffffffffffffffffffcf324'],
  ['900719925474.0991', '0000000000000000001fffffffffffff'],
  ['-900719925474.0992', 'ffffffffffffffffffe0000000000000'],
  ['9999999999999999999999999999999999.9999', '4b3b4ca85a86c47a098a223fffffffff'],
  ['-9999999999999999999999999999999999.9999', 'b4c4b357a5793b85f675ddc000000001'],
];

// Avro bytes are a zig-zag varint length, then the bytes. n bytes zig-zag to 2n, the length of
// their hex text, and every length here fits one varint byte.
const withLength = (hex: string) => `${hex.length.toString(16).padStart(2, '0')}${hex}`;

describe('decimal on bytes', () => {
  const type = compileSchema(decimal(20, 2));

  it.each(JAVA_VECTORS)('encodes %s as Avro Java does (%s)', (text, hex) => {
    expect(type.toBuffer(text).toString('hex')).toBe(withLength(hex));
  });

  it.each(JAVA_VECTORS)('decodes the bytes of %s back exactly', (text, hex) => {
    expect(type.fromBuffer(Buffer.from(withLength(hex), 'hex'))).toBe(text);
  });

  it.each(JAVA_SCALES)('at scale %i encodes and decodes %s as %s', (scale, text, hex) => {
    const scaled = compileSchema(decimal(10, scale));
    expect(scaled.toBuffer(text).toString('hex')).toBe(withLength(hex));
    expect(scaled.fromBuffer(Buffer.from(withLength(hex), 'hex'))).toBe(text);
  });

  it('writes zero for a negative zero, as Java does for -0.00', () => {
    expect(type.toBuffer('-0.00').toString('hex')).toBe(withLength('00'));
    expect(type.toBuffer('-0').toString('hex')).toBe(withLength('00'));
  });

  it('pads a short fraction to the scale', () => {
    expect(type.toBuffer('1.2').toString('hex')).toBe(type.toBuffer('1.20').toString('hex'));
    expect(type.toBuffer('7').toString('hex')).toBe(type.toBuffer('7.00').toString('hex'));
  });

  it('reads bytes that carry redundant sign bytes, as other writers may send', () => {
    expect(type.fromBuffer(Buffer.from(withLength('0000ff'), 'hex'))).toBe('2.55');
    expect(type.fromBuffer(Buffer.from(withLength('ffff80'), 'hex'))).toBe('-1.28');
    expect(type.fromBuffer(Buffer.from(withLength('00000000000000000001'), 'hex'))).toBe('0.01');
  });

  it('reads empty bytes as zero', () => {
    expect(type.fromBuffer(Buffer.from('00', 'hex'))).toBe('0.00');
  });

  it('reports truncated bytes', () => {
    expect(() => type.fromBuffer(Buffer.from('06ff', 'hex'))).toThrow(/truncated/);
  });
});

describe('decimal on fixed', () => {
  const fixed9 = compileSchema(fixedDecimal(9, 20, 2));
  const fixed16 = compileSchema(fixedDecimal(16, 38, 4));

  it.each(JAVA_VECTORS)('encodes and decodes %s in 9 bytes as Avro Java does', (text, _hex, fixedHex) => {
    expect(fixed9.toBuffer(text).toString('hex')).toBe(fixedHex);
    expect(fixed9.fromBuffer(Buffer.from(fixedHex, 'hex'))).toBe(text);
  });

  it.each(JAVA_FIXED_16)('encodes and decodes %s in 16 bytes as Avro Java does', (text, hex) => {
    expect(fixed16.toBuffer(text).toString('hex')).toBe(hex);
    expect(fixed16.fromBuffer(Buffer.from(hex, 'hex'))).toBe(text);
  });

  it('rejects an amount that needs more bytes than the fixed size', () => {
    const fixed2 = compileSchema(fixedDecimal(2, 6, 2));
    expect(fixed2.isValid('327.67')).toBe(true);
    expect(fixed2.isValid('-327.68')).toBe(true);
    expect(fixed2.isValid('327.68')).toBe(false);
    expect(fixed2.isValid('-327.69')).toBe(false);
    expect(() => fixed2.toBuffer('327.68')).toThrow();
  });
});

describe('decimal validation', () => {
  // The rule before the character-code parser, kept here as the reference: an optional minus,
  // digits, a fraction of 1 to `scale` digits, and at most `precision` significant digits.
  function referenceValid(text: unknown, precision: number, scale: number): boolean {
    if (typeof text !== 'string') return false;
    const fraction = scale > 0 ? `(?:\\.(\\d{1,${scale}}))?` : '';
    const match = new RegExp(`^(-)?(\\d+)${fraction}$`).exec(text);
    if (!match) return false;
    const digits = `${match[2]}${(match[3] ?? '').padEnd(scale, '0')}`.replace(/^0+(?=\d)/, '');
    return digits.length <= precision;
  }

  const samples = [
    '', '-', '0', '-0', '00', '0.0', '0.00', '0.000', '1', '1.', '.5', '-.5', '+1', '1.5', '-1.5', '1.23', '1.234',
    '1e3', '1E3', ' 1', '1 ', '1\n', '0x10', '1.2.3', '--1', '1-', '١', '１', 'NaN', 'Infinity', '-Infinity',
    '0000000000001.00', '9999999999.99', '10000000000.00', '9999999999.999', '99999999999', '999999999999',
    '1000000000000', '-9999999999.99', '-10000000000.00', '00000000000000000000000000000000000000001',
    '90071992547409.91', '90071992547409.92', '900719925474099.1', '9007199254740991', '9007199254740993',
    '123456789012345678901234567890',
  ];

  it.each([
    [12, 2],
    [12, 0],
    [20, 2],
    [16, 0],
    [38, 10],
    [1, 1],
  ])('accepts exactly what the reference accepts at precision %i and scale %i', (precision, scale) => {
    const type = compileSchema(decimal(precision, scale));
    for (const sample of samples) {
      expect([sample, type.isValid(sample)]).toEqual([sample, referenceValid(sample, precision, scale)]);
    }
  });

  it('rejects values that are not strings', () => {
    const type = compileSchema(decimal(12, 2));
    for (const value of [19.99, 1999n, null, undefined, {}, Buffer.from([1])]) expect(type.isValid(value)).toBe(false);
  });
});

describe('decimal: Number path against BigInt path', () => {
  // Both sides of every power of two up to 2^64, on both sides of zero.
  const boundaries: bigint[] = [0n];
  for (let bit = 0n; bit <= 64n; bit++) {
    for (const delta of [-1n, 0n, 1n]) boundaries.push((1n << bit) + delta, -((1n << bit) + delta));
  }
  const safe = boundaries.filter((value) => value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER));

  it('writes the same bytes as the BigInt path for every safe boundary value', () => {
    for (const value of safe) {
      for (const size of [undefined, 7, 8, 9, 16]) {
        expect([value, size, numberToBytes(Number(value), size)?.toString('hex')]).toEqual([value, size, bigintToBytes(value, size)?.toString('hex')]);
      }
    }
  });

  it('reads the same value as the BigInt path, and leaves 2^53 and beyond to it', () => {
    for (const value of boundaries) {
      for (const size of [undefined, 9, 16]) {
        const bytes = bigintToBytes(value, size) as Buffer;
        expect(bytesToBigint(bytes, 0, bytes.length)).toBe(value);
        const number = bytesToNumber(bytes, 0, bytes.length);
        const magnitude = value < 0n ? -value : value;
        if (magnitude <= BigInt(Number.MAX_SAFE_INTEGER)) expect([value, number]).toEqual([value, Number(value)]);
        else expect([value, number]).toEqual([value, undefined]);
      }
    }
  });

  it('formats a number and a BigInt alike', () => {
    for (const value of safe) {
      for (const scale of [0, 1, 2, 5, 20]) expect(formatUnscaled(Number(value), scale)).toBe(formatUnscaled(value, scale));
    }
  });

  it('parses exactly up to 2^53 - 1 and hands larger magnitudes to the BigInt path', () => {
    expect(parseUnscaled('90071992547409.91', 2, 20)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseUnscaled('-90071992547409.91', 2, 20)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseUnscaled('90071992547409.92', 2, 20)).toBe(Number.POSITIVE_INFINITY);
    expect(parseUnscaled('-90071992547409.92', 2, 20)).toBe(Number.NEGATIVE_INFINITY);
    expect(parseUnscaled('9007199254740991', 0, 16)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseUnscaled('9007199254740992', 0, 16)).toBe(Number.POSITIVE_INFINITY);
    expect(parseUnscaled('1.5', 2, 12)).toBe(150);
    expect(parseUnscaled('1.555', 2, 12)).toBeNaN();
  });

  it('round-trips amounts on both sides of 2^53 through the schema', () => {
    const type = compileSchema(decimal(30, 3));
    for (const value of boundaries) {
      const text = formatUnscaled(value, 3);
      expect(type.fromBuffer(type.toBuffer(text))).toBe(text);
    }
  });
});

describe('uuid', () => {
  const type = compileSchema({ type: 'string', logicalType: 'uuid' });
  const reference = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  const valid = '3f2b8c1e-7d4a-4c1b-9e2f-0a1b2c3d4e5f';

  it('accepts the 8-4-4-4-12 layout in either case', () => {
    for (const text of [valid, valid.toUpperCase(), '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-ffff-FfFf-fFfF-abcdefABCDEF']) {
      expect(isUuid(text)).toBe(true);
      expect(type.isValid(text)).toBe(true);
    }
  });

  it('agrees with the regular expression for every ASCII character at every position', () => {
    for (let position = 0; position < valid.length; position++) {
      for (let code = 0; code < 128; code++) {
        const text = `${valid.slice(0, position)}${String.fromCharCode(code)}${valid.slice(position + 1)}`;
        expect([text, isUuid(text)]).toEqual([text, reference.test(text)]);
      }
    }
  });

  it('rejects other lengths, braces, non-ASCII digits and non-strings', () => {
    for (const value of ['', valid.slice(1), `${valid}0`, `{${valid}}`, valid.replace('3', '٣'), valid.replace(/-/g, ''), 42, null, undefined]) {
      expect(isUuid(value)).toBe(false);
      expect(type.isValid(value)).toBe(false);
    }
  });

  it('checks the value when writing it', () => {
    expect(type.toBuffer(valid).subarray(1).toString('ascii')).toBe(valid);
    expect(() => type.toBuffer('not-a-uuid')).toThrow(/invalid uuid/);
  });
});
