/**
 * Avro names as Apache Avro's Java library handles them. A name starts with a letter or `_`
 * and goes on with letters, digits or `_`. "Letter" and "digit" follow Java's `Character`
 * tests on each UTF-16 unit, so `Größe` is a valid name, although avsc accepts ASCII only.
 */

import { PRIMITIVE_TYPES } from '../catalog/names.js';

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** The primitive type names, which no named type may take as its full name. */
export const AVRO_PRIMITIVE_NAMES: ReadonlySet<string> = PRIMITIVE_TYPES;

/** Returns why a simple name is invalid, or undefined when it is valid. */
export function invalidNameReason(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  for (let index = 0; index < name.length; index += 1) {
    const unit = String.fromCharCode(name.charCodeAt(index));
    const allowed = unit === '_' || LETTER.test(unit) || (index > 0 && DIGIT.test(unit));
    if (!allowed) {
      return index === 0
        ? 'it must start with a letter or an underscore'
        : `character '${unit}' is not a letter, digit or underscore`;
    }
  }
  return undefined;
}

/** Returns why a namespace is invalid, or undefined when it is valid (the empty string is). */
export function invalidNamespaceReason(namespace: string): string | undefined {
  if (namespace === '') return undefined;
  for (const part of namespace.split('.')) {
    const reason = invalidNameReason(part);
    if (reason !== undefined) return `part '${part}' is invalid: ${reason}`;
  }
  return undefined;
}

/** A name split into its parts, as Avro's Java `Schema.Name` does. */
export interface QualifiedName {
  name: string;
  /** Undefined for the null namespace. */
  namespace?: string;
  fullName: string;
}

/**
 * Qualifies a name: a name with a dot carries its own namespace, otherwise it takes the
 * enclosing one. An empty namespace is the null namespace.
 */
export function qualifyName(name: string, enclosingNamespace: string | undefined): QualifiedName {
  const lastDot = name.lastIndexOf('.');
  const simple = lastDot < 0 ? name : name.slice(lastDot + 1);
  const space = lastDot < 0 ? enclosingNamespace : name.slice(0, lastDot);
  const namespace = space === undefined || space === '' ? undefined : space;
  return {
    name: simple,
    namespace,
    fullName: namespace === undefined ? simple : `${namespace}.${simple}`,
  };
}

/**
 * Returns an alias of a named type in the form Avro's Java `Schema.getAliases` reports it.
 * An alias in the null namespace on a type that has a namespace comes back as `.Name`, which
 * matches no writer's full name, so such an alias never applies in the compatibility check.
 */
export function aliasFullName(alias: string, typeNamespace: string | undefined): string {
  const qualified = qualifyName(alias, typeNamespace);
  if (qualified.namespace === undefined && typeNamespace !== undefined) return `.${qualified.name}`;
  return qualified.fullName;
}
