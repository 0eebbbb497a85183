import type { JsonNode } from './json.js';

/** The eight primitive Avro types. */
export type AvroPrimitiveType =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'string';

/** Any Avro type name, as the specification spells it (`error` is parsed as `record`). */
export type AvroTypeName =
  | AvroPrimitiveType
  | 'record'
  | 'enum'
  | 'fixed'
  | 'array'
  | 'map'
  | 'union';

/** A logical type written inside a type, and whether Avro's Java parser accepts it there. */
export interface AvroLogicalType {
  name: string;
  /** False when Avro ignores the attribute because the type or its parameters do not fit. */
  valid: boolean;
  precision?: number;
  scale?: number;
}

/** A JSON object of the schema document. */
export type JsonObjectNode = JsonNode & { kind: 'object' };

interface AvroNodeBase {
  /** JSON pointer of this type's definition in the schema document. */
  pointer: string;
  /** The object this type was written as; absent for a primitive written as a bare name. */
  source?: JsonObjectNode;
  logicalType?: AvroLogicalType;
}

/** A primitive type, written as `"int"` or `{"type": "int", ...}`. */
export interface AvroPrimitiveNode extends AvroNodeBase {
  type: AvroPrimitiveType;
}

interface AvroNamedNodeBase extends AvroNodeBase {
  /** The unqualified name. */
  name: string;
  /** The namespace, or undefined for the null namespace. */
  namespace?: string;
  fullName: string;
  /** Aliases as Avro's Java `Schema.getAliases` returns them (full names, see `names.ts`). */
  aliases: string[];
  doc?: string;
}

/** A record (or `error`) type. */
export interface AvroRecordNode extends AvroNamedNodeBase {
  type: 'record';
  isError: boolean;
  fields: AvroField[];
}

/** An enum type. */
export interface AvroEnumNode extends AvroNamedNodeBase {
  type: 'enum';
  symbols: string[];
  /** The enum-level default symbol, used by readers for symbols they do not know. */
  default?: string;
}

/** A fixed type. */
export interface AvroFixedNode extends AvroNamedNodeBase {
  type: 'fixed';
  size: number;
}

/** An array type. */
export interface AvroArrayNode extends AvroNodeBase {
  type: 'array';
  items: AvroNode;
}

/** A map type; keys are always strings. */
export interface AvroMapNode extends AvroNodeBase {
  type: 'map';
  values: AvroNode;
}

/** A union, written as a JSON array of branch types. */
export interface AvroUnionNode extends AvroNodeBase {
  type: 'union';
  branches: AvroNode[];
}

/** A named Avro type: record, enum or fixed. */
export type AvroNamedNode = AvroRecordNode | AvroEnumNode | AvroFixedNode;

/** A node of a parsed schema; a named type used by name is the same object as its definition. */
export type AvroNode =
  | AvroPrimitiveNode
  | AvroRecordNode
  | AvroEnumNode
  | AvroFixedNode
  | AvroArrayNode
  | AvroMapNode
  | AvroUnionNode;

/** A field of a record. */
export interface AvroField {
  name: string;
  /** JSON pointer of the field object in the schema document. */
  pointer: string;
  /** The field object as written. */
  source: JsonObjectNode;
  type: AvroNode;
  /** The default as written; present whenever the field has a `default` attribute, even `null`. */
  default?: JsonNode;
  aliases: string[];
  doc?: string;
  order: 'ascending' | 'descending' | 'ignore';
  /** A `logicalType` attribute written on the field itself, which Avro ignores. */
  fieldLogicalType?: string;
}

/** A schema that Avro's Java parser accepts, with the JSON it was read from. */
export interface ParsedAvroSchema {
  root: AvroNode;
  json: JsonNode;
  /** Every named type by full name, in order of definition. */
  namedTypes: ReadonlyMap<string, AvroNamedNode>;
  /** Lint findings: parts of the schema that Avro accepts but ignores or cannot use. */
  warnings: CompatibilityWarning[];
}

/** The seven compatibility levels of Confluent Schema Registry. */
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

/** Direction of a check: `BACKWARD` when the new schema reads old data, `FORWARD` the reverse. */
export type CompatibilityDirection = 'BACKWARD' | 'FORWARD';

/**
 * Reason a reader cannot read a writer's data. The first six are the incompatibility types of
 * Apache Avro's Java `SchemaCompatibility`. `AMBIGUOUS_READER_FIELD` is a reader field whose
 * name and aliases match several writer fields: Avro's checker throws there, and Confluent
 * Schema Registry reports the exception as an incompatibility.
 */
export type IncompatibilityCode =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH'
  | 'AMBIGUOUS_READER_FIELD';

/** One break: data of one schema version that another cannot read. */
export interface CompatibilityIssue {
  code: IncompatibilityCode;
  /** Readable path from the root, such as `OrderCreated.items[].unitPrice`. */
  path: string;
  /** JSON pointer as Avro's checker and Confluent Schema Registry report it. */
  location: string;
  /** The reader's type at this point, such as `int` or `enum com.shop.OrderStatus`. */
  reader: string;
  /** The writer's type at this point. */
  writer: string;
  /** Index of the previous version involved, in the list given oldest first. */
  previous: number;
  direction: CompatibilityDirection;
  /** One sentence that states what breaks and how to fix it. */
  message: string;
}

/** Codes of the changes and lint findings that never break compatibility but deserve a look. */
export type CompatibilityWarningCode =
  | 'LOGICAL_TYPE_CHANGED'
  | 'LOGICAL_TYPE_DROPPED'
  | 'LOGICAL_TYPE_ADDED'
  | 'DOC_REMOVED'
  | 'FIELD_LOGICAL_TYPE_IGNORED'
  | 'LOGICAL_TYPE_IGNORED'
  | 'FIELD_DEFAULT_NOT_A_SYMBOL'
  | 'FIELD_DEFAULT_WRONG_SIZE';

/** A finding that does not make schemas incompatible. */
export interface CompatibilityWarning {
  code: CompatibilityWarningCode;
  /** Readable path from the root of the new schema. */
  path: string;
  /** JSON pointer into the new schema. */
  location: string;
  /** Index of the previous version compared; absent for findings about the new schema alone. */
  previous?: number;
  message: string;
}

/** Verdict of a compatibility check, with every break and warning found. */
export interface CompatibilityResult {
  compatible: boolean;
  issues: CompatibilityIssue[];
  warnings: CompatibilityWarning[];
}

/** Codes of the reasons a schema is not valid Avro. */
export type SchemaErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_SCHEMA'
  | 'INVALID_NAME'
  | 'UNDEFINED_NAME'
  | 'DUPLICATE_NAME'
  | 'INVALID_DEFAULT';

/** One reason a schema is not valid Avro. */
export interface SchemaError {
  code: SchemaErrorCode;
  /** JSON pointer of the offending value; `/` for the whole document. */
  location: string;
  message: string;
}

/** Result of parsing a schema: the schema (with its lint warnings), or every error found. */
export type AvroParseResult =
  | { ok: true; schema: ParsedAvroSchema }
  | { ok: false; errors: SchemaError[] };
