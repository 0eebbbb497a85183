import { describe, expect, it } from 'vitest';

import {
  createReadResolver,
  directionsOf,
  parseCompatibilityLevel,
  versionsCheckedBy,
} from '../../src/index.js';
import { loadCases, parseCase, type CompatibilityCase } from './cases.js';
import { hasFiniteValue, sampleValue, variantCount } from './sample-values.js';

// Whatever the checker calls compatible must decode: for every compatible case and every
// reader/writer pair its level checks, sample values written with the writer schema are read
// through the reader schema with `createReadResolver`.
const cases = [...loadCases('reference-cases.json'), ...loadCases('own-cases.json')].filter(
  (testCase) => testCase.compatible,
);

// Pairs whose writer schema has no finite value, so nothing can be written and decoded.
const NO_FINITE_VALUE = [
  'AV031:BACKWARD:0', // writer is the empty union
  'AV037:BACKWARD:0', // writer is the empty union
  'AV039:BACKWARD:0', // writer is the empty union
  'AV064:BACKWARD:0', // recursive record List whose tail is always another List
  'AV065:BACKWARD:0', // the same recursive List, with an int head
  'OWN-UNI-10:BACKWARD:0', // writer is the empty union
  'OWN-UNI-10:FORWARD:0', // writer (the new schema) is the empty union
];

interface Pair {
  key: string;
  reader: ReturnType<typeof parseCase>['next'];
  writer: ReturnType<typeof parseCase>['next'];
}

function pairsOf(testCase: CompatibilityCase): Pair[] {
  const level = parseCompatibilityLevel(testCase.level);
  if (level === undefined) throw new Error(`Unknown level ${testCase.level}`);
  const { next, previous } = parseCase(testCase);
  return versionsCheckedBy(level, previous.length).flatMap((index) =>
    directionsOf(level).map((direction) => {
      const old = previous[index] as Pair['reader'];
      const [reader, writer] = direction === 'BACKWARD' ? [next, old] : [old, next];
      return { key: `${testCase.id}:${direction}:${index}`, reader, writer };
    }),
  );
}

const pairs = cases.flatMap(pairsOf);
const decodable = pairs.filter((pair) => hasFiniteValue(pair.writer.root));

describe('decoding agrees with the checker', () => {
  it('lists pairs without finite values', () => {
    const skipped = pairs
      .filter((pair) => !hasFiniteValue(pair.writer.root))
      .map((pair) => pair.key);
    expect(skipped).toEqual(NO_FINITE_VALUE);
  });

  it.each(decodable.map((pair) => [pair.key, pair] as const))('%s decodes', (_key, pair) => {
    const { readerType, writerType, resolver } = createReadResolver(pair.reader, pair.writer, {
      wrapUnions: true,
    });
    for (let variant = 0; variant < variantCount(pair.writer.root); variant += 1) {
      const buffer = writerType.toBuffer(sampleValue(pair.writer.root, variant));
      expect(() => readerType.fromBuffer(buffer, resolver)).not.toThrow();
    }
  });
});
