import { branchLabel, rootPath, toPointer } from './paths.js';
import type {
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroNamedNode,
  AvroNode,
  AvroRecordNode,
  AvroUnionNode,
  IncompatibilityCode,
  ParsedAvroSchema,
} from './types.js';

/**
 * The reader/writer check: can a reader schema decode every value written with a writer
 * schema? It applies the rules of the "Schema Resolution" section of the Avro specification
 * the way Apache Avro's Java `SchemaCompatibility.checkReaderWriterCompatibility` does, which
 * is what Confluent Schema Registry applies at every level. It walks both schemas together and
 * reports every incompatibility, with Java's JSON pointer locations.
 */

/** One incompatibility between a reader and a writer schema. */
export interface ReaderWriterIssue {
  code: IncompatibilityCode;
  /** Readable path from the reader's root, with the reader's field names. */
  path: string;
  /** JSON pointer as Avro's Java checker reports it (see `checkReaderWriter`). */
  location: string;
  reader: AvroNode;
  writer: AvroNode;
  /** The reader field involved, for field-level codes. */
  field?: string;
  /** Writer symbols the reader enum lacks, sorted. */
  symbols?: string[];
  /** Writer fields that one reader field matches, for `AMBIGUOUS_READER_FIELD`. */
  writerFields?: string[];
}

/** Verdict of one reader/writer check. */
export interface ReaderWriterResult {
  compatible: boolean;
  issues: ReaderWriterIssue[];
}

/**
 * Checks that `reader` can read all data written with `writer`. Locations follow Java: the
 * pointer is built along the walk, so field positions are the reader's and union branch indexes
 * are the writer's, and a type used in several places is reported at each place.
 */
export function checkReaderWriter(
  reader: ParsedAvroSchema,
  writer: ParsedAvroSchema,
): ReaderWriterResult {
  const result = new PairChecker().check(reader.root, writer.root);
  const root = rootPath(reader.root);
  const issues = result.issues.map(({ tokens, segments, ...issue }) => ({
    ...issue,
    path: root + segments.join(''),
    location: toPointer(tokens),
  }));
  return { compatible: result.compatible, issues };
}

/** An issue found under a reader/writer pair, located relative to that pair. */
interface RelativeIssue extends Omit<ReaderWriterIssue, 'path' | 'location'> {
  tokens: string[];
  segments: string[];
}

interface PairResult {
  compatible: boolean;
  issues: RelativeIssue[];
}

const COMPATIBLE: PairResult = { compatible: true, issues: [] };
const IN_PROGRESS = 'in progress';

// Schema Resolution, primitive promotions: the writer's type may be promoted to the reader's.
// int to long, float or double; long to float or double; float to double; string and bytes
// both ways.
const PROMOTIONS: Record<string, readonly string[]> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

class PairChecker {
  // Results by reader node, then writer node, both by identity as in Java. A pair met again
  // while it is still being checked counts as compatible, which ends the walk of a recursive
  // type. Its breaks are still reported, at the place where the walk first entered it.
  private readonly memo = new Map<AvroNode, Map<AvroNode, PairResult | typeof IN_PROGRESS>>();

  check(reader: AvroNode, writer: AvroNode): PairResult {
    let byWriter = this.memo.get(reader);
    if (byWriter === undefined) {
      byWriter = new Map();
      this.memo.set(reader, byWriter);
    }
    const known = byWriter.get(writer);
    if (known === IN_PROGRESS) return COMPATIBLE;
    if (known !== undefined) return known;
    byWriter.set(writer, IN_PROGRESS);
    const result = this.calculate(reader, writer);
    byWriter.set(writer, result);
    return result;
  }

  private calculate(reader: AvroNode, writer: AvroNode): PairResult {
    if (reader.type === writer.type) return this.checkSameType(reader, writer);
    if (writer.type === 'union') return this.checkWriterUnion(reader, writer);
    if (reader.type === 'union') return this.checkReaderUnion(reader, writer);
    if (PROMOTIONS[reader.type]?.includes(writer.type)) return COMPATIBLE;
    // Schema Resolution: when neither schema is a union and they do not match, it is an error.
    return incompatible({ code: 'TYPE_MISMATCH', tokens: [], segments: [], reader, writer });
  }

  private checkSameType(reader: AvroNode, writer: AvroNode): PairResult {
    switch (reader.type) {
      case 'array':
        // Schema Resolution, arrays: the item types must match, recursively.
        return nest(this.check(reader.items, (writer as typeof reader).items), ['items'], ['[]']);
      case 'map':
        // Schema Resolution, maps: the value types must match, recursively.
        return nest(
          this.check(reader.values, (writer as typeof reader).values),
          ['values'],
          ['{}'],
        );
      case 'fixed':
        return merge([
          checkName(reader, writer as AvroFixedNode),
          checkSize(reader, writer as AvroFixedNode),
        ]);
      case 'enum':
        return merge([
          checkName(reader, writer as AvroEnumNode),
          checkSymbols(reader, writer as AvroEnumNode),
        ]);
      case 'record':
        return merge([
          checkName(reader, writer as AvroRecordNode),
          this.checkFields(reader, writer as AvroRecordNode),
        ]);
      case 'union':
        return this.checkBothUnions(reader, writer as AvroUnionNode);
      default:
        return COMPATIBLE;
    }
  }

  /**
   * Schema Resolution, records: fields are matched by name (the reader's field aliases also
   * match writer names), matching fields are resolved recursively, writer fields the reader
   * lacks are ignored, and a reader field the writer lacks must have a default.
   */
  private checkFields(reader: AvroRecordNode, writer: AvroRecordNode): PairResult {
    const results = reader.fields.map((readerField, position) => {
      const tokens = ['fields', String(position)];
      const segments = [`.${readerField.name}`];
      const matches = findWriterFields(writer, readerField);
      if (matches.length > 1) {
        const writerFields = matches.map((field) => field.name);
        const issue = { code: 'AMBIGUOUS_READER_FIELD' as const, reader, writer, writerFields };
        return incompatible({ ...issue, field: readerField.name, tokens, segments });
      }
      const [match] = matches;
      if (match !== undefined) {
        return nest(this.check(readerField.type, match.type), [...tokens, 'type'], segments);
      }
      if (readerField.default !== undefined) return COMPATIBLE;
      // An enum default does not replace a missing field default. Java's checker reports a
      // TYPE_MISMATCH here (it compares the enum with the writer record), so the verdict is the
      // same, but this code names the real cause.
      const code = 'READER_FIELD_MISSING_DEFAULT_VALUE' as const;
      return incompatible({ code, reader, writer, field: readerField.name, tokens, segments });
    });
    return merge(results);
  }

  /** Schema Resolution, writer union: each writer branch must resolve in the reader. */
  private checkWriterUnion(reader: AvroNode, writer: AvroUnionNode): PairResult {
    const results = writer.branches.map((branch, index) => {
      return nest(this.check(reader, branch), [String(index)], [`<${branchLabel(branch)}>`]);
    });
    return merge(results);
  }

  /** Schema Resolution, reader union: the first reader branch that matches the writer is used. */
  private checkReaderUnion(reader: AvroUnionNode, writer: AvroNode): PairResult {
    if (reader.branches.some((branch) => this.check(branch, writer).compatible)) return COMPATIBLE;
    return incompatible({ code: 'MISSING_UNION_BRANCH', tokens: [], segments: [], reader, writer });
  }

  /** Both unions: every writer branch needs a reader branch; one issue per missing branch. */
  private checkBothUnions(reader: AvroUnionNode, writer: AvroUnionNode): PairResult {
    const results = writer.branches.map((branch, index) => {
      if (this.check(reader, branch).compatible) return COMPATIBLE;
      const tokens = [String(index)];
      const segments = [`<${branchLabel(branch)}>`];
      return incompatible({
        code: 'MISSING_UNION_BRANCH',
        tokens,
        segments,
        reader,
        writer: branch,
      });
    });
    return merge(results);
  }
}

/**
 * Schema Resolution, named types: both must have the same unqualified name, or the reader lists
 * the writer's full name among its aliases. Names are compared without namespace, as current
 * Avro Java does (older releases compared full names).
 */
function checkName(reader: AvroNamedNode, writer: AvroNamedNode): PairResult {
  if (reader.name === writer.name || reader.aliases.includes(writer.fullName)) return COMPATIBLE;
  return incompatible({ code: 'NAME_MISMATCH', tokens: ['name'], segments: [], reader, writer });
}

/** Schema Resolution, fixed: both must have the same size. */
function checkSize(reader: AvroFixedNode, writer: AvroFixedNode): PairResult {
  if (reader.size === writer.size) return COMPATIBLE;
  return incompatible({
    code: 'FIXED_SIZE_MISMATCH',
    tokens: ['size'],
    segments: [],
    reader,
    writer,
  });
}

/**
 * Schema Resolution, enums: a writer symbol the reader lacks resolves to the reader's enum
 * default; without a default it is an error.
 */
function checkSymbols(reader: AvroEnumNode, writer: AvroEnumNode): PairResult {
  const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol)).sort();
  if (missing.length === 0 || reader.default !== undefined) return COMPATIBLE;
  const issue = { code: 'MISSING_ENUM_SYMBOLS' as const, tokens: ['symbols'], segments: [] };
  return incompatible({ ...issue, reader, writer, symbols: missing });
}

/** Returns the writer fields a reader field matches by name or alias, with repeats as in Java. */
function findWriterFields(writer: AvroRecordNode, readerField: AvroField): AvroField[] {
  const names = [readerField.name, ...readerField.aliases];
  return names.flatMap((name) => writer.fields.filter((field) => field.name === name));
}

function incompatible(issue: RelativeIssue): PairResult {
  return { compatible: false, issues: [issue] };
}

function nest(result: PairResult, tokens: string[], segments: string[]): PairResult {
  if (result.issues.length === 0) return result;
  const issues = result.issues.map((issue) => ({
    ...issue,
    tokens: [...tokens, ...issue.tokens],
    segments: [...segments, ...issue.segments],
  }));
  return { compatible: result.compatible, issues };
}

function merge(results: PairResult[]): PairResult {
  const issues = results.flatMap((result) => result.issues);
  return issues.length === 0 ? COMPATIBLE : { compatible: false, issues };
}
