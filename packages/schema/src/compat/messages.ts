import type { ReaderWriterIssue } from './checker.js';
import { describeType } from './paths.js';
import type { CompatibilityDirection } from './types.js';

/**
 * One-sentence messages for incompatibilities. The sentence names the two schemas by their role
 * in the check: for a BACKWARD break the new schema reads data of the previous one, for a
 * FORWARD break the previous schema reads data of the new one. The fix is always a change to
 * the new schema, because released schemas do not change.
 */
export function describeIncompatibility(
  issue: ReaderWriterIssue,
  direction: CompatibilityDirection,
): string {
  const backward = direction === 'BACKWARD';
  const readerRole = backward ? 'The new schema' : 'The previous schema';
  const writerRole = backward ? 'the previous schema' : 'the new schema';
  const reader = describeType(issue.reader);
  const writer = describeType(issue.writer);
  switch (issue.code) {
    case 'TYPE_MISMATCH':
      return (
        `${readerRole} reads ${reader} here but ${writerRole} writes ${writer}, which Avro ` +
        `cannot promote to ${reader}; keep the old type, or add a field for the new one.`
      );
    case 'MISSING_UNION_BRANCH':
      return (
        `${readerRole} reads ${reader} here, which has no branch for the ${writer} values ` +
        `${writerRole} writes; ` +
        (backward ? 'add a branch that reads them.' : 'keep the new schema from writing them.')
      );
    case 'NAME_MISMATCH':
      return nameMessage(issue, readerRole, writerRole, backward);
    case 'FIXED_SIZE_MISMATCH':
      return (
        `${readerRole} reads ${reader} as ${sizeOf(issue.reader)} bytes but ${writerRole} ` +
        `writes ${sizeOf(issue.writer)} bytes; keep the size, or add a field with a new fixed type.`
      );
    case 'MISSING_ENUM_SYMBOLS':
      return (
        `${readerRole} reads ${reader} without the symbols ${(issue.symbols ?? []).join(', ')} ` +
        `that ${writerRole} can write, and that enum has no default; ` +
        (backward
          ? 'add the symbols back or give the enum a default.'
          : 'remove the new symbols until readers have an enum with a default.')
      );
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return missingDefaultMessage(issue, readerRole, writerRole, backward);
    case 'AMBIGUOUS_READER_FIELD':
      return (
        `${readerRole} field '${issue.field}' matches several fields of ${writerRole} ` +
        `(${(issue.writerFields ?? []).join(', ')}) by name and aliases; ` +
        'keep only one match, by removing an alias.'
      );
  }
}

function nameMessage(
  issue: ReaderWriterIssue,
  readerRole: string,
  writerRole: string,
  backward: boolean,
): string {
  const readerName = 'fullName' in issue.reader ? issue.reader.fullName : issue.reader.type;
  const writerName = 'fullName' in issue.writer ? issue.writer.fullName : issue.writer.type;
  const fix = backward
    ? `add "${writerName}" to its aliases or keep the old name`
    : 'keep the old name, and ship a renamed type as a new event version';
  return (
    `${readerRole} names this ${issue.reader.type} '${readerName}' but ${writerRole} ` +
    `names it '${writerName}'; ${fix}.`
  );
}

function missingDefaultMessage(
  issue: ReaderWriterIssue,
  readerRole: string,
  writerRole: string,
  backward: boolean,
): string {
  const field = issue.field ?? '';
  const fieldType =
    issue.reader.type === 'record'
      ? issue.reader.fields.find((candidate) => candidate.name === field)?.type
      : undefined;
  const enumNote =
    fieldType?.type === 'enum' && fieldType.default !== undefined
      ? ' (the default of the enum type does not count)'
      : '';
  const fix = backward
    ? `give '${field}' a default`
    : `keep '${field}' in the new schema, because readers on the previous schema need it`;
  return (
    `${readerRole} has field '${field}' without a default${enumNote}, and ${writerRole} has ` +
    `no field of that name or alias; ${fix}.`
  );
}

function sizeOf(node: ReaderWriterIssue['reader']): number {
  return node.type === 'fixed' ? node.size : 0;
}
