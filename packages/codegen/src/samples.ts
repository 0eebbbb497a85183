import type avro from 'avsc';

/** A sample payload as TypeScript source, with the value a reader gets back after a round trip. */
export interface Sample {
  input: string;
  expected: string;
}

const SAMPLE_TIME = "new Date('2026-01-02T03:04:05.678Z')";
// Beyond this depth a recursive record takes its null branch, so samples stay finite.
const MAX_DEPTH = 4;

/**
 * Builds a sample for a type. `full` sets every field, with the first non-null branch of each
 * union; `minimal` leaves out every field that has a default and picks null where a union
 * allows it, so the reader's value shows the defaults.
 */
export function sampleOf(type: avro.Type, mode: 'full' | 'minimal', depth = 0, counter = { next: 1 }): Sample {
  const same = (text: string): Sample => ({ input: text, expected: text });
  switch (type.typeName) {
    case 'null':
      return same('null');
    case 'boolean':
      return same('true');
    case 'int':
      return same('7');
    case 'long':
    case 'abstract:long':
      return same('1234567890123');
    case 'float':
      return same('1.5');
    case 'double':
      return same('2.25');
    case 'string':
      return same(`'sample-${counter.next++}'`);
    case 'bytes':
      return same("Buffer.from('cafe', 'hex')");
    case 'fixed':
      return same(`Buffer.alloc(${(type as unknown as { size: number }).size}, 1)`);
    case 'logical:timestamp-millis':
      return same(SAMPLE_TIME);
    case 'logical:uuid':
      return same(`'00000000-0000-4000-8000-${String(counter.next++).padStart(12, '0')}'`);
    case 'logical:decimal': {
      const { scale } = type as unknown as { scale: number };
      return same(scale > 0 ? `'12.${'5'.repeat(scale)}'` : "'12'");
    }
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      return same(`'${symbols[symbols.length - 1]}'`);
    }
    case 'array': {
      const item = sampleOf((type as avro.types.ArrayType).itemsType, mode, depth + 1, counter);
      return { input: `[${item.input}]`, expected: `[${item.expected}]` };
    }
    case 'map': {
      const value = sampleOf((type as avro.types.MapType).valuesType, mode, depth + 1, counter);
      return { input: `{ sample: ${value.input} }`, expected: `{ sample: ${value.expected} }` };
    }
    case 'union:unwrapped':
    case 'union:wrapped':
      return unionSample(type as avro.types.WrappedUnionType | avro.types.UnwrappedUnionType, mode, depth, counter);
    case 'record':
    case 'error':
      return recordSample(type as avro.types.RecordType, mode, depth, counter);
    default:
      if (type.typeName.startsWith('logical:')) {
        return sampleOf((type as avro.types.LogicalType).underlyingType, mode, depth, counter);
      }
      throw new Error(`no sample for Avro type ${type.typeName}`);
  }
}

function unionSample(union: avro.types.WrappedUnionType | avro.types.UnwrappedUnionType, mode: 'full' | 'minimal', depth: number, counter: { next: number }): Sample {
  const hasNull = union.types.some((branch: avro.Type) => branch.typeName === 'null');
  if (hasNull && (mode === 'minimal' || depth >= MAX_DEPTH)) return { input: 'null', expected: 'null' };
  const branch = union.types.find((candidate: avro.Type) => candidate.typeName !== 'null');
  if (!branch) return { input: 'null', expected: 'null' };
  const value = sampleOf(branch, mode, depth + 1, counter);
  if (union.typeName === 'union:unwrapped') return value;
  const key = JSON.stringify(branch.branchName);
  return { input: `{ ${key}: ${value.input} }`, expected: `{ ${key}: ${value.expected} }` };
}

function recordSample(record: avro.types.RecordType, mode: 'full' | 'minimal', depth: number, counter: { next: number }): Sample {
  const input: string[] = [];
  const expected: string[] = [];
  for (const field of record.fields) {
    const fallback = field.defaultValue();
    if (mode === 'minimal' && fallback !== undefined) {
      expected.push(`${field.name}: ${literal(fallback)}`);
      continue;
    }
    const value = sampleOf(field.type, mode, depth + 1, counter);
    input.push(`${field.name}: ${value.input}`);
    expected.push(`${field.name}: ${value.expected}`);
  }
  return { input: `{ ${input.join(', ')} }`, expected: `{ ${expected.join(', ')} }` };
}

/** Writes a value that avsc produced (a default, say) as a TypeScript literal. */
export function literal(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (Buffer.isBuffer(value)) return `Buffer.from('${value.toString('hex')}', 'hex')`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${JSON.stringify(key)}: ${literal(item)}`);
    return `{ ${entries.join(', ')} }`;
  }
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}
