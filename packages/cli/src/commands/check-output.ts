import {
  versionsCheckedBy,
  type CompatibilityIssue,
  type CompatibilityLevel,
  type CompatibilityResult,
  type CompatibilityWarning,
} from '@caddy/events-schema';

import { annotation } from './github-annotations.js';

/** Result of one `check` run, with the files it read. */
export interface CheckReport {
  level: CompatibilityLevel;
  newFile: string;
  /** Previous version files, oldest first; an issue's `previous` indexes this list. */
  previousFiles: string[];
  result: CompatibilityResult;
}

/** Formats a report as one JSON object: `compatible`, `level`, `issues` and `warnings`. */
export function formatJson(report: CheckReport): string {
  const { compatible, issues, warnings } = report.result;
  return `${JSON.stringify({ compatible, level: report.level, issues, warnings }, null, 2)}\n`;
}

/**
 * Formats a report as text: one line per break and per warning, then a summary line. Each
 * line names the path, the rule, the direction, the previous file and the JSON pointer.
 */
export function formatText(report: CheckReport): string {
  const lines = [
    ...report.result.issues.map((issue) => formatIssue(issue, report.previousFiles)),
    ...report.result.warnings.map((warning) => formatWarning(warning, report.previousFiles)),
    summarize(report),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Formats a report as GitHub Actions annotations on the new schema file: an error per break and
 * a warning per warning, then the summary line as plain text.
 */
export function formatGithub(report: CheckReport): string {
  const file = report.newFile;
  const lines = [
    ...report.result.issues.map((issue) => {
      const against = report.previousFiles[issue.previous] ?? `previous ${issue.previous}`;
      const where = ` (${issue.direction} against ${against}, at ${issue.location})`;
      const title = `${issue.code} at ${issue.path}`;
      return annotation('error', { file, title }, issue.message + where);
    }),
    ...report.result.warnings.map((warning) => {
      const title = `${warning.code} at ${warning.path}`;
      return annotation('warning', { file, title }, `${warning.message} (at ${warning.location})`);
    }),
    summarize(report),
  ];
  return `${lines.join('\n')}\n`;
}

function formatIssue(issue: CompatibilityIssue, previousFiles: string[]): string {
  const against = previousFiles[issue.previous] ?? `previous ${issue.previous}`;
  const where = `${issue.direction} against ${against}, at ${issue.location}`;
  return `break: ${issue.path}: ${issue.code} (${where}): ${issue.message}`;
}

function formatWarning(warning: CompatibilityWarning, previousFiles: string[]): string {
  const against =
    warning.previous === undefined
      ? ''
      : `against ${previousFiles[warning.previous] ?? `previous ${warning.previous}`}, `;
  const where = `${against}at ${warning.location}`;
  return `warning: ${warning.path}: ${warning.code} (${where}): ${warning.message}`;
}

function summarize(report: CheckReport): string {
  const { compatible, issues, warnings } = report.result;
  const total = report.previousFiles.length;
  const checked = versionsCheckedBy(report.level, total).length;
  const scope = `checked against ${checked} of ${count(total, 'previous version')}`;
  const found = [count(issues.length, 'break'), count(warnings.length, 'warning')].join(', ');
  const verdict = compatible ? 'is compatible' : 'is not compatible';
  return `${report.newFile} ${verdict} at ${report.level} (${scope}; ${found}).`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
