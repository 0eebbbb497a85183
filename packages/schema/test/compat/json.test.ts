import { describe, expect, it } from 'vitest';

import { JsonSyntaxError, parseJsonText } from '../../src/compat/json.js';

describe('parseJsonText', () => {
  it('keeps number text and integrality', () => {
    expect(parseJsonText('1')).toEqual({ kind: 'number', text: '1', integral: true, value: 1 });
    expect(parseJsonText('1.0')).toEqual({
      kind: 'number',
      text: '1.0',
      integral: false,
      value: 1,
    });
    expect(parseJsonText('1e2')).toMatchObject({ integral: false });
    expect(parseJsonText('9223372036854775807')).toMatchObject({ text: '9223372036854775807' });
  });

  it('keeps the last value of a repeated member', () => {
    expect(parseJsonText('{"a": 1, "a": "two"}')).toEqual({
      kind: 'object',
      members: new Map([['a', { kind: 'string', value: 'two' }]]),
    });
  });

  it('reads escapes', () => {
    expect(parseJsonText('"a\\"b\\u00e9\\n"')).toEqual({ kind: 'string', value: 'a"bé\n' });
  });

  it.each([
    ['a leading zero', '01'],
    ['a bare decimal point', '1.'],
    ['a leading plus', '+1'],
    ['NaN', 'NaN'],
    ['a trailing comma', '[1,]'],
    ['single quotes', "'a'"],
    ['a raw control character', '"a\tb"'],
    ['an unterminated comment', '/* open'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseJsonText(text)).toThrow(JsonSyntaxError);
  });
});
