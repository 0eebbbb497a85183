import { isValidDefault, parseJavaDouble } from './defaults.js';
import {
  jsonNodeFromValue,
  JsonSyntaxError,
  parseJsonText,
  stringMember,
  type JsonNode,
} from './json.js';
import { lintDefault, lintFieldLogicalType, lintLogicalType } from './lint.js';
import { readLogicalType } from './logical-types.js';
import { NAMED_TYPES } from '../catalog/names.js';
import { qualifyName } from './names.js';
import { ParseContext, PRIMITIVES, type Place } from './parse-context.js';
import { branchLabel, toPointer } from './paths.js';
import type {
  AvroField,
  AvroNode,
  AvroParseResult,
  AvroPrimitiveType,
  AvroRecordNode,
  JsonObjectNode,
} from './types.js';

/** Options of the schema parser. */
export interface AvroParseOptions {
  /**
   * Whether field defaults must fit their types; default true. Confluent Schema Registry checks
   * defaults only in the schema being registered, so previous versions are parsed without it.
   */
  validateDefaults?: boolean;
}

/**
 * Parses Avro schema JSON text, accepting what Avro's Java parser accepts, and returns
 * every error found rather than only the first.
 */
export function parseAvroSchemaText(text: string, options: AvroParseOptions = {}): AvroParseResult {
  let json: JsonNode;
  try {
    json = parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { ok: false, errors: [{ code: 'INVALID_JSON', location: '/', message: error.message }] };
  }
  return new SchemaParser(options).parse(json);
}

/**
 * Parses a schema already decoded from JSON (an object, an array or a type name). A number
 * without a fractional part counts as integral, even if the original text was `1.0`.
 */
export function parseAvroSchemaValue(
  value: unknown,
  options: AvroParseOptions = {},
): AvroParseResult {
  let json: JsonNode;
  try {
    json = jsonNodeFromValue(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ code: 'INVALID_JSON', location: '/', message }] };
  }
  return new SchemaParser(options).parse(json);
}

// Avro Java's default limit on a byte length (`SystemLimitException`).
const FIXED_MAX_SIZE = 2 ** 31 - 9;

/** Reads one schema document into nodes; names and errors are kept by its `ParseContext`. */
class SchemaParser {
  private readonly context = new ParseContext();
  private readonly validateDefaults: boolean;

  constructor(options: AvroParseOptions) {
    this.validateDefaults = options.validateDefaults ?? true;
  }

  parse(json: JsonNode): AvroParseResult {
    const root = this.parseNode(json, { tokens: [], namespace: undefined, path: labelOf(json) });
    if (this.context.errors.length > 0) return { ok: false, errors: this.context.errors };
    const schema = {
      root,
      json,
      namedTypes: this.context.namedTypes,
      warnings: this.context.warnings,
    };
    return { ok: true, schema };
  }

  private parseNode(json: JsonNode, place: Place): AvroNode {
    switch (json.kind) {
      case 'string':
        return this.context.resolveReference(json.value, place);
      case 'object':
        return this.parseObject(json, place);
      case 'array':
        return this.parseUnion(json.items, place);
      default: {
        const message = `A schema must be a type name, an object or an array, not ${json.kind}.`;
        return this.context.fail('INVALID_SCHEMA', place.tokens, message);
      }
    }
  }

  private parseObject(json: JsonObjectNode, place: Place): AvroNode {
    const type = stringMember(json, 'type');
    if (type === undefined) {
      const message = "A schema object needs a 'type' attribute that is a string.";
      return this.context.fail('INVALID_SCHEMA', place.tokens, message);
    }
    if (PRIMITIVES.has(type)) {
      const logicalType = readLogicalType(json, type);
      this.context.warnings.push(
        ...lintLogicalType(logicalType, place.path, toPointer(place.tokens)),
      );
      const pointer = toPointer(place.tokens);
      return { type: type as AvroPrimitiveType, pointer, source: json, logicalType };
    }
    switch (type) {
      case 'record':
      case 'error':
        return this.parseRecord(json, place, type === 'error');
      case 'enum':
        return this.parseEnum(json, place);
      case 'fixed':
        return this.parseFixed(json, place);
      case 'array':
        return this.parseArray(json, place);
      case 'map':
        return this.parseMap(json, place);
      default:
        // Avro's Java parser reads `{"type": "SomeName"}` as a reference to a named type.
        return this.context.resolveReference(type, { ...place, tokens: [...place.tokens, 'type'] });
    }
  }

  private parseRecord(json: JsonObjectNode, place: Place, isError: boolean): AvroNode {
    const name = this.context.parseName(json, place);
    const node: AvroRecordNode = {
      type: 'record',
      pointer: toPointer(place.tokens),
      source: json,
      ...name,
      aliases: this.context.parseTypeAliases(json, place, name.namespace),
      doc: stringMember(json, 'doc'),
      isError,
      fields: [],
    };
    // Registered before the fields are read, so that a field can refer to the record itself.
    this.context.define(node, place);
    const fieldsJson = json.members.get('fields');
    if (fieldsJson?.kind !== 'array') {
      const message = `Record '${name.fullName}' needs a 'fields' array.`;
      return this.context.fail('INVALID_SCHEMA', place.tokens, message);
    }
    fieldsJson.items.forEach((fieldJson, index) => {
      const field = this.parseField(fieldJson, index, place, name.namespace);
      if (field === undefined) return;
      if (node.fields.some((other) => other.name === field.name)) {
        const message = `Record '${name.fullName}' has two fields named '${field.name}'.`;
        this.context.error(
          'DUPLICATE_NAME',
          [...place.tokens, 'fields', String(index), 'name'],
          message,
        );
      }
      node.fields.push(field);
    });
    return node;
  }

  private parseField(
    json: JsonNode,
    index: number,
    record: Place,
    namespace: string | undefined,
  ): AvroField | undefined {
    const tokens = [...record.tokens, 'fields', String(index)];
    const name = stringMember(json, 'name');
    if (json.kind !== 'object' || name === undefined) {
      this.context.error(
        'INVALID_SCHEMA',
        tokens,
        "A record field must be an object with a string 'name'.",
      );
      return undefined;
    }
    this.context.checkName(name, [...tokens, 'name'], 'field name');
    const typeJson = json.members.get('type');
    if (typeJson === undefined) {
      this.context.error('INVALID_SCHEMA', tokens, `Field '${name}' has no 'type'.`);
      return undefined;
    }
    const path = `${record.path}.${name}`;
    const type = this.parseNode(typeJson, { tokens: [...tokens, 'type'], namespace, path });
    const field: AvroField = {
      name,
      pointer: toPointer(tokens),
      source: json,
      type,
      default: this.parseFieldDefault(json.members.get('default'), type, name, tokens, path),
      aliases: this.context.parseStringList(json, tokens, 'aliases') ?? [],
      doc: stringMember(json, 'doc'),
      order: this.parseOrder(json.members.get('order'), tokens, name),
      fieldLogicalType: stringMember(json, 'logicalType'),
    };
    this.context.warnings.push(...lintFieldLogicalType(field, path));
    return field;
  }

  private parseFieldDefault(
    json: JsonNode | undefined,
    type: AvroNode,
    fieldName: string,
    tokens: string[],
    path: string,
  ): JsonNode | undefined {
    if (json === undefined) return undefined;
    const location = [...tokens, 'default'];
    let value = json;
    if ((type.type === 'float' || type.type === 'double') && json.kind === 'string') {
      // Avro's Java parser turns a string default of a float or double field into a number,
      // and fails the parse when the text is not a Java double, whatever the options.
      const converted = parseJavaDouble(json.value);
      if (converted === undefined) {
        this.context.error(
          'INVALID_DEFAULT',
          location,
          `The default of field '${fieldName}' is not a number.`,
        );
        return json;
      }
      value = converted;
    }
    if (!this.validateDefaults) return value;
    if (isValidDefault(type, value)) {
      this.context.warnings.push(...lintDefault(type, value, path, toPointer(location)));
      return value;
    }
    const first = type.type === 'union' ? type.branches[0] : undefined;
    const expected = first
      ? `${branchLabel(first)}, the first type of its union`
      : branchLabel(type);
    const message = `The default of field '${fieldName}' is not a valid ${expected}.`;
    this.context.error('INVALID_DEFAULT', location, message);
    return value;
  }

  private parseOrder(
    json: JsonNode | undefined,
    tokens: string[],
    field: string,
  ): AvroField['order'] {
    if (json === undefined) return 'ascending';
    // Java upper-cases the text before it looks the order up, so any letter case works.
    const order = json.kind === 'string' ? json.value.toLowerCase() : undefined;
    if (order === 'ascending' || order === 'descending' || order === 'ignore') return order;
    const message = `The order of field '${field}' must be ascending, descending or ignore.`;
    this.context.error('INVALID_SCHEMA', [...tokens, 'order'], message);
    return 'ascending';
  }

  private parseEnum(json: JsonObjectNode, place: Place): AvroNode {
    const name = this.context.parseName(json, place);
    const symbolsJson = json.members.get('symbols');
    if (symbolsJson?.kind !== 'array') {
      const message = `Enum '${name.fullName}' needs a 'symbols' array.`;
      return this.context.fail('INVALID_SCHEMA', place.tokens, message);
    }
    const symbols: string[] = [];
    symbolsJson.items.forEach((symbol, index) => {
      const tokens = [...place.tokens, 'symbols', String(index)];
      if (symbol.kind !== 'string') {
        const message = `The symbols of enum '${name.fullName}' must be strings.`;
        this.context.error('INVALID_NAME', tokens, message);
      } else if (symbols.includes(symbol.value)) {
        const message = `Enum '${name.fullName}' lists symbol '${symbol.value}' twice.`;
        this.context.error('DUPLICATE_NAME', tokens, message);
      } else {
        this.context.checkName(symbol.value, tokens, 'enum symbol');
        symbols.push(symbol.value);
      }
    });
    // Java reads the enum default as text, so a default that is not a string counts as none.
    const defaultSymbol = stringMember(json, 'default');
    if (defaultSymbol !== undefined && !symbols.includes(defaultSymbol)) {
      const message = `The default '${defaultSymbol}' of enum '${name.fullName}' is not a symbol.`;
      this.context.error('INVALID_DEFAULT', [...place.tokens, 'default'], message);
    }
    const node: AvroNode = {
      type: 'enum',
      pointer: toPointer(place.tokens),
      source: json,
      ...name,
      aliases: this.context.parseTypeAliases(json, place, name.namespace),
      doc: stringMember(json, 'doc'),
      symbols,
      default: defaultSymbol,
    };
    this.context.define(node, place);
    return node;
  }

  private parseFixed(json: JsonObjectNode, place: Place): AvroNode {
    const name = this.context.parseName(json, place);
    const sizeJson = json.members.get('size');
    const size = sizeJson?.kind === 'number' && sizeJson.integral ? Number(sizeJson.text) : NaN;
    if (!(size >= 0 && size <= FIXED_MAX_SIZE)) {
      const message = `Fixed '${name.fullName}' needs a 'size' that is a non-negative integer.`;
      this.context.error('INVALID_SCHEMA', [...place.tokens, 'size'], message);
    }
    const logicalType = readLogicalType(json, 'fixed', size);
    this.context.warnings.push(
      ...lintLogicalType(logicalType, place.path, toPointer(place.tokens)),
    );
    const node: AvroNode = {
      type: 'fixed',
      pointer: toPointer(place.tokens),
      source: json,
      ...name,
      aliases: this.context.parseTypeAliases(json, place, name.namespace),
      doc: stringMember(json, 'doc'),
      size: Number.isNaN(size) ? 0 : size,
      logicalType,
    };
    this.context.define(node, place);
    return node;
  }

  private parseArray(json: JsonObjectNode, place: Place): AvroNode {
    const items = json.members.get('items');
    if (items === undefined) {
      return this.context.fail(
        'INVALID_SCHEMA',
        place.tokens,
        "An array schema needs an 'items' type.",
      );
    }
    const itemsPlace = { ...place, tokens: [...place.tokens, 'items'], path: `${place.path}[]` };
    return {
      type: 'array',
      pointer: toPointer(place.tokens),
      source: json,
      items: this.parseNode(items, itemsPlace),
    };
  }

  private parseMap(json: JsonObjectNode, place: Place): AvroNode {
    const values = json.members.get('values');
    if (values === undefined) {
      return this.context.fail(
        'INVALID_SCHEMA',
        place.tokens,
        "A map schema needs a 'values' type.",
      );
    }
    const valuesPlace = { ...place, tokens: [...place.tokens, 'values'], path: `${place.path}{}` };
    return {
      type: 'map',
      pointer: toPointer(place.tokens),
      source: json,
      values: this.parseNode(values, valuesPlace),
    };
  }

  private parseUnion(items: JsonNode[], place: Place): AvroNode {
    const branches: AvroNode[] = [];
    const keys = new Set<string>();
    items.forEach((item, index) => {
      const tokens = [...place.tokens, String(index)];
      const path = `${place.path}<${labelOf(item)}>`;
      const branch = this.parseNode(item, { ...place, tokens, path });
      // Java distinguishes branches by full name for named types and by type otherwise.
      const key = 'fullName' in branch ? branch.fullName : branch.type;
      if (branch.type === 'union') {
        this.context.error(
          'INVALID_SCHEMA',
          tokens,
          'A union may not contain another union directly.',
        );
      } else if (keys.has(key)) {
        this.context.error('DUPLICATE_NAME', tokens, `The union has two '${key}' branches.`);
      }
      keys.add(key);
      branches.push(branch);
    });
    return { type: 'union', pointer: toPointer(place.tokens), branches };
  }
}

/** Returns the path label of a schema value: a named type's simple name, else the type. */
function labelOf(json: JsonNode): string {
  if (json.kind === 'string') return qualifyName(json.value, undefined).name;
  if (json.kind === 'array') return 'union';
  if (json.kind !== 'object') return json.kind;
  const name = stringMember(json, 'name');
  const type = stringMember(json, 'type') ?? 'unknown';
  if (NAMED_TYPES.has(type) && name !== undefined) return qualifyName(name, undefined).name;
  return type === 'error' ? 'record' : type;
}
