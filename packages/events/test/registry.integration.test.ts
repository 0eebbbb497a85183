import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { catalog, createEvents, HttpSchemaRegistry } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

const env = stackEnv();

// The same schema as the catalog's order.paid, written the way Java's Schema.toString
// writes it: name and namespace apart, attributes in another order, with whitespace.
function reformatted(schema: string): string {
  const json = JSON.parse(schema) as { name: string; [key: string]: unknown };
  const dot = json.name.lastIndexOf('.');
  const { name, type, fields, ...rest } = json;
  return JSON.stringify({ type, name: name.slice(dot + 1), namespace: name.slice(0, dot), fields, ...rest }, null, 2);
}

describe('schema registry', () => {
  it('finds an id registered from differently formatted text', async () => {
    const registry = new HttpSchemaRegistry({ url: env.SCHEMA_REGISTRY_URL });
    const subject = `it-${randomUUID().slice(0, 8)}.orders-shop.orders.OrderPaid`;
    const id = await registry.register(subject, reformatted(catalog['order.paid'].schema));
    await expect(registry.lookup(subject, catalog['order.paid'].schema)).resolves.toBe(id);
  });

  it('returns undefined for a subject that does not exist', async () => {
    const registry = new HttpSchemaRegistry({ url: env.SCHEMA_REGISTRY_URL });
    await expect(registry.lookup(`missing-${randomUUID()}`, catalog['order.paid'].schema)).resolves.toBeUndefined();
  });

  it('fails start-up in lookup-only mode, naming subjects and the command', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const events = createEvents({
      transport: 'kafka',
      env: { ...env, EVENTS_TOPIC_PREFIX: prefix, EVENTS_REGISTRY_MODE: 'lookup-only' },
    });
    const error = (await events.connect().catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('SCHEMA_NOT_FOUND');
    expect(error.message).toContain(`${prefix}orders-shop.orders.OrderPaid`);
    expect(error.message).toContain('caddy-events register');
    await events.close();
  });

  it('publishes in lookup-only mode once the schemas are registered', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const registry = new HttpSchemaRegistry({ url: env.SCHEMA_REGISTRY_URL });
    for (const definition of Object.values(catalog)) {
      await registry.register(`${prefix}${definition.topic}-${definition.recordName}`, reformatted(definition.schema));
    }
    const events = createEvents({
      transport: 'kafka',
      env: { ...env, EVENTS_TOPIC_PREFIX: prefix, EVENTS_REGISTRY_MODE: 'lookup-only' },
    });
    await events.createTopics({ numPartitions: 1 });
    const result = await events.publishOrderPaid(payloads['order.paid']);
    const expectedId = await registry.lookup(`${prefix}orders-shop.orders.OrderPaid`, catalog['order.paid'].schema);
    expect(result.schemaId).toBe(expectedId);
    await events.close();
  });
});
