import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { createEvents } from '../src/index.js';
import type { CaddyEvents } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// Runs against the security extras of the local stack. The broker has SASL_PLAINTEXT and
// SASL_SSL listeners with one user for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, and an nginx
// proxy serves the registry over TLS with basic auth. The stack's own CA signs the
// certificates, and the SDK trusts it through REDPANDA_TLS_CA_FILE and
// SCHEMA_REGISTRY_TLS_CA_FILE. `scripts/stack.sh env` prints the STACK_* variables read here.

const env = stackEnv();
type Env = Record<string, string>;

/** Returns the named variables, or fails the test with the way to set them. */
function stackVariables<Name extends string>(...names: Name[]): Record<Name, string> {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: these tests need the SASL listeners and the TLS registry proxy ` +
        'of the local stack. Run `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
    );
  }
  return Object.fromEntries(names.map((name) => [name, process.env[name] as string])) as Record<Name, string>;
}

/**
 * Fails when Node.js already trusts the stack's CA through NODE_EXTRA_CA_CERTS, because then
 * a test of a connection without the CA option cannot fail the way it should.
 */
function requireUntrustedStackCa(): void {
  const { STACK_TLS_CA_FILE } = stackVariables('STACK_TLS_CA_FILE');
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  const ca = readFileSync(STACK_TLS_CA_FILE, 'utf8').trim();
  if (extra && readFileSync(extra, 'utf8').includes(ca)) {
    throw new Error(`NODE_EXTRA_CA_CERTS (${extra}) contains the stack's CA. Unset it for this test.`);
  }
}

const clients: CaddyEvents[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function client(overrides: Env): CaddyEvents {
  const prefix = `sec-${randomUUID().slice(0, 8)}.`;
  const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix, ...overrides } });
  clients.push(events);
  return events;
}

/** Publishes one order.paid event and waits until a new consumer group of the same client reads it. */
async function publishAndConsume(events: CaddyEvents): Promise<void> {
  await events.createTopics({ numPartitions: 1 });
  const sent = { ...payloads['order.paid'], paymentId: `pay-${randomUUID()}` };
  const published = await events.publishOrderPaid(sent);
  const received = await new Promise<unknown>((resolve) => {
    void events.subscribe({
      groupId: `${published.topic}-reader`,
      fromBeginning: true,
      handlers: { 'order.paid': (event) => resolve(event.payload) },
    });
  });
  expect(received).toEqual(sent);
}

/** Returns the error that `connect()` rejects with, and fails the test when it resolves. */
async function connectError(events: CaddyEvents): Promise<Error & { code?: string; status?: number }> {
  const outcome = await events.connect().then(
    () => new Error('connect() succeeded'),
    (error: unknown) => error as Error,
  );
  expect(outcome.message).not.toBe('connect() succeeded');
  return outcome;
}

function saslEnv(mechanism: string, listener: 'STACK_SASL_BROKERS' | 'STACK_SASL_SSL_BROKERS', password?: string): Env {
  const stack = stackVariables(listener, 'STACK_SASL_USERNAME', 'STACK_SASL_PASSWORD');
  return {
    REDPANDA_BROKERS: stack[listener],
    REDPANDA_SASL_MECHANISM: mechanism,
    REDPANDA_SASL_USERNAME: stack.STACK_SASL_USERNAME,
    REDPANDA_SASL_PASSWORD: password ?? stack.STACK_SASL_PASSWORD,
  };
}

function registryProxyEnv(overrides: Env = {}): Env {
  const stack = stackVariables(
    'STACK_REGISTRY_TLS_URL',
    'STACK_REGISTRY_USERNAME',
    'STACK_REGISTRY_PASSWORD',
    'STACK_TLS_CA_FILE',
  );
  return {
    SCHEMA_REGISTRY_URL: stack.STACK_REGISTRY_TLS_URL,
    SCHEMA_REGISTRY_USERNAME: stack.STACK_REGISTRY_USERNAME,
    SCHEMA_REGISTRY_PASSWORD: stack.STACK_REGISTRY_PASSWORD,
    SCHEMA_REGISTRY_TLS_CA_FILE: stack.STACK_TLS_CA_FILE,
    ...overrides,
  };
}

describe('SASL to the broker', () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    it(`publishes and consumes with ${mechanism}`, async () => {
      await publishAndConsume(client(saslEnv(mechanism, 'STACK_SASL_BROKERS')));
    });
  }

  it('publishes and consumes with SCRAM-SHA-512 over TLS', async () => {
    const { STACK_TLS_CA_FILE } = stackVariables('STACK_TLS_CA_FILE');
    const overTls = { ...saslEnv('SCRAM-SHA-512', 'STACK_SASL_SSL_BROKERS'), REDPANDA_TLS_CA_FILE: STACK_TLS_CA_FILE };
    await publishAndConsume(client(overTls));
  });

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256']) {
    it(`rejects a wrong ${mechanism} password`, async () => {
      const started = Date.now();
      const error = await connectError(client(saslEnv(mechanism, 'STACK_SASL_BROKERS', 'wrong-password')));
      expect(error.code).toBe('CONNECTION_FAILED');
      expect(error.message).toMatch(/authentication .*failed/i);
      expect(error.message).toContain(mechanism);
      expect(error.message).toContain('REDPANDA_SASL_USERNAME');
      expect(error.message).toContain('REDPANDA_SASL_PASSWORD');
      expect(error.message).not.toContain('wrong-password');
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  }

  it('rejects a TLS listener whose CA is not trusted', async () => {
    requireUntrustedStackCa();
    const withoutCa = { ...saslEnv('SCRAM-SHA-512', 'STACK_SASL_SSL_BROKERS'), REDPANDA_TLS: 'true' };
    const error = await connectError(client(withoutCa));
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toMatch(/certificate/i);
    expect(error.message).toContain('REDPANDA_TLS_CA_FILE');
  });
});

describe('registry through a TLS proxy with basic auth', () => {
  it('publishes and consumes', async () => {
    await publishAndConsume(client(registryProxyEnv()));
  });

  it('rejects a wrong password with 401', async () => {
    const error = await connectError(client(registryProxyEnv({ SCHEMA_REGISTRY_PASSWORD: 'wrong-password' })));
    expect(error.status).toBe(401);
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('SCHEMA_REGISTRY_USERNAME');
    expect(error.message).toContain('SCHEMA_REGISTRY_PASSWORD');
    expect(error.message).not.toContain('wrong-password');
    expect(error.message).not.toContain('<html>');
  });

  it('rejects a certificate whose CA is not trusted', async () => {
    requireUntrustedStackCa();
    const error = await connectError(client(registryProxyEnv({ SCHEMA_REGISTRY_TLS_CA_FILE: '' })));
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toMatch(/certificate/i);
    expect(error.message).toContain('SCHEMA_REGISTRY_TLS_CA_FILE');
  });

  it('rejects plain http to the TLS port', async () => {
    const { STACK_REGISTRY_TLS_URL } = stackVariables('STACK_REGISTRY_TLS_URL');
    const plainUrl = STACK_REGISTRY_TLS_URL.replace(/^https:/, 'http:');
    const error = await connectError(
      client(registryProxyEnv({ SCHEMA_REGISTRY_URL: plainUrl, SCHEMA_REGISTRY_TLS_CA_FILE: '' })),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain(plainUrl);
    expect(error.message).toContain('use an https:// URL');
  });

  it('rejects https to the plain registry port', async () => {
    const httpsUrl = env.SCHEMA_REGISTRY_URL.replace(/^http:/, 'https:');
    const { STACK_TLS_CA_FILE } = stackVariables('STACK_TLS_CA_FILE');
    const error = await connectError(
      client({ SCHEMA_REGISTRY_URL: httpsUrl, SCHEMA_REGISTRY_TLS_CA_FILE: STACK_TLS_CA_FILE }),
    );
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toContain(httpsUrl);
    expect(error.message).toContain('SCHEMA_REGISTRY_URL');
  });
});
