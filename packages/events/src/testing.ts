// `@caddy/events/testing`: the in-memory transport and schema registry for handler tests.
// A client on them runs the same validation, encoding, Confluent framing, registry and
// decoding as on Kafka, so a handler under test receives what a consumer would receive.

import { catalog } from './generated/catalog.js';
import { CaddyEvents } from './generated/client.js';
import { InMemorySchemaRegistry } from './registry/memory.js';
import { InMemoryTransport } from './transport/memory.js';

export { InMemorySchemaRegistry } from './registry/memory.js';
export { InMemoryTransport } from './transport/memory.js';
export type { InMemoryTransportOptions } from './transport/memory.js';

/** Options of `createTestEvents`. */
export interface TestEventsOptions {
  /** Prefix of every topic, and so of every subject. Default empty. */
  topicPrefix?: string;
  /** CloudEvents `source` of published events. Default `@caddy/events`. */
  source?: string;
}

/** A client of the shop's catalog with the in-memory transport and registry it runs on. */
export interface TestEvents {
  events: CaddyEvents;
  transport: InMemoryTransport;
  registry: InMemorySchemaRegistry;
}

/**
 * Creates a client of the shop's catalog on a new in-memory transport and schema registry,
 * so each test starts with no topics, consumer groups or schemas. Close `events` at the end
 * of the test to stop its subscriptions.
 */
export function createTestEvents(options: TestEventsOptions = {}): TestEvents {
  const transport = new InMemoryTransport();
  const registry = new InMemorySchemaRegistry();
  const events = new CaddyEvents({
    catalog,
    transport,
    registry,
    ...(options.topicPrefix !== undefined ? { topicPrefix: options.topicPrefix } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
  });
  return { events, transport, registry };
}
