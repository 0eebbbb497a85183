import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import { catalog, EventSerde, frame, InMemorySchemaRegistry } from '../../src/index.js';

// Older versions of catalog schemas, as another producer may have registered them: the
// consumer reads them through its own (newer) schema, as the Avro resolution rules specify.

const userRegisteredV1 = {
  type: 'record',
  name: 'UserRegistered',
  namespace: 'shop.users',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'displayName', type: 'string' },
    { name: 'nickname', type: ['null', 'string'], default: null },
    { name: 'registeredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

const orderUpdatedV1 = {
  type: 'record',
  name: 'OrderUpdated',
  namespace: 'shop.orders',
  fields: [
    { name: 'orderId', type: 'string' },
    {
      name: 'status',
      type: { type: 'enum', name: 'OrderStatus', symbols: ['PENDING', 'PAID', 'REFUNDED'] },
    },
    { name: 'updatedAt', type: 'int' },
  ],
};

async function decodeOld(schema: object, value: unknown): Promise<unknown> {
  const registry = new InMemorySchemaRegistry();
  const id = await registry.register('old-subject', JSON.stringify(schema));
  const body = avro.Type.forSchema(schema as avro.Schema).toBuffer(value);
  return (await new EventSerde({ catalog, registry }).decode(frame(id, body))).payload;
}

describe('decoding events of an older schema', () => {
  it('fills added fields with defaults and drops removed ones', async () => {
    const payload = await decodeOld(userRegisteredV1, {
      userId: '5b0c2f4e-8a3d-4e6f-9b1a-2c3d4e5f6a7b',
      email: 'ada@example.com',
      displayName: 'Ada',
      nickname: 'ada',
      registeredAt: 1000,
    });
    expect(payload).toEqual({
      userId: '5b0c2f4e-8a3d-4e6f-9b1a-2c3d4e5f6a7b',
      email: 'ada@example.com',
      displayName: 'Ada',
      locale: 'en-US',
      marketingOptIn: false,
      address: null,
      registeredAt: new Date(1000),
    });
  });

  it('maps an unknown enum symbol to the enum default', async () => {
    const payload = (await decodeOld(orderUpdatedV1, {
      orderId: '2a7d4c8e-1f3b-4e5a-9c6d-7e8f9a0b1c2d',
      status: 'REFUNDED',
      updatedAt: 1000,
    })) as { status: string };
    expect(payload.status).toBe('UNKNOWN');
  });

  it('promotes an int writer field to a long timestamp', async () => {
    const payload = (await decodeOld(orderUpdatedV1, {
      orderId: '2a7d4c8e-1f3b-4e5a-9c6d-7e8f9a0b1c2d',
      status: 'PAID',
      updatedAt: 1234,
    })) as { updatedAt: Date; status: string };
    expect(payload.status).toBe('PAID');
    expect(payload.updatedAt).toEqual(new Date(1234));
  });

  it('reads a plain long writer field as a timestamp', async () => {
    const plain = {
      ...orderUpdatedV1,
      fields: [orderUpdatedV1.fields[0], orderUpdatedV1.fields[1], { name: 'updatedAt', type: 'long' }],
    };
    const payload = (await decodeOld(plain, { orderId: 'x', status: 'PAID', updatedAt: 2 ** 52 + 1 })) as { updatedAt: Date };
    expect(payload.updatedAt).toEqual(new Date(2 ** 52 + 1));
  });

  it('reads a writer that names types in another namespace', async () => {
    const moved = {
      ...orderUpdatedV1,
      fields: [
        orderUpdatedV1.fields[0],
        { name: 'status', type: { type: 'enum', name: 'OrderStatus', namespace: 'legacy', symbols: ['PAID'] } },
        orderUpdatedV1.fields[2],
      ],
    };
    const payload = (await decodeOld(moved, { orderId: 'x', status: 'PAID', updatedAt: 1 })) as { status: string };
    expect(payload.status).toBe('PAID');
  });
});
