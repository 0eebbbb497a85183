import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { findStale, generate, publishMethodName, writeGenerated } from '../src/index.js';

// Folders made by the tests, removed after each one so repeated runs leave nothing behind.
const createdDirs: string[] = [];

afterEach(async () => {
  await Promise.all(createdDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workspace(schemas: Record<string, unknown>): Promise<{ schemasDir: string; packageDir: string; rootDir: string }> {
  const rootDir = await mkdtemp(join(tmpdir(), 'caddy-codegen-'));
  createdDirs.push(rootDir);
  for (const [path, schema] of Object.entries(schemas)) {
    const file = join(rootDir, 'schemas', path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(schema));
  }
  return { schemasDir: join(rootDir, 'schemas'), packageDir: join(rootDir, 'pkg'), rootDir };
}

const event = (name: string, namespace: string, type: string, fields: unknown[]) => ({
  type: 'record',
  name,
  namespace,
  event: { type, topic: 'things', key: 'id' },
  fields: [{ name: 'id', type: 'string' }, ...fields],
});

async function typesOf(schemas: Record<string, unknown>): Promise<string> {
  const files = await generate(await workspace(schemas));
  return files.find((file) => file.path.endsWith('types.ts'))!.content;
}

describe('publishMethodName', () => {
  it.each([
    ['order.created', 'publishOrderCreated'],
    ['product.stock.updated', 'publishProductStockUpdated'],
    ['user.logged_in', 'publishUserLoggedIn'],
  ])('names %s %s', (type, name) => {
    expect(publishMethodName(type)).toBe(name);
  });
});

describe('generated types', () => {
  it('map Avro types to TypeScript', async () => {
    const types = await typesOf({
      'a.avsc': event('Thing', 'shop.things', 'thing.made', [
        { name: 'count', type: 'int' },
        { name: 'total', type: 'long' },
        { name: 'ok', type: 'boolean' },
        { name: 'data', type: 'bytes' },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'labels', type: { type: 'map', values: 'double' } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'micros', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 } },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
        { name: 'note', type: ['null', 'string'], default: null },
      ]),
    });
    expect(types).toContain('  count: number;\n');
    expect(types).toContain(
      '  /** Avro long as a number: values beyond Number.MAX_SAFE_INTEGER (2^53 - 1) are rejected on publish and on read, never rounded. */\n  total: number;\n',
    );
    expect(types).toContain('  ok: boolean;\n');
    expect(types).toContain('  data: Buffer;\n');
    expect(types).toContain('  tags: Array<string>;\n');
    expect(types).toContain('  labels: Record<string, number>;\n');
    expect(types).toContain('  at: Date;\n');
    expect(types).toContain('  micros: number;\n');
    expect(types).toContain('  price: string;\n');
    expect(types).toContain("export type Kind = 'A' | 'B';\n");
    expect(types).toContain('  note: null | string;\n');
    expect(types).toContain('  note?: null | string;\n');
  });

  it('write ambiguous unions as single-key objects', async () => {
    const types = await typesOf({
      'a.avsc': event('Thing', 'shop.things', 'thing.made', [
        {
          name: 'choice',
          type: [
            'null',
            { type: 'record', name: 'Left', fields: [{ name: 'x', type: 'int' }] },
            { type: 'map', values: 'int' },
          ],
        },
      ]),
    });
    expect(types).toContain('  choice: null | { "shop.things.Left": Left } | { "map": Record<string, number> };\n');
  });

  it('prefix names that two namespaces share', async () => {
    const types = await typesOf({
      'a.avsc': event('Created', 'shop.orders', 'order.created', []),
      'b.avsc': event('Created', 'shop.products', 'product.created', []),
    });
    expect(types).toContain('export interface ShopOrdersCreated {');
    expect(types).toContain('export interface ShopProductsCreated {');
  });

  it('declare a recursive record once', async () => {
    const types = await typesOf({
      'a.avsc': event('Category', 'shop.catalog', 'category.created', [
        { name: 'parent', type: ['null', 'Category'], default: null },
      ]),
    });
    expect(types.match(/export interface Category \{/g)).toHaveLength(1);
    expect(types).toContain('  parent: null | Category;\n');
  });
});

describe('findStale', () => {
  it('reports edited and orphaned files', async () => {
    const paths = await workspace({ 'a.avsc': event('Thing', 'shop.things', 'thing.made', []) });
    const files = await generate(paths);
    await writeGenerated(files);
    expect(await findStale(files)).toEqual([]);

    const types = files.find((file) => file.path.endsWith('types.ts'))!;
    await writeFile(types.path, `${await readFile(types.path, 'utf8')}// edited\n`);
    const orphan = join(paths.packageDir, 'schemas', 'thing.removed.avsc');
    await writeFile(orphan, '{}');
    expect(await findStale(files)).toEqual([types.path, orphan]);
  });
});
