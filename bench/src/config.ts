import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { CODECS } from './kafka.js';
import type { CodecName, ProducerSettings } from './kafka.js';
import { REPO_ROOT } from './stack.js';

/** Parts of the suite, in the order they run. */
export const PARTS = ['serde', 'publish', 'codecs', 'consume', 'memory', 'java'] as const;
export type Part = (typeof PARTS)[number];

export type Mode = 'full' | 'quick' | 'smoke';

/** Everything a run measures and how often. */
export interface BenchConfig {
  mode: Mode;
  parts: Set<Part>;
  serde: { eventsPerRound: number; rounds: number };
  publish: {
    /** Events of each publish() and batch run. */
    count: number;
    /** Events of each one-send-per-event run, which is many times slower. */
    sendCount: number;
    rounds: number;
    inFlight: number;
  };
  /** `baseline`: also run kafkajs sendBatch with each codec, not only the SDK. */
  codecs: { count: number; codecs: CodecName[]; baseline: boolean };
  consume: { count: number; rounds: number };
  /** Event counts of the memory runs, smallest first. */
  memory: { counts: number[] };
  partitions: number;
  settings: ProducerSettings;
  /** Profile the SDK's path where a target is missed. */
  profile: boolean;
  /** Page to write the results into. Smoke runs write none unless one is given. */
  page?: string;
  /** Time a single job may take, in milliseconds. */
  jobTimeoutMs: number;
  /** Results of an earlier run to render into the page instead of measuring. */
  fromJson?: string;
}

// Smoke runs check in seconds that every part still works. Starting a worker process per
// measurement is their main cost, so they skip the kafkajs side of the codec sweep (the
// publish part runs the same code) and the profiles, whose figures would be noise.
const MODES: Record<Mode, Omit<BenchConfig, 'parts' | 'page' | 'settings'>> = {
  full: {
    mode: 'full',
    serde: { eventsPerRound: 100_000, rounds: 5 },
    publish: { count: 1_000_000, sendCount: 50_000, rounds: 3, inFlight: 10_000 },
    codecs: { count: 100_000, codecs: [...CODECS], baseline: true },
    consume: { count: 1_000_000, rounds: 3 },
    memory: { counts: [100_000, 1_000_000, 2_000_000] },
    partitions: 3,
    jobTimeoutMs: 15 * 60_000,
    profile: true,
  },
  quick: {
    mode: 'quick',
    serde: { eventsPerRound: 20_000, rounds: 3 },
    publish: { count: 100_000, sendCount: 10_000, rounds: 2, inFlight: 10_000 },
    codecs: { count: 20_000, codecs: [...CODECS], baseline: true },
    consume: { count: 100_000, rounds: 2 },
    memory: { counts: [50_000, 200_000, 500_000] },
    partitions: 3,
    jobTimeoutMs: 5 * 60_000,
    profile: true,
  },
  smoke: {
    mode: 'smoke',
    serde: { eventsPerRound: 1_000, rounds: 1 },
    publish: { count: 2_000, sendCount: 200, rounds: 1, inFlight: 1_000 },
    codecs: { count: 1_000, codecs: [...CODECS], baseline: false },
    consume: { count: 2_000, rounds: 1 },
    memory: { counts: [1_000, 2_000] },
    partitions: 3,
    jobTimeoutMs: 60_000,
    profile: false,
  },
};

export const USAGE = `Usage: pnpm bench [options]

Measures @caddy/events against avsc, kafkajs and the schema registry clients on a real
Kafka broker, and writes the results into docs/benchmarks.md. Without REDPANDA_BROKERS and
SCHEMA_REGISTRY_URL it starts the local stack (scripts/stack.sh) and stops it at the end.

Options:
  --quick             a run of a few minutes with smaller counts; writes the page
  --smoke             every part with tiny counts, in well under a minute; writes no page
                      unless --page is given
  --events N          events per publish and consume run (full: 1000000)
  --rounds N          repetitions of each measurement (full: 3, serde 5)
  --in-flight N       publish() calls awaiting acknowledgement at once (default 10000)
  --partitions N      partitions of each benchmark topic (default 3)
  --only PARTS        run only these parts, comma-separated: ${PARTS.join(', ')}
  --skip PARTS        skip these parts
  --page FILE         write the results into FILE (default docs/benchmarks.md); a relative
                      FILE is taken from the directory pnpm was started in
  --no-page           write no page, only bench/results/*.json
  --from-json FILE    measure nothing: render the results saved in FILE (bench/results/*.json)
                      into the page
  --no-profile        do not profile the SDK where a target is missed (smoke runs never do)
  -h, --help          print this help
`;

/** Parses the command line, or prints the help and returns undefined. */
export function parseConfig(argv: string[]): BenchConfig | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      events: { type: 'string' },
      rounds: { type: 'string' },
      'in-flight': { type: 'string' },
      partitions: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      page: { type: 'string' },
      'from-json': { type: 'string' },
      'no-page': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  if (values.quick && values.smoke) throw new Error('Choose one of --quick and --smoke.');
  let mode: Mode = 'full';
  if (values.smoke) mode = 'smoke';
  if (values.quick) mode = 'quick';

  const base = structuredClone(MODES[mode]);
  const config: BenchConfig = {
    ...base,
    parts: selectParts(values.only, values.skip),
    settings: { acks: -1, idempotent: true, maxInFlightRequests: 1, lingerMs: 5, batchSize: 1000, compression: 'none' },
  };

  if (values.events !== undefined) {
    config.publish.count = positiveInteger('--events', values.events);
    config.consume.count = config.publish.count;
  }
  if (values.rounds !== undefined) {
    const rounds = positiveInteger('--rounds', values.rounds);
    config.publish.rounds = rounds;
    config.consume.rounds = rounds;
    config.serde.rounds = rounds;
  }

  if (values['no-profile']) config.profile = false;
  if (values['in-flight'] !== undefined) config.publish.inFlight = positiveInteger('--in-flight', values['in-flight']);
  if (values.partitions !== undefined) config.partitions = positiveInteger('--partitions', values.partitions);

  if (values['from-json'] !== undefined) config.fromJson = fromCaller(values['from-json']);
  const pageByDefault = mode !== 'smoke' || config.fromJson !== undefined;
  if (!values['no-page'] && (values.page !== undefined || pageByDefault)) {
    config.page = values.page === undefined ? join(REPO_ROOT, 'docs', 'benchmarks.md') : fromCaller(values.page);
  }
  return config;
}

// pnpm runs the script in bench/ and keeps the caller's directory in INIT_CWD, so paths
// on the command line are taken from there.
function fromCaller(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

function selectParts(only: string | undefined, skip: string | undefined): Set<Part> {
  const parse = (option: string, text: string) =>
    text.split(',').map((name) => {
      const part = name.trim() as Part;
      if (!PARTS.includes(part)) throw new Error(`${option} names an unknown part '${name}'; the parts are ${PARTS.join(', ')}.`);
      return part;
    });
  const parts = new Set<Part>(only === undefined ? PARTS : parse('--only', only));
  if (skip !== undefined) for (const part of parse('--skip', skip)) parts.delete(part);
  return parts;
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${option} must be a positive integer, got '${text}'.`);
  return value;
}
