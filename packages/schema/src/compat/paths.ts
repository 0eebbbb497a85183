import type { AvroNode } from './types.js';

/**
 * Readable paths into a schema: the root's name (its type for unnamed roots), `.field` for a
 * record field, `[]` for array items, `{}` for map values and `<Branch>` for a union branch,
 * as in `OrderCreated.items[].unitPrice` or `OrderPaid.method<Card>.last4`.
 */

/** Returns the path of a schema's root. */
export function rootPath(node: AvroNode): string {
  return branchLabel(node);
}

/** Returns the label of a union branch: the unqualified name of a named type, else the type. */
export function branchLabel(node: AvroNode): string {
  return 'name' in node ? node.name : node.type;
}

/** Describes a type for messages: `int`, `record com.shop.Order`, `union [null, string]`. */
export function describeType(node: AvroNode): string {
  if ('fullName' in node) return `${node.type} ${node.fullName}`;
  if (node.type === 'union') return `union [${node.branches.map(branchLabel).join(', ')}]`;
  return node.type;
}

/** Escapes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from tokens; no tokens is the whole document, `/`. */
export function toPointer(tokens: readonly string[]): string {
  return `/${tokens.map(pointerToken).join('/')}`;
}
