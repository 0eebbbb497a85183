import type {
  CompatibilityIssue,
  CompatibilityWarning,
  SubjectCheck,
} from '@caddy/events-schema';
import { versionsCheckedBy } from '@caddy/events-schema';

import { annotation } from './github-annotations.js';
import { releasePassed, type ReleaseCheck } from './check-release.js';
import {
  releaseGithubLines,
  releaseJson,
  releaseSummary,
  releaseTextLines,
} from './check-release-output.js';

/** A subject's verdict with the path of its schema file as the user wrote it. */
export interface FileSubjectCheck extends SubjectCheck {
  /** The event's `.avsc` file, relative to the working directory. */
  path: string;
}

/** Result of a repository-mode check. */
export interface RepositoryReport {
  /** The `--against` value: `history`, `git:<ref>` or `registry`. */
  against: string;
  /** Phrase naming where previous versions came from. */
  description: string;
  schemaDir: string;
  checks: FileSubjectCheck[];
  /** Subjects with previous versions that no schema declares any more. */
  removed: string[];
  /** The changeset rule; only a check against the history applies it. */
  release?: ReleaseCheck;
}

/** Returns whether a subject passes: compatible, and without warnings about our own schema. */
export function subjectPassed(check: SubjectCheck): boolean {
  return check.result.compatible && check.result.warnings.length === 0;
}

/** Returns whether a report passes: every subject, and the changeset rule when it applies. */
export function reportPassed(report: RepositoryReport): boolean {
  return report.checks.every(subjectPassed) && releasePassed(report.release);
}

/**
 * Formats a report as text. Each subject gets one line per break and warning, then its
 * verdict. Removed subjects get a line each, and a summary line ends the report.
 */
export function formatRepositoryText(report: RepositoryReport): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    for (const issue of check.result.issues) lines.push(`break: ${issueLine(check, issue)}`);
    for (const warning of check.result.warnings) {
      lines.push(`warning: ${warningLine(check, warning)}`);
    }
    lines.push(verdictLine(check));
  }
  for (const subject of report.removed) lines.push(`note: ${removedMessage(subject, report)}`);
  if (report.release) lines.push(...releaseTextLines(report.release, report.schemaDir));
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** Formats a report as one JSON object with a verdict per subject. */
export function formatRepositoryJson(report: RepositoryReport): string {
  const subjects = report.checks.map((check) => ({
    subject: check.subject,
    eventType: check.event.type,
    file: check.path,
    level: check.level,
    previous: check.previous.map((version) => version.label),
    passed: subjectPassed(check),
    compatible: check.result.compatible,
    issues: check.result.issues,
    warnings: check.result.warnings,
  }));
  const document = {
    passed: reportPassed(report),
    against: report.against,
    subjects,
    removedSubjects: report.removed,
    ...(report.release ? { release: releaseJson(report.release) } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Formats a report as GitHub Actions annotations: an error on the schema file per break, per
 * warning and per failed subject, a warning per removed subject, then the summary as text.
 */
export function formatRepositoryGithub(report: RepositoryReport): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    const file = check.path;
    for (const issue of check.result.issues) {
      const title = `${issue.code} at ${issue.path}`;
      const where = issueWhere(check, issue);
      lines.push(annotation('error', { file, title }, `${issue.message} (${where})`));
    }
    for (const warning of check.result.warnings) {
      const title = `${warning.code} at ${warning.path}`;
      const where = warningWhere(check, warning);
      lines.push(annotation('error', { file, title }, `${warning.message} (${where})`));
    }
    if (!subjectPassed(check)) {
      const title = `${check.subject} fails the ${check.level} check`;
      lines.push(annotation('error', { file, title }, verdictLine(check).replace(/^\w+: /, '')));
    }
  }
  for (const subject of report.removed) {
    const message = removedMessage(subject, report);
    lines.push(annotation('warning', { title: `${subject} removed` }, message));
  }
  if (report.release) lines.push(...releaseGithubLines(report.release, report.schemaDir));
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function issueLine(check: FileSubjectCheck, issue: CompatibilityIssue): string {
  const where = issueWhere(check, issue);
  return `${check.path}: ${issue.path}: ${issue.code} (${where}): ${issue.message}`;
}

function issueWhere(check: FileSubjectCheck, issue: CompatibilityIssue): string {
  const against = check.previous[issue.previous]?.label ?? `previous ${issue.previous}`;
  return `${issue.direction} against ${against}, at ${issue.location}`;
}

function warningLine(check: FileSubjectCheck, warning: CompatibilityWarning): string {
  const where = warningWhere(check, warning);
  return `${check.path}: ${warning.path}: ${warning.code} (${where}): ${warning.message}`;
}

function warningWhere(check: FileSubjectCheck, warning: CompatibilityWarning): string {
  const label =
    warning.previous === undefined ? undefined : check.previous[warning.previous]?.label;
  const at = `at ${warning.location}`;
  return label === undefined ? at : `against ${label}, ${at}`;
}

function verdictLine(check: FileSubjectCheck): string {
  const { issues, warnings, compatible } = check.result;
  const name = `${check.subject} (${check.path})`;
  const total = check.previous.length;
  if (total === 0 && warnings.length === 0) {
    return `new: ${name} has no previous version, so there is nothing to break.`;
  }
  const checked = versionsCheckedBy(check.level, total).length;
  const scope = `with ${checked} of ${count(total, 'previous version')}`;
  const found = `${count(issues.length, 'break')}, ${count(warnings.length, 'warning')}`;
  if (compatible && warnings.length === 0) {
    return `ok: ${name} is compatible at ${check.level} ${scope}.`;
  }
  if (compatible) {
    return (
      `fail: ${name} is compatible at ${check.level} ${scope}, but has ${found}; ` +
      'repository mode fails on warnings about its own schemas, so fix them.'
    );
  }
  return (
    `fail: ${name} is not compatible at ${check.level} ${scope} (${found}). ` +
    `Released schemas must stay readable: undo the change, or, if the break is intended, ` +
    `leave this schema as it is and ship the change as a new event version, a new .avsc ` +
    `file with a new record name and event type (such as ${check.event.recordName}V2 and ` +
    `${check.event.type}.v2), which gets its own subject.`
  );
}

function removedMessage(subject: string, report: RepositoryReport): string {
  return (
    `${subject} has previous versions in ${report.description}, but no schema in ` +
    `${report.schemaDir} declares it any more, so the SDK can no longer read its events.`
  );
}

function summaryLine(report: RepositoryReport): string {
  const failed = report.checks.filter((check) => !subjectPassed(check)).length;
  const fresh = report.checks.filter((check) => check.previous.length === 0).length;
  const subjects = count(report.checks.length, 'subject');
  const verdict = failed === 0 ? 'all passed' : `${failed} failed`;
  const release = releaseSummary(report.release);
  const tail = release === undefined ? '' : `; ${release}`;
  return `Checked ${subjects} against ${report.description}: ${verdict} (${fresh} new)${tail}.`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
