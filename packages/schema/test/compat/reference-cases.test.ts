import { describe, expect, it } from 'vitest';

import { loadCases, runCase } from './cases.js';

// Cases from the test suites of Apache Avro (TestSchemaCompatibility and its siblings,
// TestSchemaValidation), of Confluent Schema Registry (AvroCompatibilityTest, RestApiTest,
// RestApiTransitiveCompatibilityTest) and from the Avro specification. Each case names its
// source file.
const cases = loadCases('reference-cases.json');

// Notes of Avro's incompatible pairs end with the type and location Avro reports.
const REPORTED = /Avro reports (\w+) .* at (\S+)$/;

describe('reference compatibility cases', () => {
  it('has all 86 cases', () => {
    expect(cases).toHaveLength(86);
  });

  it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
    const result = runCase(testCase);
    expect(result.compatible).toBe(testCase.compatible);
    expect(result.issues.length === 0).toBe(testCase.compatible);

    const reported = REPORTED.exec(testCase.note);
    if (reported !== null) {
      expect(result.issues[0]?.code).toBe(reported[1]);
      expect(result.issues[0]?.location).toBe(reported[2]);
    }
  });
});
