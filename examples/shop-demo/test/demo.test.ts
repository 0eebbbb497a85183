import { describe, expect, it } from 'vitest';

import { expectedPairs, handledPairs, runDemo } from './run-demo.js';

describe('shop demo on the in-memory transport', () => {
  it('handles every event once and exits 0', async () => {
    const { code, lines, stderr } = await runDemo({});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines[0]).toBe('transport: in-memory');
    expect(handledPairs(lines)).toEqual(expectedPairs);
    expect(lines.at(-1)).toMatch(/^summary: published 17 events, handled 17 \(stock-updates 9, order-analytics 8\) in \d+ ms$/);
  });

  it('fails with a message when the Kafka transport lacks the registry', async () => {
    const { code, lines, stderr } = await runDemo({ REDPANDA_BROKERS: '127.0.0.1:9092' });
    expect(code).toBe(1);
    expect(lines[0]).toBe('transport: kafka brokers=127.0.0.1:9092 registry=');
    expect(stderr).toContain('SCHEMA_REGISTRY_URL is not set');
  });
});
