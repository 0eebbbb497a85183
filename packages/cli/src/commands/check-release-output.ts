import { annotation } from './github-annotations.js';
import { releasePassed, type FileSchemaChange, type ReleaseCheck } from './check-release.js';

/**
 * Text lines of the changeset rule: one `unreleased:` line per changed schema with the bump
 * it calls for, then the verdict. Nothing when every schema equals its latest release.
 */
export function releaseTextLines(check: ReleaseCheck, schemaDir: string): string[] {
  if (check.verdict === 'unchanged') return [];
  const lines = check.changes.map((change) => `unreleased: ${change.path}: ${describe(change)}.`);
  return [...lines, verdictLine(check, schemaDir)];
}

/** GitHub Actions annotations of the changeset rule: errors on the changed files when it fails. */
export function releaseGithubLines(check: ReleaseCheck, schemaDir: string): string[] {
  if (releasePassed(check)) return [];
  const verdict = verdictLine(check, schemaDir).replace(/^\w+: /, '');
  const tooSmall = check.verdict === 'bump-too-small';
  const lines = check.changes.map((change) => {
    const title = tooSmall ? `${change.subject} needs a larger bump` : `${change.subject} changed without a changeset`;
    return annotation('error', { file: change.path, title }, `${describe(change)}.`);
  });
  return [...lines, annotation('error', { title: tooSmall ? 'Changeset bump too small' : 'Missing changeset' }, verdict)];
}

/** The changeset rule as a JSON value for the `release` property of the report. */
export function releaseJson(check: ReleaseCheck) {
  return {
    passed: releasePassed(check),
    verdict: check.verdict,
    history: check.historyLabel,
    releasePackage: check.releasePackage,
    suggestedBump: check.suggested ?? null,
    requiredBump: check.required ?? null,
    changes: check.changes.map((change) => ({
      subject: change.subject,
      eventType: change.event.type,
      file: change.path,
      kind: change.kind,
      bump: change.bump,
      ...(change.versionOf === undefined ? {} : { versionOf: change.versionOf }),
      ...(change.addedFields === undefined ? {} : { addedFields: change.addedFields }),
    })),
    changesets:
      check.changesets === undefined
        ? null
        : {
            dir: check.changesets.label,
            pending: check.changesets.pending,
            covering: check.changesets.covering,
            bump: check.bump ?? null,
            addCommand: check.changesets.addCommand,
          },
  };
}

/** Clause of the summary line when the rule fails: `1 changed schema needs a changeset`. */
export function releaseSummary(check: ReleaseCheck | undefined): string | undefined {
  if (check === undefined || releasePassed(check)) return undefined;
  const changed = check.changes.length;
  const needs = changed === 1 ? 'needs' : 'need';
  const what = check.verdict === 'bump-too-small' ? `a ${check.required} changeset` : 'a changeset';
  return `${count(changed, 'changed schema')} ${needs} ${what}`;
}

function describe(change: FileSchemaChange): string {
  const { subject, event } = change;
  switch (change.kind) {
    case 'new-event':
      return `${subject} is a new event type, ${event.type}: a minor bump`;
    case 'new-event-version':
      return (
        `${subject} is a new version of ${change.versionOf}, with event type ${event.type} ` +
        '(a new record name, so a new subject): a minor bump'
      );
    case 'field-added': {
      const fields = change.addedFields ?? [];
      const what = fields.length === 1 ? 'a default' : 'defaults';
      return `${subject} adds ${fields.join(', ')} with ${what}: a patch or minor bump`;
    }
    case 'doc-only':
      return `${subject} changes only its documentation: a patch bump`;
    case 'changed':
      return (
        `${subject} changes in more than documentation and fields added with defaults: ` +
        'a minor bump'
      );
  }
}

function verdictLine(check: ReleaseCheck, schemaDir: string): string {
  const { changesets, releasePackage } = check;
  const changed = check.changes.length;
  const differ =
    `${count(changed, 'schema')} ${changed === 1 ? 'differs' : 'differ'} from the latest ` +
    `release in ${check.historyLabel}`;
  const record = `\`changeset version\` records the new schemas in ${check.historyLabel}`;
  if (check.verdict === 'not-required' || changesets === undefined) {
    return (
      `note: ${differ}, but no .changeset folder was found from ${schemaDir} up to the ` +
      'repository root, so no changeset is required; pass --changesets <dir> to require one.'
    );
  }
  const files = changesets.covering.map((changeset) => `${changesets.label}/${changeset.file}`);
  if (check.verdict === 'covered') {
    return (
      `ok: ${differ}, and the pending ${plural(files.length, 'changeset')} ${files.join(', ')} ` +
      `${files.length === 1 ? 'bumps' : 'bump'} ${releasePackage} by ${check.bump}; ${record} ` +
      'at the release.'
    );
  }
  const command = `\`${changesets.addCommand}\``;
  if (check.verdict === 'no-changeset') {
    const fixedWith = changesets.fixedWith.join(', ');
    const group = fixedWith === '' ? '' : ` or a package versioned with it (${fixedWith})`;
    return (
      `fail: ${differ}, and no pending changeset in ${changesets.label} bumps ` +
      `${releasePackage}${group}. Run ${command}, choose a ${check.suggested} bump for ` +
      `${releasePackage}, and describe the schema change; ${record} at the release.`
    );
  }
  const minor = check.changes.filter((change) => change.bump === 'minor').map((c) => c.subject);
  return (
    `fail: ${differ}, and the pending ${plural(files.length, 'changeset')} ${files.join(', ')} ` +
    `${files.length === 1 ? 'bumps' : 'bump'} ${releasePackage} by ${check.bump} only, but ` +
    `${minor.join(', ')} ${minor.length === 1 ? 'calls' : 'call'} for a minor bump. Raise the ` +
    `bump to minor in that changeset, or run ${command} and choose a minor bump for ` +
    `${releasePackage}.`
  );
}

function plural(value: number, noun: string): string {
  return `${noun}${value === 1 ? '' : 's'}`;
}

function count(value: number, noun: string): string {
  return `${value} ${plural(value, noun)}`;
}
