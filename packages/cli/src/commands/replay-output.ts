import type { ReplayPartition, ReplayReport } from '@caddy/events';

/** Formats the plan of a dry run: per partition, the offsets the group has not replayed yet. */
export function formatPlanText(groupId: string, plan: ReplayPartition[]): string {
  const lines = plan.map((part) => {
    const count = BigInt(part.end) - BigInt(part.from);
    if (count === 0n) return `${part.topic} partition ${part.partition}: nothing to replay`;
    return `${part.topic} partition ${part.partition}: ${records(count)} to replay, offsets ${part.from} to ${BigInt(part.end) - 1n}`;
  });
  const total = plan.reduce((sum, part) => sum + BigInt(part.end) - BigInt(part.from), 0n);
  lines.push(`Dry run for consumer group ${groupId}: ${records(total)} to replay; nothing was sent or committed.`);
  return `${lines.join('\n')}\n`;
}

/**
 * Formats a replay as text: a line per partition read, a line per destination topic, a line
 * per skipped record, and a summary.
 */
export function formatReplayText(report: ReplayReport): string {
  const lines: string[] = [];
  for (const part of report.partitions) {
    lines.push(`${part.topic} partition ${part.partition}: ${part.replayed} replayed, ${part.skipped} skipped`);
  }
  for (const [topic, count] of Object.entries(report.destinations)) lines.push(`sent to ${topic}: ${records(count)}`);
  for (const skipped of report.skipped) {
    lines.push(
      `skipped: ${skipped.topic} partition ${skipped.partition} offset ${skipped.offset} has ${skipped.reason}, ` +
        'so there is nothing to republish',
    );
  }
  const left = report.remaining > 0 ? `, ${records(report.remaining)} left for a later run` : '';
  lines.push(`Replayed ${records(report.replayed)} as consumer group ${report.groupId}, skipped ${report.skipped.length}${left}.`);
  return `${lines.join('\n')}\n`;
}

/** Formats a replay as JSON, with the error reduced to its code and message. */
export function formatReplayJson(report: ReplayReport): string {
  const { error, ...rest } = report;
  const json = error ? { ...rest, error: { code: error.code, message: error.message } } : rest;
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * Returns the exit status of a replay: 1 when a send failed, a record was skipped, or records
 * were left behind other than by `--limit`; 0 otherwise.
 */
export function replayExitCode(report: ReplayReport, limit: number | undefined): number {
  if (report.error || report.skipped.length > 0) return 1;
  const read = report.replayed + report.skipped.length;
  const stoppedByLimit = limit !== undefined && read >= limit;
  return report.remaining > 0 && !stoppedByLimit ? 1 : 0;
}

function records(count: number | bigint): string {
  return `${count} record${count === 1 || count === 1n ? '' : 's'}`;
}
