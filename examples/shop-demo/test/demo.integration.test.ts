import { describe, expect, it } from 'vitest';

import { expectedPairs, handledPairs, runDemo } from './run-demo.js';

describe('shop demo on Kafka', () => {
  const brokers = process.env.REDPANDA_BROKERS;
  const registry = process.env.SCHEMA_REGISTRY_URL;

  it('behaves the same on a second run against the same cluster', async () => {
    if (!brokers || !registry) {
      throw new Error('REDPANDA_BROKERS and SCHEMA_REGISTRY_URL must be set; `corepack pnpm test` sets them.');
    }
    for (const run of [1, 2]) {
      const { code, lines, stderr } = await runDemo({ REDPANDA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry });
      expect(stderr, `run ${run}`).toBe('');
      expect(code, `run ${run}`).toBe(0);
      expect(lines[0], `run ${run}`).toBe(`transport: kafka brokers=${brokers} registry=${registry}`);
      expect(handledPairs(lines), `run ${run}`).toEqual(expectedPairs);
    }
  });
});
