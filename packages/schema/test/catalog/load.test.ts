import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { loadSchemaCatalog, SchemaLoadError } from '../../src/index.js';

// Folders made by the tests, removed after each one so repeated runs leave nothing behind.
const createdDirs: string[] = [];

afterEach(async () => {
  await Promise.all(createdDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function schemaDirectory(files: Record<string, unknown>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'caddy-schemas-'));
  createdDirs.push(directory);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return directory;
}

const money = {
  type: 'record',
  name: 'Money',
  namespace: 'shop.common',
  fields: [
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'currency', type: 'string' },
  ],
};

const orderPaid = {
  type: 'record',
  name: 'OrderPaid',
  namespace: 'shop.orders',
  event: { type: 'order.paid', topic: 'orders', key: 'orderId' },
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'shop.common.Money' },
    { name: 'refund', type: ['null', 'shop.common.Money'], default: null },
  ],
};

describe('loadSchemaCatalog', () => {
  it('reads the event declaration', async () => {
    const catalog = await loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'orders/paid.avsc': orderPaid }));
    expect(catalog.events).toHaveLength(1);
    expect(catalog.events[0]).toMatchObject({
      type: 'order.paid',
      topic: 'orders',
      key: 'orderId',
      recordName: 'shop.orders.OrderPaid',
      file: 'orders/paid.avsc',
    });
  });

  it('inlines a shared type at its first use and refers to it by full name after', async () => {
    const catalog = await loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'orders/paid.avsc': orderPaid }));
    const [event] = catalog.events;
    expect(event?.canonical).toBe(
      '{"type":"record","name":"shop.orders.OrderPaid","fields":[' +
        '{"name":"orderId","type":"string"},' +
        '{"name":"amount","type":{"type":"record","name":"shop.common.Money","fields":[' +
        '{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},' +
        '{"name":"currency","type":"string"}]}},' +
        '{"name":"refund","type":["null","shop.common.Money"],"default":null}]}',
    );
  });

  it('gives the same text whatever the key order and spacing of the file', async () => {
    const reordered = {
      fields: orderPaid.fields.map((field) => Object.fromEntries(Object.entries(field).reverse())),
      event: orderPaid.event,
      namespace: 'shop.orders',
      name: 'OrderPaid',
      type: 'record',
    };
    const a = await loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'paid.avsc': orderPaid }));
    const b = await loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'paid.avsc': reordered }));
    expect(b.events[0]?.canonical).toBe(a.events[0]?.canonical);
  });

  it('resolves short names in the enclosing namespace', async () => {
    const status = { type: 'enum', name: 'Status', namespace: 'shop.orders', symbols: ['OPEN', 'DONE'] };
    const event = {
      type: 'record',
      name: 'OrderClosed',
      namespace: 'shop.orders',
      event: { type: 'order.closed', topic: 'orders', key: 'orderId' },
      fields: [
        { name: 'orderId', type: 'string' },
        { name: 'status', type: 'Status' },
      ],
    };
    const catalog = await loadSchemaCatalog(await schemaDirectory({ 'status.avsc': status, 'closed.avsc': event }));
    expect(catalog.events[0]?.schema.fields).toEqual([
      { name: 'orderId', type: 'string' },
      { name: 'status', type: { type: 'enum', name: 'shop.orders.Status', symbols: ['OPEN', 'DONE'] } },
    ]);
  });

  it('keeps a named type of another namespace apart from a same-named local one', async () => {
    const otherStatus = { type: 'enum', name: 'Status', namespace: 'shop.payments', symbols: ['AUTHORIZED'] };
    const localStatus = { type: 'enum', name: 'Status', namespace: 'shop.orders', symbols: ['OPEN'] };
    const event = {
      type: 'record',
      name: 'OrderNoted',
      namespace: 'shop.orders',
      event: { type: 'order.noted', topic: 'orders', key: 'orderId' },
      fields: [
        { name: 'orderId', type: 'string' },
        { name: 'status', type: 'Status' },
        { name: 'paymentStatus', type: 'shop.payments.Status' },
      ],
    };
    const catalog = await loadSchemaCatalog(
      await schemaDirectory({ 'a.avsc': otherStatus, 'b.avsc': localStatus, 'noted.avsc': event }),
    );
    const fields = catalog.events[0]?.schema.fields as { type: { name: string; symbols: string[] } }[];
    expect(fields[1]?.type).toMatchObject({ name: 'shop.orders.Status', symbols: ['OPEN'] });
    expect(fields[2]?.type).toMatchObject({ name: 'shop.payments.Status', symbols: ['AUTHORIZED'] });
  });

  it('drops the catalog attributes from the registered text', async () => {
    const catalog = await loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'paid.avsc': orderPaid }));
    expect(catalog.events[0]?.canonical).not.toContain('"event"');
    expect(catalog.events[0]?.canonical).not.toContain('"namespace"');
  });

  it('rejects a reference to an unknown type with its file and path', async () => {
    const directory = await schemaDirectory({ 'paid.avsc': orderPaid });
    await expect(loadSchemaCatalog(directory)).rejects.toThrow(SchemaLoadError);
    await expect(loadSchemaCatalog(directory)).rejects.toThrow(
      "paid.avsc at /fields/1/type: unknown type 'shop.common.Money'",
    );
  });

  it('rejects a key that names no field', async () => {
    const event = { ...orderPaid, event: { ...orderPaid.event, key: 'id' } };
    await expect(loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'paid.avsc': event }))).rejects.toThrow(
      "\"event.key\" names 'id', which is not a field of this record",
    );
  });

  it('rejects a nullable key field', async () => {
    const event = { ...orderPaid, fields: [{ name: 'orderId', type: ['null', 'string'] }, ...orderPaid.fields.slice(1)] };
    await expect(loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'paid.avsc': event }))).rejects.toThrow(
      "key field 'orderId' must be a non-null string",
    );
  });

  it('rejects two files that define the same type', async () => {
    await expect(
      loadSchemaCatalog(await schemaDirectory({ 'a.avsc': money, 'b.avsc': money, 'paid.avsc': orderPaid })),
    ).rejects.toThrow("type 'shop.common.Money' is already defined in a.avsc");
  });

  it('rejects two events with the same type', async () => {
    const copy = { ...orderPaid, name: 'OrderPaidAgain' };
    await expect(
      loadSchemaCatalog(await schemaDirectory({ 'money.avsc': money, 'a.avsc': orderPaid, 'b.avsc': copy })),
    ).rejects.toThrow("event type 'order.paid' is also declared in a.avsc");
  });

  it('rejects invalid JSON with the file name', async () => {
    await expect(loadSchemaCatalog(await schemaDirectory({ 'broken.avsc': '{"type": "record",' }))).rejects.toThrow(
      /broken\.avsc: invalid JSON/,
    );
  });
});

describe('repository schemas', () => {
  it('declare the 13 events of the catalog', async () => {
    const catalog = await loadSchemaCatalog(join(import.meta.dirname, '../../../../schemas'));
    expect(catalog.events.map((event) => [event.type, event.topic, event.key])).toEqual([
      ['order.completed', 'orders', 'orderId'],
      ['order.created', 'orders', 'orderId'],
      ['order.paid', 'orders', 'orderId'],
      ['order.shipped', 'orders', 'orderId'],
      ['order.updated', 'orders', 'orderId'],
      ['product.created', 'products', 'productId'],
      ['product.price.updated', 'products', 'productId'],
      ['product.stock.updated', 'products', 'productId'],
      ['product.updated', 'products', 'productId'],
      ['product.viewed', 'products', 'productId'],
      ['user.logged_in', 'users', 'userId'],
      ['user.profile.updated', 'users', 'userId'],
      ['user.registered', 'users', 'userId'],
    ]);
  });
});
