import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  appendRelease,
  emptySchemaHistory,
  formatSchemaHistory,
  historyAdditions,
  parseSchemaHistory,
  readSchemaHistory,
  recordSchemaRelease,
  SchemaHistoryError,
  type CatalogEvent,
  type SchemaHistory,
} from '../../src/index.js';

function event(type: string, recordName: string, canonical: string): CatalogEvent {
  return {
    type,
    topic: 'orders',
    key: 'orderId',
    recordName,
    file: `${type}.avsc`,
    schema: JSON.parse(canonical),
    canonical,
  };
}

const paidV1 = '{"type":"record","name":"shop.OrderPaid","fields":[{"name":"orderId","type":"string"}]}';
const paidV2 =
  '{"type":"record","name":"shop.OrderPaid","fields":[{"name":"orderId","type":"string"},' +
  '{"name":"note","type":["null","string"],"default":null}]}';
const shipped = '{"type":"record","name":"shop.OrderShipped","fields":[{"name":"orderId","type":"string"}]}';

describe('appendRelease', () => {
  it('starts a subject with its first release', () => {
    const { history, changes } = appendRelease(
      emptySchemaHistory(),
      [event('order.paid', 'shop.OrderPaid', paidV1)],
      '0.1.0',
    );
    expect(history.subjects['orders-shop.OrderPaid']).toEqual({
      eventType: 'order.paid',
      versions: [{ release: '0.1.0', schema: paidV1 }],
    });
    expect(changes).toEqual({ appended: ['orders-shop.OrderPaid'], unchanged: [] });
  });

  it('appends a changed schema after the older ones', () => {
    const first = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.1.0');
    const { history } = appendRelease(first.history, [event('order.paid', 'shop.OrderPaid', paidV2)], '0.2.0');
    expect(history.subjects['orders-shop.OrderPaid']?.versions).toEqual([
      { release: '0.1.0', schema: paidV1 },
      { release: '0.2.0', schema: paidV2 },
    ]);
  });

  it('skips a schema equal to its latest release', () => {
    const first = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.1.0');
    const { history, changes } = appendRelease(first.history, [event('order.paid', 'shop.OrderPaid', paidV1)], '0.2.0');
    expect(history.subjects['orders-shop.OrderPaid']?.versions).toHaveLength(1);
    expect(changes).toEqual({ appended: [], unchanged: ['orders-shop.OrderPaid'] });
  });

  it('is idempotent for one release', () => {
    const events = [event('order.paid', 'shop.OrderPaid', paidV1)];
    const once = appendRelease(emptySchemaHistory(), events, '0.1.0').history;
    const twice = appendRelease(once, events, '0.1.0').history;
    expect(twice).toEqual(once);
  });

  it('keeps subjects the catalog no longer declares', () => {
    const first = appendRelease(
      emptySchemaHistory(),
      [event('order.paid', 'shop.OrderPaid', paidV1), event('order.shipped', 'shop.OrderShipped', shipped)],
      '0.1.0',
    );
    const { history } = appendRelease(first.history, [event('order.paid', 'shop.OrderPaid', paidV2)], '0.2.0');
    expect(Object.keys(history.subjects).sort()).toEqual(['orders-shop.OrderPaid', 'orders-shop.OrderShipped']);
  });

  it('leaves the given history unchanged', () => {
    const first = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.1.0');
    const before = structuredClone(first.history);
    appendRelease(first.history, [event('order.paid', 'shop.OrderPaid', paidV2)], '0.2.0');
    expect(first.history).toEqual(before);
  });

  it('rejects a second schema for one release', () => {
    const first = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.2.0');
    const append = () => appendRelease(first.history, [event('order.paid', 'shop.OrderPaid', paidV2)], '0.2.0');
    expect(append).toThrow(SchemaHistoryError);
    expect(append).toThrow(/already has a different schema recorded for release 0\.2\.0/);
  });

  it.each(['1', 'v1.0.0', '1.0', '1.0.0+build.1', ''])('rejects release %j', (release) => {
    expect(() => appendRelease(emptySchemaHistory(), [], release)).toThrow(/is not a semantic version/);
  });

  it('accepts a prerelease version', () => {
    const { history } = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '1.0.0-rc.1');
    expect(history.subjects['orders-shop.OrderPaid']?.versions[0]?.release).toBe('1.0.0-rc.1');
  });
});

describe('historyAdditions', () => {
  it('lists the versions a release appended, by subject', () => {
    const first = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.1.0');
    const events = [event('order.paid', 'shop.OrderPaid', paidV2), event('order.shipped', 'shop.OrderShipped', shipped)];
    const second = appendRelease(first.history, events, '0.2.0');
    expect(historyAdditions(first.history, second.history)).toEqual([
      { subject: 'orders-shop.OrderPaid', eventType: 'order.paid', release: '0.2.0', version: 2 },
      { subject: 'orders-shop.OrderShipped', eventType: 'order.shipped', release: '0.2.0', version: 1 },
    ]);
  });

  it('is empty for an unchanged history', () => {
    const { history } = appendRelease(emptySchemaHistory(), [event('order.paid', 'shop.OrderPaid', paidV1)], '0.1.0');
    expect(historyAdditions(history, history)).toEqual([]);
  });
});

describe('history file format', () => {
  const history: SchemaHistory = {
    formatVersion: 1,
    subjects: {
      'users-shop.UserRegistered': { eventType: 'user.registered', versions: [{ release: '0.1.0', schema: '"string"' }] },
      'orders-shop.OrderPaid': { eventType: 'order.paid', versions: [{ release: '0.1.0', schema: paidV1 }] },
    },
  };

  it('round-trips through text', () => {
    expect(parseSchemaHistory(formatSchemaHistory(history), 'history.json')).toEqual(history);
  });

  it('sorts subjects by name', () => {
    const text = formatSchemaHistory(history);
    expect(text.indexOf('orders-shop.OrderPaid')).toBeLessThan(text.indexOf('users-shop.UserRegistered'));
  });

  it('ends with a newline and carries a comment', () => {
    const text = formatSchemaHistory(history);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).$comment).toMatch(/oldest first/);
  });

  it.each([
    ['invalid JSON', '{', /history\.json: invalid JSON/],
    ['a missing format version', '{"subjects": {}}', /unsupported formatVersion undefined; expected 1/],
    ['a newer format version', '{"formatVersion": 2, "subjects": {}}', /unsupported formatVersion 2/],
    ['subjects as an array', '{"formatVersion": 1, "subjects": []}', /at \/subjects: "subjects" must be an object/],
    ['a subject without versions', '{"formatVersion": 1, "subjects": {"s": {"eventType": "a.b", "versions": []}}}', /at \/subjects\/s\/versions: /],
    ['a version without release', '{"formatVersion": 1, "subjects": {"s": {"eventType": "a.b", "versions": [{"schema": "\\"int\\""}]}}}', /at \/subjects\/s\/versions\/0: a version needs a "release"/],
    ['a schema that is not a string', '{"formatVersion": 1, "subjects": {"s": {"eventType": "a.b", "versions": [{"release": "0.1.0", "schema": {}}]}}}', /needs a "schema" string/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseSchemaHistory(text, 'history.json')).toThrow(message);
  });
});

describe('recordSchemaRelease', () => {
  const directories: string[] = [];

  afterEach(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });

  async function schemaDirectory(files: Record<string, unknown>): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'caddy-history-'));
    directories.push(directory);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), JSON.stringify(content));
    }
    return directory;
  }

  const orderPaid = (fields: unknown[] = []) => ({
    type: 'record',
    name: 'OrderPaid',
    namespace: 'shop.orders',
    event: { type: 'order.paid', topic: 'orders', key: 'orderId' },
    fields: [{ name: 'orderId', type: 'string' }, ...fields],
  });

  it('creates the history file for the first release', async () => {
    const directory = await schemaDirectory({ 'orders/paid.avsc': orderPaid() });
    const result = await recordSchemaRelease({ schemaDir: directory, release: '0.1.0' });
    expect(result).toEqual({
      historyFile: join(directory, 'history.json'),
      written: true,
      appended: ['orders-shop.orders.OrderPaid'],
      unchanged: [],
    });
    const history = await readSchemaHistory(join(directory, 'history.json'));
    expect(history.subjects['orders-shop.orders.OrderPaid']?.versions).toEqual([
      {
        release: '0.1.0',
        schema: '{"type":"record","name":"shop.orders.OrderPaid","fields":[{"name":"orderId","type":"string"}]}',
      },
    ]);
  });

  it('leaves the file alone when nothing changed', async () => {
    const directory = await schemaDirectory({ 'orders/paid.avsc': orderPaid() });
    await recordSchemaRelease({ schemaDir: directory, release: '0.1.0' });
    const before = await stat(join(directory, 'history.json'));
    const result = await recordSchemaRelease({ schemaDir: directory, release: '0.2.0' });
    expect(result.written).toBe(false);
    expect(result.unchanged).toEqual(['orders-shop.orders.OrderPaid']);
    expect((await stat(join(directory, 'history.json'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('appends a changed schema to a given history file', async () => {
    const directory = await schemaDirectory({ 'orders/paid.avsc': orderPaid() });
    const historyFile = join(directory, 'released.json');
    await recordSchemaRelease({ schemaDir: directory, release: '0.1.0', historyFile });
    await writeFile(
      join(directory, 'orders/paid.avsc'),
      JSON.stringify(orderPaid([{ name: 'note', type: ['null', 'string'], default: null }])),
    );
    const result = await recordSchemaRelease({ schemaDir: directory, release: '0.2.0', historyFile });
    expect(result.appended).toEqual(['orders-shop.orders.OrderPaid']);
    const history = parseSchemaHistory(await readFile(historyFile, 'utf8'), historyFile);
    expect(history.subjects['orders-shop.orders.OrderPaid']?.versions.map((version) => version.release)).toEqual([
      '0.1.0',
      '0.2.0',
    ]);
  });

  it('reports a missing history file when reading', async () => {
    const directory = await schemaDirectory({});
    await expect(readSchemaHistory(join(directory, 'history.json'))).rejects.toThrow(/history file not found/);
  });
});
