import { describe, expect, it } from 'vitest';

import { loadCases, runCase } from './cases.js';

// One or more cases per rule of the Avro specification's "Schema Resolution" section, with the
// verdict that Apache Avro's Java checker gives, reasoned from its source (see each note).
const cases = loadCases('own-cases.json');

describe('own compatibility cases', () => {
  it('has unique ids', () => {
    expect(new Set(cases.map((testCase) => testCase.id)).size).toBe(cases.length);
  });

  it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
    const result = runCase(testCase);
    expect(result.compatible).toBe(testCase.compatible);

    const actual = result.issues.map(({ code, location, path, direction, previous }) => ({
      code,
      location,
      path,
      direction,
      previous,
    }));
    expect(actual).toEqual(testCase.issues ?? []);
  });

  it('describes every issue', () => {
    for (const testCase of cases) {
      for (const issue of runCase(testCase).issues) {
        expect(issue.message).toMatch(/^[A-Z].*\.$/);
        expect(issue.reader).not.toBe('');
        expect(issue.writer).not.toBe('');
      }
    }
  });
});
