import avro from 'avsc';

import { jsonNodeToValue } from './json.js';
import type { AvroField, AvroNamedNode, AvroNode, ParsedAvroSchema } from './types.js';

/**
 * Reading data written with one schema through another with avsc, for every pair that the
 * compatibility checker accepts. avsc is stricter than Avro's Java checker in three places,
 * and this module closes each gap:
 * - Names: avsc compares full names, Java ignores namespaces. The resolver is created with
 *   avsc's `ignoreNamespaces`, which also compares reader aliases without their namespaces.
 * - References: Java looks a type name up in the enclosing namespace and then in the null
 *   namespace, avsc only in the enclosing one. `toAvscSchema` writes every reference in full.
 * - Writer defaults: Confluent Schema Registry does not check the defaults of old versions,
 *   and avsc rejects a bad one. Reading never uses a writer's defaults, so they can be dropped.
 * NOTE: avsc accepts only ASCII names while Java accepts any Unicode letter, so a schema with
 * such names still fails in `avro.Type.forSchema`.
 */

/** Options of `toAvscSchema`. */
export interface AvscSchemaOptions {
  /** Leave out field defaults, which a writer schema never needs; default false. */
  dropDefaults?: boolean;
}

/**
 * Rewrites a parsed schema as a plain schema object for avsc, with every named type defined by
 * its full name and every later reference written in full (`.Name` for the null namespace).
 * Attributes such as `logicalType`, `precision` or `doc` are kept as written.
 */
export function toAvscSchema(schema: ParsedAvroSchema, options: AvscSchemaOptions = {}): unknown {
  return new AvscWriter(options).write(schema.root);
}

/** Types and resolver built by `createReadResolver`. */
export interface ReadResolver {
  readerType: avro.Type;
  writerType: avro.Type;
  /** Pass to `readerType.fromBuffer(buffer, resolver)` or `decode` to read writer data. */
  resolver: avro.Resolver;
}

/**
 * Builds avsc types for a reader and a writer schema and a resolver that reads the writer's
 * data as reader values. Throws when avsc cannot resolve the pair, which for schemas the
 * compatibility checker accepts happens only in the cases listed in this module's notes.
 * The avsc options apply to both types; each type gets its own registry.
 */
export function createReadResolver(
  reader: ParsedAvroSchema,
  writer: ParsedAvroSchema,
  options: Partial<avro.ForSchemaOptions> = {},
): ReadResolver {
  const readerSchema = toAvscSchema(reader) as avro.Schema;
  const writerSchema = toAvscSchema(writer, { dropDefaults: true }) as avro.Schema;
  const readerType = avro.Type.forSchema(readerSchema, { ...options, registry: {} });
  const writerType = avro.Type.forSchema(writerSchema, { ...options, registry: {} });
  return { readerType, writerType, resolver: createAvscResolver(readerType, writerType) };
}

/**
 * Creates an avsc resolver that matches named types by their unqualified names, as Avro's Java
 * checker does. Use it with types built from `toAvscSchema` output, so references resolve too.
 */
export function createAvscResolver(readerType: avro.Type, writerType: avro.Type): avro.Resolver {
  return readerType.createResolver(writerType, { ignoreNamespaces: true });
}

/** Returns a reference to a defined type that avsc resolves in any enclosing namespace. */
function referenceTo(node: AvroNamedNode): string {
  return node.namespace === undefined ? `.${node.name}` : node.fullName;
}

// Attributes that the writer below sets itself, so the copy from the source leaves them out.
const STRUCTURAL = new Set(['type', 'name', 'namespace', 'aliases', 'fields', 'items', 'values']);
const FIELD_STRUCTURAL = new Set(['name', 'type', 'default', 'aliases']);

class AvscWriter {
  private readonly defined = new Set<AvroNode>();

  constructor(private readonly options: AvscSchemaOptions) {}

  write(node: AvroNode): unknown {
    switch (node.type) {
      case 'union':
        return node.branches.map((branch) => this.write(branch));
      case 'array':
        return { ...this.attributes(node), type: 'array', items: this.write(node.items) };
      case 'map':
        return { ...this.attributes(node), type: 'map', values: this.write(node.values) };
      case 'record':
      case 'enum':
      case 'fixed':
        return this.writeNamed(node);
      default:
        return node.source === undefined
          ? node.type
          : { ...this.attributes(node), type: node.type };
    }
  }

  private writeNamed(node: AvroNamedNode): unknown {
    if (this.defined.has(node)) return referenceTo(node);
    this.defined.add(node);
    const definition: Record<string, unknown> = {
      ...this.attributes(node),
      type: node.type === 'record' && node.isError ? 'error' : node.type,
      name: node.fullName,
      // An explicit empty namespace keeps a type in the null namespace inside a named parent.
      ...(node.namespace === undefined ? { namespace: '' } : {}),
    };
    // Java's alias form `.Name` (null namespace) is also what avsc reads as a full name.
    if (node.aliases.length > 0) definition.aliases = node.aliases;
    if (node.type === 'record') {
      definition.fields = node.fields.map((field) => this.writeField(field));
    }
    return definition;
  }

  private writeField(field: AvroField): Record<string, unknown> {
    const result: Record<string, unknown> = { name: field.name, type: this.write(field.type) };
    for (const [key, value] of field.source.members) {
      if (!FIELD_STRUCTURAL.has(key)) result[key] = jsonNodeToValue(value);
    }
    if (field.aliases.length > 0) result.aliases = field.aliases;
    if (field.default !== undefined && !this.options.dropDefaults) {
      result.default = jsonNodeToValue(field.default);
    }
    return result;
  }

  private attributes(node: AvroNode): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of node.source?.members ?? []) {
      if (!STRUCTURAL.has(key)) result[key] = jsonNodeToValue(value);
    }
    return result;
  }
}
