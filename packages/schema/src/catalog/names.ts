/** Avro's primitive type names, which are never references to named types. */
export const PRIMITIVE_TYPES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Avro's named types: the only schemas that define a name other schemas can reference. */
export const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Resolves a name to its full name, as the Avro specification says: a name that contains a
 * dot is already a full name; otherwise the enclosing namespace applies.
 */
export function fullName(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

/** Returns the namespace part of a full name, or undefined for a name in the null namespace. */
export function namespaceOf(full: string): string | undefined {
  const dot = full.lastIndexOf('.');
  return dot === -1 ? undefined : full.slice(0, dot);
}

/** Returns the part of a full name after the last dot. */
export function simpleName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}
