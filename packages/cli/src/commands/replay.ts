import { parseArgs } from 'node:util';

import { configFromEnv, createKafkaTransport, EventsError, planReplay, replayDeadLetterTopics } from '@caddy/events';
import type { KafkaTransport } from '@caddy/events';

import { InvalidInputError } from '../errors.js';
import type { CommandIo } from '../main.js';
import { formatPlanText, formatReplayJson, formatReplayText, replayExitCode } from './replay-output.js';

const HELP = `Usage: caddy-events replay --topic <dead-letter topic> [--topic <...>] [--group <id>]
                           [--to <topic>] [--limit <n>] [--dry-run] [--format <text|json>]

Republishes dead-lettered events once the cause of their failure is fixed. Reads each
dead-letter topic as a consumer group and sends every record's original key, value and
headers (without the dlq_* headers) back to the topic named in its dlq_original_topic
header. Records without a value (tombstones) are skipped. The group commits a record's offset only after the broker acknowledged its
republish, so an interrupted replay resumes where it stopped and a later run replays only
what was dead-lettered since. The replay ends at the end offsets it reads when it starts:
records dead-lettered again while it runs wait for the next run.

Options:
  --topic <name>         dead-letter topic to read, by its full name on the broker, such as
                         orders.dlq or staging.orders.dlq (EVENTS_TOPIC_PREFIX is not added);
                         repeat the option to read several
  --group <id>           consumer group of the replay (default: caddy-events-replay)
  --to <topic>           send every record to this topic instead of its original topic
  --limit <n>            read at most n records; the rest stay for a later run
  --dry-run              send and commit nothing; list per partition the offsets that the
                         group has not replayed yet
  --format <text|json>   output format (default: text)
  -h, --help             show this help

The broker settings come from the SDK's variables: REDPANDA_BROKERS, REDPANDA_CLIENT_ID,
REDPANDA_SASL_MECHANISM, REDPANDA_SASL_USERNAME, REDPANDA_SASL_PASSWORD, REDPANDA_TLS and
REDPANDA_TLS_CA_FILE; EVENTS_COMPRESSION sets the compression of the republished records.
Progress goes to standard error, the report to standard output.

Exit status: 0 done (records left for a later run by --limit included), 1 a send failed,
a record without a dlq_original_topic header stopped the replay (name its topic with --to),
or records were skipped or left behind (the report names them), 2 invalid input or an
unreachable broker.
`;

const DEFAULT_GROUP = 'caddy-events-replay';
// Ends a replay whose remaining offsets never arrive, such as records that retention deleted
// after the replay read the end offsets.
const IDLE_TIMEOUT_MS = 10_000;

interface ReplayCommandOptions {
  topics: string[];
  groupId: string;
  to?: string;
  limit?: number;
  dryRun: boolean;
  format: 'text' | 'json';
}

/**
 * Runs `caddy-events replay`: republishes the records of dead-letter topics to their original
 * topics, or with `--dry-run` lists what a replay would read. Returns the exit status.
 */
export async function runReplay(argv: string[], io: CommandIo): Promise<number> {
  let options: ReplayCommandOptions | 'help';
  try {
    options = readOptions(argv);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    io.stderr(`${error.message}${error.message.endsWith('\n') ? '' : '\n'}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(HELP);
    return 0;
  }
  let transport: KafkaTransport | undefined;
  try {
    transport = createKafkaTransport(configFromEnv(io.env ?? process.env));
    return await replay(transport, options, io);
  } catch (error) {
    if (!(error instanceof EventsError)) throw error;
    io.stderr(`caddy-events replay: ${error.message}\n`);
    return 2;
  } finally {
    await transport?.close().catch(() => {});
  }
}

async function replay(transport: KafkaTransport, options: ReplayCommandOptions, io: CommandIo): Promise<number> {
  await transport.connect();
  if (options.dryRun) {
    const plan = await planReplay(transport, options.groupId, options.topics);
    const report = { groupId: options.groupId, dryRun: true, partitions: plan };
    io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPlanText(options.groupId, plan));
    return 0;
  }
  io.stderr(`Replaying ${options.topics.join(', ')} as consumer group ${options.groupId}...\n`);
  let lastProgress = Date.now();
  const report = await replayDeadLetterTopics({
    transport,
    send: (records) => transport.send(records),
    topics: options.topics,
    groupId: options.groupId,
    idleMs: IDLE_TIMEOUT_MS,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    onProgress: ({ replayed, skipped, total }) => {
      if (Date.now() - lastProgress < 1_000) return;
      lastProgress = Date.now();
      io.stderr(`${replayed} of ${total} records replayed, ${skipped} skipped\n`);
    },
  });
  io.stdout(options.format === 'json' ? formatReplayJson(report) : formatReplayText(report));
  if (report.error) io.stderr(`caddy-events replay: ${report.error.message}\n`);
  return replayExitCode(report, options.limit);
}

function readOptions(argv: string[]): ReplayCommandOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        topic: { type: 'string', multiple: true, default: [] },
        group: { type: 'string', default: DEFAULT_GROUP },
        to: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw usageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.topic.length === 0) throw usageError('Name a dead-letter topic with --topic, such as --topic orders.dlq.');
  for (const topic of values.topic) {
    if (!topic.endsWith('.dlq')) {
      throw usageError(`--topic ${topic} is not a dead-letter topic: their names end in .dlq, such as orders.dlq.`);
    }
  }
  if (values.group.trim() === '') throw usageError('--group is empty; give a consumer group id or leave the option out.');
  if (values.to !== undefined && values.to.trim() === '') throw usageError('--to is empty; give a topic name.');
  if (values.to !== undefined && values.topic.includes(values.to)) {
    // The copies would lose their dead-letter headers and be read again by this replay.
    throw usageError(`--to ${values.to} is a topic this replay reads; name the topic to send the records to.`);
  }
  if (values.format !== 'text' && values.format !== 'json') {
    throw usageError(`Unknown format '${values.format}'; use text or json.`);
  }
  return {
    topics: [...new Set(values.topic)],
    groupId: values.group,
    ...(values.to === undefined ? {} : { to: values.to }),
    ...(values.limit === undefined ? {} : { limit: positiveInteger(values.limit) }),
    dryRun: values['dry-run'],
    format: values.format,
  };
}

function positiveInteger(text: string): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit) || limit < 1) {
    throw usageError('--limit must be a whole number of records, 1 or more, such as --limit 100.');
  }
  return limit;
}

function usageError(message: string): InvalidInputError {
  return new InvalidInputError(`caddy-events replay: ${message}\n\n${HELP}`);
}
