import { describe, expect, it } from 'vitest';

import {
  parseAvroSchemaText,
  parseAvroSchemaValue,
  type SchemaErrorCode,
} from '../../src/index.js';

function errorsOf(text: string, options?: { validateDefaults?: boolean }) {
  const result = parseAvroSchemaText(text, options);
  return result.ok ? [] : result.errors.map(({ code, location }) => ({ code, location }));
}

function record(fields: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'record', name: 'Order', ...extra, fields });
}

/** Builds a record with one field `a` of the given type and a default given as JSON text. */
function withDefault(type: unknown, defaultText: string): string {
  const field = `{"name": "a", "type": ${JSON.stringify(type)}, "default": ${defaultText}}`;
  return `{"type": "record", "name": "R", "fields": [${field}]}`;
}

describe('parseAvroSchemaText validity', () => {
  it.each([
    ['a primitive name', '"int"'],
    ['a primitive object with attributes', '{"type": "long", "logicalType": "timestamp-millis"}'],
    ['the empty union', '[]'],
    [
      'a recursive record with no terminating branch',
      record([
        { name: 'head', type: 'long' },
        { name: 'tail', type: 'Order' },
      ]),
    ],
    ['comments between tokens', '/* schema */ {"type": // the type\n "string"}'],
    [
      'a named type referenced as {"type": name}',
      record([
        { name: 'a', type: { type: 'enum', name: 'E', symbols: ['X'] } },
        { name: 'b', type: { type: 'E' } },
      ]),
    ],
    [
      'a null-namespace type referenced from a namespace',
      JSON.stringify({
        type: 'record',
        name: 'Outer',
        namespace: 'com.shop',
        fields: [
          { name: 'a', type: { type: 'fixed', name: 'Id', namespace: '', size: 4 } },
          { name: 'b', type: 'Id' },
        ],
      }),
    ],
    ['an error type', '{"type": "error", "name": "Failure", "fields": []}'],
    ['an order in upper case', record([{ name: 'a', type: 'int', order: 'DESCENDING' }])],
    [
      'a null default for a union led by null',
      record([{ name: 'a', type: ['null', 'string'], default: null }]),
    ],
    [
      'a string default "NaN" for a double',
      record([{ name: 'a', type: 'double', default: 'NaN' }]),
    ],
    ['an int default at the int maximum', withDefault('int', '2147483647')],
    ['a long default beyond 2^53', withDefault('long', '9223372036854775807')],
    ['a name with non-ASCII letters', record([{ name: 'größe', type: 'int' }])],
    [
      'an enum default that is a symbol',
      '{"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "B"}',
    ],
    [
      'a record default that uses field defaults',
      record([
        {
          name: 'c',
          type: { type: 'record', name: 'C', fields: [{ name: 'x', type: 'int', default: 1 }] },
          default: {},
        },
      ]),
    ],
  ])('accepts %s', (_name, text) => {
    expect(errorsOf(text)).toEqual([]);
  });

  it.each<[string, string, SchemaErrorCode, string]>([
    ['unterminated JSON', '{"type": "int"', 'INVALID_JSON', '/'],
    ['content after the schema', '"int" "long"', 'INVALID_JSON', '/'],
    ['a comment after the schema', '"int" // trailing', 'INVALID_JSON', '/'],
    ['a number as schema', '42', 'INVALID_SCHEMA', '/'],
    ['a type attribute that is not a string', '{"type": {"type": "int"}}', 'INVALID_SCHEMA', '/'],
    ['a record without fields', '{"type": "record", "name": "R"}', 'INVALID_SCHEMA', '/'],
    ['an enum without symbols', '{"type": "enum", "name": "E"}', 'INVALID_SCHEMA', '/'],
    ['an array without items', '{"type": "array"}', 'INVALID_SCHEMA', '/'],
    ['a map without values', '{"type": "map"}', 'INVALID_SCHEMA', '/'],
    [
      'a fixed with a negative size',
      '{"type": "fixed", "name": "F", "size": -1}',
      'INVALID_SCHEMA',
      '/size',
    ],
    [
      'a fixed with a fractional size',
      '{"type": "fixed", "name": "F", "size": 1.5}',
      'INVALID_SCHEMA',
      '/size',
    ],
    ['a field without type', record([{ name: 'a' }]), 'INVALID_SCHEMA', '/fields/0'],
    ['a field that is not an object', record(['a']), 'INVALID_SCHEMA', '/fields/0'],
    ['a union inside a union', '[["int"]]', 'INVALID_SCHEMA', '/0'],
    ['aliases that are not an array', record([], { aliases: 'Old' }), 'INVALID_SCHEMA', '/aliases'],
    [
      'an unknown field order',
      record([{ name: 'a', type: 'int', order: 'up' }]),
      'INVALID_SCHEMA',
      '/fields/0/order',
    ],
    [
      'a name starting with a digit',
      '{"type": "fixed", "name": "1F", "size": 1}',
      'INVALID_NAME',
      '/name',
    ],
    [
      'a name with a dash',
      '{"type": "enum", "name": "E-1", "symbols": []}',
      'INVALID_NAME',
      '/name',
    ],
    [
      'an invalid namespace part',
      '{"type": "fixed", "name": "F", "namespace": "com.1x", "size": 1}',
      'INVALID_NAME',
      '/namespace',
    ],
    ['an empty field name', record([{ name: '', type: 'int' }]), 'INVALID_NAME', '/fields/0/name'],
    [
      'an enum symbol with a space',
      '{"type": "enum", "name": "E", "symbols": ["A B"]}',
      'INVALID_NAME',
      '/symbols/0',
    ],
    [
      'a record named after a primitive',
      '{"type": "record", "name": "int", "fields": []}',
      'INVALID_NAME',
      '/name',
    ],
    ['an invalid type alias', record([], { aliases: ['bad name'] }), 'INVALID_NAME', '/aliases/0'],
    ['an undefined type name', '"Missing"', 'UNDEFINED_NAME', '/'],
    [
      'a reference before the definition',
      record([
        { name: 'a', type: 'E' },
        { name: 'b', type: { type: 'enum', name: 'E', symbols: ['X'] } },
      ]),
      'UNDEFINED_NAME',
      '/fields/0/type',
    ],
    [
      'two fields with one name',
      record([
        { name: 'a', type: 'int' },
        { name: 'a', type: 'long' },
      ]),
      'DUPLICATE_NAME',
      '/fields/1/name',
    ],
    [
      'a symbol listed twice',
      '{"type": "enum", "name": "E", "symbols": ["A", "A"]}',
      'DUPLICATE_NAME',
      '/symbols/1',
    ],
    [
      'a type defined twice',
      record([
        { name: 'a', type: { type: 'fixed', name: 'F', size: 1 } },
        { name: 'b', type: { type: 'fixed', name: 'F', size: 1 } },
      ]),
      'DUPLICATE_NAME',
      '/fields/1/type/name',
    ],
    ['a union with two int branches', '["int", "int"]', 'DUPLICATE_NAME', '/1'],
    [
      'a union with two array branches',
      '[{"type": "array", "items": "int"}, {"type": "array", "items": "long"}]',
      'DUPLICATE_NAME',
      '/1',
    ],
    [
      'an enum default that is not a symbol',
      '{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}',
      'INVALID_DEFAULT',
      '/default',
    ],
  ])('rejects %s', (_name, text, code, location) => {
    expect(errorsOf(text)).toContainEqual({ code, location });
  });

  it('reports every error, not only the first', () => {
    const text = record([
      { name: '1a', type: 'int' },
      { name: 'b', type: 'Nope' },
      { name: 'c', type: 'int', default: 'x' },
    ]);
    expect(errorsOf(text)).toEqual([
      { code: 'INVALID_NAME', location: '/fields/0/name' },
      { code: 'UNDEFINED_NAME', location: '/fields/1/type' },
      { code: 'INVALID_DEFAULT', location: '/fields/2/default' },
    ]);
  });

  it('locates JSON errors by line', () => {
    const result = parseAvroSchemaText('{\n  "type": "int",\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain('line 3, column 1');
  });
});

describe('parseAvroSchemaText defaults', () => {
  it.each<[string, unknown, string]>([
    ['1.0 for an int', 'int', '1.0'],
    ['a string for an int', 'int', '"1"'],
    ['2^31 for an int', 'int', '2147483648'],
    ['2^63 for a long', 'long', '9223372036854775808'],
    ['1e2 for a long', 'long', '1e2'],
    ['0 for a boolean', 'boolean', '0'],
    ['a number for a string', 'string', '1'],
    ['text that is not a number for a double', 'double', '"ten"'],
    ['a string for a union led by null', ['null', 'string'], '"text"'],
    ['null for a union led by string', ['string', 'null'], 'null'],
    ['an array with a wrong item', { type: 'array', items: 'int' }, '[1, "two"]'],
    ['a map with a wrong value', { type: 'map', values: 'int' }, '{"a": true}'],
    [
      'a record missing a field without default',
      { type: 'record', name: 'C', fields: [{ name: 'x', type: 'int' }] },
      '{}',
    ],
  ])('rejects %s', (_name, type, defaultText) => {
    const text = withDefault(type, defaultText);
    expect(errorsOf(text)).toEqual([{ code: 'INVALID_DEFAULT', location: '/fields/0/default' }]);
  });

  it('skips default checks when asked', () => {
    const text = record([{ name: 'a', type: ['null', 'string'], default: 'text' }]);
    expect(errorsOf(text, { validateDefaults: false })).toEqual([]);
  });

  it('always rejects a non-numeric double default', () => {
    const text = record([{ name: 'a', type: 'double', default: 'ten' }]);
    expect(errorsOf(text, { validateDefaults: false })).toEqual([
      { code: 'INVALID_DEFAULT', location: '/fields/0/default' },
    ]);
  });

  it('counts a decoded 1.0 as integral', () => {
    const result = parseAvroSchemaValue({
      type: 'record',
      name: 'R',
      fields: [{ name: 'a', type: 'int', default: 1.0 }],
    });
    expect(result.ok).toBe(true);
  });
});

describe('parseAvroSchemaText lint warnings', () => {
  function warningsOf(text: string) {
    const result = parseAvroSchemaText(text);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.schema.warnings.map(({ code, path, location }) => ({ code, path, location }));
  }

  it('warns about a logicalType written on the field', () => {
    const text = record([
      { name: 'id', type: 'string' },
      { name: 'createdAt', type: 'long', logicalType: 'timestamp-millis' },
    ]);
    expect(warningsOf(text)).toEqual([
      {
        code: 'FIELD_LOGICAL_TYPE_IGNORED',
        path: 'Order.createdAt',
        location: '/fields/1/logicalType',
      },
    ]);
  });

  it('accepts a logicalType inside the type', () => {
    const text = record([
      { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    ]);
    expect(warningsOf(text)).toEqual([]);
  });

  it.each([
    ['a timestamp on a string', { type: 'string', logicalType: 'timestamp-millis' }],
    ['a decimal without precision', { type: 'bytes', logicalType: 'decimal' }],
    [
      'a decimal with scale above precision',
      { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 },
    ],
    [
      'a decimal too wide for its fixed',
      { type: 'fixed', name: 'D', size: 2, logicalType: 'decimal', precision: 5 },
    ],
    ['a duration of 10 bytes', { type: 'fixed', name: 'D', size: 10, logicalType: 'duration' }],
  ])('warns about %s', (_name, type) => {
    expect(warningsOf(record([{ name: 'v', type }]))).toEqual([
      { code: 'LOGICAL_TYPE_IGNORED', path: 'Order.v', location: '/fields/0/type/logicalType' },
    ]);
  });

  it('accepts logical types it does not know', () => {
    expect(
      warningsOf(record([{ name: 'v', type: { type: 'string', logicalType: 'country-code' } }])),
    ).toEqual([]);
  });

  it('warns about an enum field default that is not a symbol', () => {
    const text = record([
      { name: 's', type: { type: 'enum', name: 'S', symbols: ['A'] }, default: 'B' },
    ]);
    expect(warningsOf(text)).toEqual([
      { code: 'FIELD_DEFAULT_NOT_A_SYMBOL', path: 'Order.s', location: '/fields/0/default' },
    ]);
  });

  it('warns about a fixed field default of the wrong size', () => {
    const text = record([
      { name: 'h', type: { type: 'fixed', name: 'H', size: 4 }, default: 'ab' },
    ]);
    expect(warningsOf(text)).toEqual([
      { code: 'FIELD_DEFAULT_WRONG_SIZE', path: 'Order.h', location: '/fields/0/default' },
    ]);
  });
});
