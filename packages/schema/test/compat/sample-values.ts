import type { AvroNode } from '../../src/index.js';

/**
 * Sample values of a schema for avsc types built with `wrapUnions: true`, so a union value is
 * `{branchName: value}`. Variant `n` picks the n-th branch of each union and the n-th symbol of
 * each enum (modulo their counts), so a few variants cover every branch and symbol. Values stay
 * finite: below a small depth, arrays and maps are empty and unions take the branch with the
 * shortest way to a value.
 */

const MAX_DEPTH = 4;

/** Returns how many variants cover every union branch and enum symbol of a schema. */
export function variantCount(root: AvroNode): number {
  let count = 1;
  forEachNode(root, (node) => {
    if (node.type === 'union') count = Math.max(count, node.branches.length);
    if (node.type === 'enum') count = Math.max(count, node.symbols.length);
  });
  return count;
}

/** Returns whether a schema has any finite value (an empty union has none, for example). */
export function hasFiniteValue(root: AvroNode): boolean {
  return heights(root).get(root) !== Infinity;
}

/** Generates variant `variant` of a sample value; throws when the schema has no finite value. */
export function sampleValue(root: AvroNode, variant: number): unknown {
  const height = heights(root);
  if (height.get(root) === Infinity) throw new Error('The schema has no finite value.');
  return generate(root, variant, 0, height);
}

function generate(
  node: AvroNode,
  variant: number,
  depth: number,
  height: Map<AvroNode, number>,
): unknown {
  const deep = depth >= MAX_DEPTH;
  switch (node.type) {
    case 'null':
      return null;
    case 'boolean':
      return variant % 2 === 0;
    case 'int':
      return 7 + variant;
    case 'long':
      return 42 + variant;
    case 'float':
      return 1.5;
    case 'double':
      return 2.25;
    case 'bytes':
      return Buffer.from([1, 2, variant & 0xff]);
    case 'string':
      return `text-${variant}`;
    case 'fixed':
      return Buffer.alloc(node.size, 7);
    case 'enum':
      return node.symbols[variant % node.symbols.length];
    case 'array':
      return deep ? [] : [generate(node.items, variant, depth + 1, height)];
    case 'map':
      return deep ? {} : { key: generate(node.values, variant, depth + 1, height) };
    case 'record': {
      const value: Record<string, unknown> = {};
      for (const field of node.fields)
        value[field.name] = generate(field.type, variant, depth + 1, height);
      return value;
    }
    case 'union': {
      const branch = pickBranch(node.branches, variant, deep, height);
      const value = generate(branch, variant, depth + 1, height);
      return branch.type === 'null' ? null : { [branchName(branch)]: value };
    }
  }
}

function pickBranch(
  branches: AvroNode[],
  variant: number,
  deep: boolean,
  height: Map<AvroNode, number>,
): AvroNode {
  const finite = branches.filter((branch) => (height.get(branch) ?? Infinity) < Infinity);
  if (!deep) return finite[variant % finite.length] as AvroNode;
  return finite.reduce((best, branch) =>
    (height.get(branch) ?? 0) < (height.get(best) ?? 0) ? branch : best,
  );
}

// avsc names a union branch by its full name for named types and by its type otherwise.
function branchName(node: AvroNode): string {
  return 'fullName' in node ? node.fullName : node.type;
}

/**
 * Computes, for every node, how deep the shortest finite value goes (Infinity when there is
 * none), by iterating to a fixed point so recursive types converge.
 */
function heights(root: AvroNode): Map<AvroNode, number> {
  const nodes: AvroNode[] = [];
  forEachNode(root, (node) => nodes.push(node));
  const height = new Map<AvroNode, number>(nodes.map((node) => [node, Infinity]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of nodes) {
      const next = heightOf(node, height);
      if (next < (height.get(node) ?? Infinity)) {
        height.set(node, next);
        changed = true;
      }
    }
  }
  return height;
}

function heightOf(node: AvroNode, height: Map<AvroNode, number>): number {
  switch (node.type) {
    case 'record':
      return 1 + Math.max(0, ...node.fields.map((field) => height.get(field.type) ?? Infinity));
    case 'union':
      return Math.min(...node.branches.map((branch) => height.get(branch) ?? Infinity));
    case 'enum':
      return node.symbols.length > 0 ? 0 : Infinity;
    default:
      // Primitives, fixed, and arrays and maps (which may be empty) always have a value.
      return 0;
  }
}

function forEachNode(root: AvroNode, visit: (node: AvroNode) => void): void {
  const seen = new Set<AvroNode>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as AvroNode;
    if (seen.has(node)) continue;
    seen.add(node);
    visit(node);
    if (node.type === 'array') stack.push(node.items);
    if (node.type === 'map') stack.push(node.values);
    if (node.type === 'union') stack.push(...node.branches);
    if (node.type === 'record') stack.push(...node.fields.map((field) => field.type));
  }
}
