import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { loadSchemaCatalog } from '@caddy/events-schema';
import { compileSchema } from '@caddy/events';

import { emitCatalog, emitClient, emitRoundTripTest, emitTypes } from './emit.js';
import type { CompiledEvent } from './emit.js';
import { assignTypeNames } from './names.js';
import { TypeEmitter } from './typescript-types.js';

/** Input and output directories of the generator. */
export interface CodegenOptions {
  /** Directory of the `.avsc` files. */
  schemasDir: string;
  /** Root of the events package; generated files go under its `src/generated`, `schemas` and `test/generated`. */
  packageDir: string;
  /** Directory that source paths in file headers are relative to. Default: the parent of `schemasDir`. */
  rootDir?: string;
}

/** A file the generator produces. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** Generates the SDK's TypeScript sources, the registered schema texts and the round-trip test. */
export async function generate(options: CodegenOptions): Promise<GeneratedFile[]> {
  const catalog = await loadSchemaCatalog(options.schemasDir);
  const rootDir = options.rootDir ?? dirname(options.schemasDir);
  const schemasDir = relative(rootDir, options.schemasDir);
  const sources = catalog.events.map((event) => join(schemasDir, event.file));
  for (const named of catalog.namedTypes.values()) {
    const source = join(schemasDir, named.file);
    if (!sources.includes(source)) sources.push(source);
  }
  sources.sort();

  const compiled: CompiledEvent[] = catalog.events.map((event) => ({ event, type: compileSchema(event.canonical) }));
  const typeNames = assignTypeNames(collectNames(compiled));
  const generated = join(options.packageDir, 'src', 'generated');
  const files: GeneratedFile[] = [
    { path: join(generated, 'types.ts'), content: emitTypes(compiled, new TypeEmitter(typeNames), sources) },
    { path: join(generated, 'catalog.ts'), content: emitCatalog(compiled, new TypeEmitter(typeNames), sources) },
    { path: join(generated, 'client.ts'), content: emitClient(compiled, new TypeEmitter(typeNames), sources) },
    {
      path: join(options.packageDir, 'test', 'generated', 'round-trip.test.ts'),
      content: emitRoundTripTest(compiled, new TypeEmitter(typeNames), sources, '../../src/index.js'),
    },
  ];
  for (const { event } of compiled) {
    files.push({ path: join(options.packageDir, 'schemas', `${event.type}.avsc`), content: `${event.canonical}\n` });
  }
  return files;
}

/** Writes generated files, removing registered schema files of events that no longer exist. */
export async function writeGenerated(files: GeneratedFile[]): Promise<void> {
  for (const stale of await findOrphans(files)) await rm(stale);
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
  }
}

/** Lists the generated files whose content on disk differs from what the generator produces now. */
export async function findStale(files: GeneratedFile[]): Promise<string[]> {
  const stale: string[] = [];
  for (const file of files) {
    const current = await readFile(file.path, 'utf8').catch(() => undefined);
    if (current !== file.content) stale.push(file.path);
  }
  return [...stale, ...(await findOrphans(files))];
}

// Registered schema files of events that were removed from schemas/.
async function findOrphans(files: GeneratedFile[]): Promise<string[]> {
  const schemaFiles = files.filter((file) => file.path.endsWith('.avsc'));
  if (schemaFiles.length === 0) return [];
  const directory = dirname(schemaFiles[0]!.path);
  const expected = new Set(schemaFiles.map((file) => file.path));
  const existing = await readdir(directory).catch(() => [] as string[]);
  return existing
    .filter((name) => name.endsWith('.avsc'))
    .map((name) => join(directory, name))
    .filter((path) => !expected.has(path));
}

function collectNames(events: CompiledEvent[]): string[] {
  const names: string[] = [];
  const visit = (type: { name?: string; typeName: string } & Record<string, unknown>, seen: Set<unknown>): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (type.name) names.push(type.name);
    const children = [
      ...((type.fields as { type: typeof type }[] | undefined)?.map((field) => field.type) ?? []),
      ...((type.types as (typeof type)[] | undefined) ?? []),
      type.itemsType,
      type.valuesType,
      type.underlyingType,
    ];
    for (const child of children) if (child) visit(child as typeof type, seen);
  };
  for (const { type } of events) visit(type as unknown as Parameters<typeof visit>[0], new Set());
  return names;
}

export { assignTypeNames, publishMethodName, pascalCase } from './names.js';
