import type { SubjectRegistration } from './register-plan.js';

/** Result of one `register` run. */
export interface RegisterReport {
  url: string;
  dryRun: boolean;
  subjects: SubjectRegistration[];
}

/** Formats a report as JSON: `dryRun`, `url` and one entry per subject. */
export function formatRegisterJson(report: RegisterReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Formats a report as text: one line per subject that starts with what happens to it (`new
 * subject`, `new version`, `unchanged`, or `failed`), a line per level change, and a summary.
 */
export function formatRegisterText(report: RegisterReport): string {
  const lines: string[] = [];
  for (const plan of report.subjects) {
    lines.push(subjectLine(plan, report.dryRun));
    const level = compatibilityLine(plan, report.dryRun);
    if (level !== undefined) lines.push(level);
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function subjectLine(plan: SubjectRegistration, dryRun: boolean): string {
  const name = `${plan.subject} (${plan.eventType}, ${plan.file})`;
  if (plan.error !== undefined) return `failed: ${name}, ${plan.status}: ${plan.error}`;
  if (plan.status === 'unchanged') {
    return `unchanged: ${name} is registered as id ${plan.id}, version ${plan.version}`;
  }
  const after = plan.status === 'new version' ? ` after version ${plan.version}` : '';
  const id = dryRun ? '' : `, id ${plan.id}`;
  return `${plan.status}: ${name}${after}${id}`;
}

function compatibilityLine(plan: SubjectRegistration, dryRun: boolean): string | undefined {
  const compatibility = plan.compatibility;
  if (compatibility === undefined || plan.error !== undefined) return undefined;
  const now = compatibility.current ?? 'no level of its own';
  if (!compatibility.change) {
    return `compatibility: ${plan.subject} stays at ${compatibility.level}`;
  }
  const verb = dryRun ? 'would be set to' : 'set to';
  return `compatibility: ${plan.subject} ${verb} ${compatibility.level} (was ${now})`;
}

function summaryLine(report: RegisterReport): string {
  const succeeded = report.subjects.filter((plan) => plan.error === undefined);
  const tally = (status: string) => succeeded.filter((plan) => plan.status === status).length;
  const parts = [
    count(tally('new subject'), 'new subject'),
    count(tally('new version'), 'new version'),
    `${tally('unchanged')} unchanged`,
  ];
  if (report.subjects.some((plan) => plan.compatibility !== undefined)) {
    const changes = succeeded.filter((plan) => plan.compatibility?.change).length;
    parts.push(count(changes, 'level change'));
  }
  if (report.dryRun) {
    return `Dry run against ${report.url}: ${parts.join(', ')}; nothing was changed.`;
  }
  parts.push(`${report.subjects.length - succeeded.length} failed`);
  return `Registered against ${report.url}: ${parts.join(', ')}.`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
