import { stringMember, type JsonNode } from './json.js';
import {
  aliasFullName,
  AVRO_PRIMITIVE_NAMES,
  invalidNameReason,
  invalidNamespaceReason,
  qualifyName,
  type QualifiedName,
} from './names.js';
import { toPointer } from './paths.js';
import type {
  AvroNamedNode,
  AvroNode,
  AvroPrimitiveType,
  CompatibilityWarning,
  JsonObjectNode,
  SchemaError,
  SchemaErrorCode,
} from './types.js';

/** Position of the parser: JSON pointer tokens, enclosing namespace and readable path. */
export interface Place {
  tokens: string[];
  namespace: string | undefined;
  path: string;
}

/** The primitive type names. */
export const PRIMITIVES: ReadonlySet<string> = AVRO_PRIMITIVE_NAMES;

/**
 * State of the schema parser for one document: errors, lint warnings and the named types
 * defined so far, with the rules for names. Names, symbols and type aliases must be valid
 * names, and so must each part of a namespace, as avsc and Avro's Java main branch require.
 * Field aliases are not checked, as in Java. A type name is looked up in the enclosing
 * namespace, then as written, and must be defined before it is used.
 * NOTE: Avro's Java main branch also resolves a name defined later in the same document.
 */
export class ParseContext {
  readonly errors: SchemaError[] = [];
  readonly warnings: CompatibilityWarning[] = [];
  readonly namedTypes = new Map<string, AvroNamedNode>();

  /** Returns the type a name refers to, or records UNDEFINED_NAME and returns a placeholder. */
  resolveReference(reference: string, place: Place): AvroNode {
    if (PRIMITIVES.has(reference)) {
      return { type: reference as AvroPrimitiveType, pointer: toPointer(place.tokens) };
    }
    const found =
      this.namedTypes.get(qualifyName(reference, place.namespace).fullName) ??
      this.namedTypes.get(qualifyName(reference, undefined).fullName);
    if (found !== undefined) return found;
    const message = `Type '${reference}' is not defined before this use; define it first.`;
    return this.fail('UNDEFINED_NAME', place.tokens, message);
  }

  /** Reads the name of a record, enum or fixed; nested types then default to its namespace. */
  parseName(json: JsonObjectNode, place: Place): QualifiedName {
    const written = stringMember(json, 'name');
    if (written === undefined) {
      this.error('INVALID_SCHEMA', place.tokens, "A record, enum or fixed needs a string 'name'.");
      return { name: '', fullName: '' };
    }
    const qualified = qualifyName(written, stringMember(json, 'namespace') ?? place.namespace);
    this.checkName(qualified.name, [...place.tokens, 'name'], 'name');
    const namespaceProblem = invalidNamespaceReason(qualified.namespace ?? '');
    if (namespaceProblem !== undefined) {
      const message = `Namespace '${qualified.namespace}' is invalid: ${namespaceProblem}.`;
      this.error('INVALID_NAME', [...place.tokens, 'namespace'], message);
    }
    if (PRIMITIVES.has(qualified.fullName)) {
      const message = `A named type may not take the primitive name '${qualified.fullName}'.`;
      this.error('INVALID_NAME', [...place.tokens, 'name'], message);
    }
    return qualified;
  }

  /** Reads the aliases of a named type, in the form Java's `Schema.getAliases` returns. */
  parseTypeAliases(json: JsonObjectNode, place: Place, namespace: string | undefined): string[] {
    const aliases = this.parseStringList(json, place.tokens, 'aliases') ?? [];
    aliases.forEach((alias, index) => {
      const tokens = [...place.tokens, 'aliases', String(index)];
      this.checkName(qualifyName(alias, namespace).name, tokens, 'alias');
    });
    return aliases.map((alias) => aliasFullName(alias, namespace));
  }

  /** Reads an optional attribute that must be an array of strings, such as `aliases`. */
  parseStringList(json: JsonObjectNode, tokens: string[], key: string): string[] | undefined {
    const list = json.members.get(key);
    if (list === undefined) return undefined;
    const strings: string[] = [];
    for (const item of list.kind === 'array' ? list.items : []) {
      if (item.kind === 'string') strings.push(item.value);
    }
    if (list.kind !== 'array' || strings.length !== list.items.length) {
      this.error('INVALID_SCHEMA', [...tokens, key], `'${key}' must be an array of strings.`);
      return undefined;
    }
    return strings;
  }

  /** Registers a named type under its full name, rejecting a second definition. */
  define(node: AvroNamedNode, place: Place): void {
    if (node.fullName === '') return;
    if (this.namedTypes.has(node.fullName)) {
      // NOTE: Avro's Java parser accepts a second definition equal to the first. This parser
      // rejects every second definition, as avsc does.
      const message = `Type '${node.fullName}' is defined twice; refer to it by name instead.`;
      this.error('DUPLICATE_NAME', [...place.tokens, 'name'], message);
      return;
    }
    this.namedTypes.set(node.fullName, node);
  }

  /** Records INVALID_NAME when a simple name breaks Avro's naming rules. */
  checkName(name: string, tokens: string[], role: string): void {
    const reason = invalidNameReason(name);
    if (reason === undefined) return;
    this.error('INVALID_NAME', tokens, `The ${role} '${name}' is invalid: ${reason}.`);
  }

  /** Records an error at the JSON pointer built from `tokens`. */
  error(code: SchemaErrorCode, tokens: string[], message: string): void {
    this.errors.push({ code, location: toPointer(tokens), message });
  }

  /** Records an error and returns a placeholder node, so that parsing goes on to find more. */
  fail(code: SchemaErrorCode, tokens: string[], message: string): AvroNode {
    this.error(code, tokens, message);
    return { type: 'null', pointer: toPointer(tokens) };
  }
}
