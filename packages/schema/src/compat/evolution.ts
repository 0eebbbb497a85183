import { describeLogicalType } from './logical-types.js';
import { branchLabel, rootPath, toPointer } from './paths.js';
import type {
  AvroField,
  AvroNode,
  CompatibilityWarning,
  CompatibilityWarningCode,
  ParsedAvroSchema,
} from './types.js';

/**
 * Finds changes between two versions that Avro's compatibility check ignores but that change
 * what readers see: a logical type changed, added or dropped (the bytes stay readable, their
 * meaning does not), and documentation removed. The walk pairs fields by name or by the new
 * field's aliases and union branches by name or type, and visits each pair of types once.
 */
export function findEvolutionWarnings(
  next: ParsedAvroSchema,
  previous: ParsedAvroSchema,
  previousIndex: number,
): CompatibilityWarning[] {
  const walker = new EvolutionWalker(previousIndex);
  walker.walk(next.root, previous.root, [], rootPath(next.root));
  return walker.warnings;
}

const KEEP_DOC = 'keep it, because generated code and catalogs show it';

class EvolutionWalker {
  readonly warnings: CompatibilityWarning[] = [];
  private readonly visited = new Map<AvroNode, Set<AvroNode>>();

  constructor(private readonly previousIndex: number) {}

  walk(next: AvroNode, previous: AvroNode, tokens: string[], path: string): void {
    if (next.type === 'union' || previous.type === 'union') {
      this.walkUnion(next, previous, tokens, path);
      return;
    }
    if (next.type !== previous.type || this.seen(next, previous)) return;
    this.compareLogicalTypes(next, previous, tokens, path);
    if ('doc' in previous && previous.doc !== undefined && !('doc' in next && next.doc)) {
      const subject = `${next.type} '${branchLabel(next)}'`;
      const message = `The documentation of ${subject} was removed; ${KEEP_DOC}.`;
      this.warn('DOC_REMOVED', tokens, path, message);
    }
    if (next.type === 'array' && previous.type === 'array') {
      this.walk(next.items, previous.items, [...tokens, 'items'], `${path}[]`);
    } else if (next.type === 'map' && previous.type === 'map') {
      this.walk(next.values, previous.values, [...tokens, 'values'], `${path}{}`);
    } else if (next.type === 'record' && previous.type === 'record') {
      next.fields.forEach((field, index) => {
        const old = findPreviousField(field, previous.fields);
        if (old === undefined) return;
        this.walkField(field, old, [...tokens, 'fields', String(index)], path);
      });
    }
  }

  private walkField(field: AvroField, old: AvroField, tokens: string[], recordPath: string): void {
    const path = `${recordPath}.${field.name}`;
    if (old.doc !== undefined && field.doc === undefined) {
      const message = `The documentation of field '${field.name}' was removed; ${KEEP_DOC}.`;
      this.warn('DOC_REMOVED', tokens, path, message);
    }
    this.walk(field.type, old.type, [...tokens, 'type'], path);
  }

  private walkUnion(next: AvroNode, previous: AvroNode, tokens: string[], path: string): void {
    const inUnion = next.type === 'union';
    const nextBranches = next.type === 'union' ? next.branches : [next];
    const previousBranches = previous.type === 'union' ? previous.branches : [previous];
    nextBranches.forEach((branch, index) => {
      const old = previousBranches.find((candidate) => sameBranch(branch, candidate));
      if (old === undefined) return;
      const branchTokens = inUnion ? [...tokens, String(index)] : tokens;
      const branchPath = inUnion ? `${path}<${branchLabel(branch)}>` : path;
      this.walk(branch, old, branchTokens, branchPath);
    });
  }

  private compareLogicalTypes(
    next: AvroNode,
    previous: AvroNode,
    tokens: string[],
    path: string,
  ): void {
    const now = effectiveLogicalType(next);
    const before = effectiveLogicalType(previous);
    if (now === before) return;
    if (now === undefined) {
      const message =
        `The logical type ${before} was dropped, so readers get plain ${next.type} values; ` +
        'keep it unless that is intended.';
      this.warn('LOGICAL_TYPE_DROPPED', tokens, path, message);
    } else if (before === undefined) {
      const message =
        `The logical type ${now} was added, so readers now read old plain ${next.type} values ` +
        `as ${now}; check that the old values fit that meaning.`;
      this.warn('LOGICAL_TYPE_ADDED', tokens, path, message);
    } else {
      const message =
        `The logical type changed from ${before} to ${now}, so readers read the same bytes ` +
        'differently; add a new field for the new meaning instead.';
      this.warn('LOGICAL_TYPE_CHANGED', tokens, path, message);
    }
  }

  private seen(next: AvroNode, previous: AvroNode): boolean {
    let previousNodes = this.visited.get(next);
    if (previousNodes === undefined) {
      previousNodes = new Set();
      this.visited.set(next, previousNodes);
    }
    if (previousNodes.has(previous)) return true;
    previousNodes.add(previous);
    return false;
  }

  private warn(code: CompatibilityWarningCode, tokens: string[], path: string, message: string) {
    const location = toPointer(tokens);
    this.warnings.push({ code, path, location, previous: this.previousIndex, message });
  }
}

/** Returns the logical type Avro applies to a node, with its parameters, or undefined. */
function effectiveLogicalType(node: AvroNode): string | undefined {
  return node.logicalType?.valid ? describeLogicalType(node.logicalType) : undefined;
}

function findPreviousField(field: AvroField, previousFields: AvroField[]): AvroField | undefined {
  const names = [field.name, ...field.aliases];
  return previousFields.find((candidate) => names.includes(candidate.name));
}

function sameBranch(next: AvroNode, previous: AvroNode): boolean {
  return next.type === previous.type && branchLabel(next) === branchLabel(previous);
}
