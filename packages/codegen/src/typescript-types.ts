import type avro from 'avsc';

import { propertyName } from './names.js';

/** Side of the API a type is for: `output` as handlers receive it, `input` as publish accepts it. */
export type Side = 'output' | 'input';

/** Emits TypeScript declarations for named Avro types, each once, in a stable order. */
export class TypeEmitter {
  private readonly declarations = new Map<string, string>();

  constructor(private readonly typeNames: ReadonlyMap<string, string>) {}

  /** Returns the TypeScript name of a named type, for one side of the API. */
  nameOf(type: avro.Type, side: Side): string {
    const name = this.typeNames.get(type.name as string);
    if (!name) throw new Error(`no TypeScript name assigned to Avro type ${String(type.name)}`);
    return side === 'input' && isRecord(type) ? `${name}Input` : name;
  }

  /** Returns the TypeScript type expression of an Avro type, declaring the named types it uses. */
  expression(type: avro.Type, side: Side): string {
    switch (type.typeName) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'boolean';
      case 'int':
      case 'float':
      case 'double':
        return 'number';
      case 'long':
      case 'abstract:long':
        // The SDK's long type rejects values beyond Number.MAX_SAFE_INTEGER on write and on
        // read, so a number never contains a rounded long.
        return 'number';
      case 'string':
        return 'string';
      case 'bytes':
        return 'Buffer';
      case 'logical:timestamp-millis':
        return 'Date';
      case 'logical:decimal':
      case 'logical:uuid':
        return 'string';
      case 'array':
        return `Array<${this.expression((type as avro.types.ArrayType).itemsType, side)}>`;
      case 'map':
        return `Record<string, ${this.expression((type as avro.types.MapType).valuesType, side)}>`;
      case 'union:unwrapped':
        return (type as avro.types.UnwrappedUnionType).types.map((branch) => this.expression(branch, side)).join(' | ');
      case 'union:wrapped':
        // avsc represents an ambiguous union as an object whose single key names the branch.
        return (type as avro.types.WrappedUnionType).types
          .map((branch) =>
            branch.typeName === 'null'
              ? 'null'
              : `{ ${JSON.stringify(branch.branchName)}: ${this.expression(branch, side)} }`,
          )
          .join(' | ');
      case 'enum':
      case 'fixed':
      case 'record':
      case 'error':
        this.declare(type);
        return this.nameOf(type, side);
      default:
        if (type.typeName.startsWith('logical:')) {
          return this.expression((type as avro.types.LogicalType).underlyingType, side);
        }
        throw new Error(`unsupported Avro type ${type.typeName}`);
    }
  }

  /** Returns every declaration emitted so far, sorted by name. */
  output(): string[] {
    return [...this.declarations.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text);
  }

  private declare(type: avro.Type): void {
    const name = this.nameOf(type, 'output');
    if (this.declarations.has(name)) return;
    // Reserve the name first so that a recursive record refers to itself instead of looping.
    this.declarations.set(name, '');
    this.declarations.set(name, this.declaration(type));
  }

  private declaration(type: avro.Type): string {
    const doc = docComment(type.doc, '', `Avro ${type.typeName} \`${String(type.name)}\`.`);
    if (type.typeName === 'enum') {
      const symbols = (type as avro.types.EnumType).symbols.map((symbol) => `'${symbol}'`).join(' | ');
      return `${doc}export type ${this.nameOf(type, 'output')} = ${symbols};\n`;
    }
    if (type.typeName === 'fixed') return `${doc}export type ${this.nameOf(type, 'output')} = Buffer;\n`;
    const record = type as avro.types.RecordType;
    const output = record.fields.map((field) => this.field(field, 'output')).join('');
    const input = record.fields.map((field) => this.field(field, 'input')).join('');
    const inputDoc = `/** \`${this.nameOf(type, 'output')}\` as \`publish\` accepts it: fields with a default may be left out. */\n`;
    return (
      `${doc}export interface ${this.nameOf(type, 'output')} {\n${output}}\n\n` +
      `${inputDoc}export interface ${this.nameOf(type, 'input')} {\n${input}}\n`
    );
  }

  private field(field: avro.types.Field, side: Side): string {
    const optional = side === 'input' && field.defaultValue() !== undefined ? '?' : '';
    const written = (field as unknown as { doc?: string }).doc;
    const doc = docComment(holdsLong(field.type) ? [written, LONG_NOTE].filter(Boolean).join(' ') : written, '  ');
    return `${doc}  ${propertyName(field.name)}${optional}: ${this.expression(field.type, side)};\n`;
  }
}

const LONG_NOTE =
  'Avro long as a number: values beyond Number.MAX_SAFE_INTEGER (2^53 - 1) are rejected on publish and on read, never rounded.';

function holdsLong(type: avro.Type): boolean {
  if (type.typeName === 'long' || type.typeName === 'abstract:long') return true;
  if (type.typeName.startsWith('union:')) return (type as avro.types.UnwrappedUnionType).types.some(holdsLong);
  if (type.typeName === 'array') return holdsLong((type as avro.types.ArrayType).itemsType);
  if (type.typeName === 'map') return holdsLong((type as avro.types.MapType).valuesType);
  return false;
}

function isRecord(type: avro.Type): boolean {
  return type.typeName === 'record' || type.typeName === 'error';
}

function docComment(doc: string | undefined, indent: string, fallback?: string): string {
  const text = doc ?? fallback;
  if (!text) return '';
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
}
