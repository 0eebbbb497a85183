import { describe, expect, it } from 'vitest';

import { closedPortUrl, runCli } from './catalog-fixtures.js';

// Input checks of `caddy-events replay` that fail before any broker is contacted, and the
// error for a broker that does not answer.

describe('replay input', () => {
  it('prints its help', async () => {
    const { code, stdout } = await runCli(process.cwd(), ['replay', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: caddy-events replay --topic <dead-letter topic>/);
    expect(stdout).toContain('--limit <n>');
  });

  it('needs a topic', async () => {
    const { code, stderr } = await runCli(process.cwd(), ['replay'], { REDPANDA_BROKERS: '127.0.0.1:1' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^caddy-events replay: Name a dead-letter topic with --topic, such as --topic orders\.dlq\./);
  });

  it('rejects a topic that is not a dead-letter topic', async () => {
    const { code, stderr } = await runCli(process.cwd(), ['replay', '--topic', 'orders'], { REDPANDA_BROKERS: '127.0.0.1:1' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^caddy-events replay: --topic orders is not a dead-letter topic: their names end in \.dlq/);
  });

  it('rejects --to naming a topic it reads', async () => {
    const { code, stderr } = await runCli(process.cwd(), ['replay', '--topic', 'orders.dlq', '--to', 'orders.dlq'], {
      REDPANDA_BROKERS: '127.0.0.1:1',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^caddy-events replay: --to orders\.dlq is a topic this replay reads/);
  });

  it.each(['0', '-3', '2.5', 'ten'])('rejects --limit %s', async (limit) => {
    const { code, stderr } = await runCli(process.cwd(), ['replay', '--topic', 'orders.dlq', `--limit=${limit}`], {
      REDPANDA_BROKERS: '127.0.0.1:1',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^caddy-events replay: --limit must be a whole number of records, 1 or more/);
  });

  it('names the missing broker variable', async () => {
    const { code, stderr } = await runCli(process.cwd(), ['replay', '--topic', 'orders.dlq'], {});
    expect(code).toBe(2);
    expect(stderr).toBe(
      'caddy-events replay: REDPANDA_BROKERS is not set: the Kafka transport needs the broker list, such as 127.0.0.1:9092.\n',
    );
  });

  it('fails when the broker does not answer', async () => {
    const address = (await closedPortUrl()).replace('http://', '');
    const { code, stdout, stderr } = await runCli(process.cwd(), ['replay', '--topic', 'orders.dlq'], { REDPANDA_BROKERS: address });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`caddy-events replay: Could not connect to Kafka at ${address} (set by REDPANDA_BROKERS)`);
  }, 20_000);
});
