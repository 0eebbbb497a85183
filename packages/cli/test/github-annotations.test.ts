import { describe, expect, it } from 'vitest';

import { annotation } from '../src/commands/github-annotations.js';

describe('annotation', () => {
  it('formats file and title', () => {
    expect(annotation('error', { file: 'schemas/a.avsc', title: 'TYPE_MISMATCH at A.b' }, 'Broken.')).toBe(
      '::error file=schemas/a.avsc,title=TYPE_MISMATCH at A.b::Broken.',
    );
  });

  it('omits absent properties', () => {
    expect(annotation('warning', {}, 'Removed.')).toBe('::warning::Removed.');
  });

  it('escapes percent and line breaks in the message', () => {
    expect(annotation('notice', {}, '100%\r\nnext')).toBe('::notice::100%25%0D%0Anext');
  });

  it('escapes colons and commas in properties', () => {
    expect(annotation('error', { title: 'a: b, c' }, 'm')).toBe('::error title=a%3A b%2C c::m');
  });
});
