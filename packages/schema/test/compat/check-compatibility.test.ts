import { describe, expect, it } from 'vitest';

import {
  checkCompatibility,
  checkReaderWriter,
  COMPATIBILITY_LEVELS,
  parseAvroSchemaValue,
  parseCompatibilityLevel,
  type ParsedAvroSchema,
} from '../../src/index.js';

function parse(schema: unknown): ParsedAvroSchema {
  const result = parseAvroSchemaValue(schema);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.schema;
}

const status = (symbols: string[]) => ({
  type: 'record',
  name: 'OrderUpdated',
  namespace: 'com.shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'OrderStatus', symbols } },
  ],
});

describe('checkCompatibility', () => {
  it('describes types, version and direction', () => {
    const result = checkCompatibility(
      parse(status(['NEW', 'PAID'])),
      [parse(status(['NEW']))],
      'FULL',
    );
    expect(result.compatible).toBe(false);
    expect(result.issues).toEqual([
      {
        code: 'MISSING_ENUM_SYMBOLS',
        path: 'OrderUpdated.status',
        location: '/fields/1/type/symbols',
        reader: 'enum com.shop.OrderStatus',
        writer: 'enum com.shop.OrderStatus',
        previous: 0,
        direction: 'FORWARD',
        message: expect.stringContaining('without the symbols PAID'),
      },
    ]);
  });

  it('includes the lint warnings of the new schema', () => {
    const next = parse({
      type: 'record',
      name: 'R',
      fields: [{ name: 'at', type: 'long', logicalType: 'timestamp-millis' }],
    });
    const result = checkCompatibility(next, [], 'NONE');
    expect(result.compatible).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['FIELD_LOGICAL_TYPE_IGNORED']);
    expect(result.warnings[0]).not.toHaveProperty('previous');
  });

  it('checks nothing at NONE', () => {
    const result = checkCompatibility(parse('int'), [parse('string')], 'NONE');
    expect(result).toEqual({ compatible: true, issues: [], warnings: [] });
  });
});

describe('checkReaderWriter', () => {
  it('reports writer union branches', () => {
    const reader = parse({ type: 'record', name: 'R', fields: [{ name: 'v', type: 'string' }] });
    const writer = parse({
      type: 'record',
      name: 'R',
      fields: [{ name: 'v', type: ['int', 'string'] }],
    });
    const result = checkReaderWriter(reader, writer);
    expect(result.issues.map(({ code, path, location }) => ({ code, path, location }))).toEqual([
      { code: 'TYPE_MISMATCH', path: 'R.v<int>', location: '/fields/0/type/0' },
    ]);
  });
});

describe('parseCompatibilityLevel', () => {
  it('reads the seven levels in any case', () => {
    expect(COMPATIBILITY_LEVELS).toHaveLength(7);
    expect(parseCompatibilityLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel('BACKWARD')).toBe('BACKWARD');
  });

  it('rejects an unknown level', () => {
    expect(parseCompatibilityLevel('SIDEWAYS')).toBeUndefined();
  });
});
