import type { BenchConfig } from './config.js';
import type { ConsumeResult, ConsumeVariant } from './consume-bench.js';
import type { JavaConsumerResult, JavaProducerResult } from './java-ceiling.js';
import type { CodecName } from './kafka.js';
import type { MachineInfo } from './machine.js';
import type { ProfileSummary } from './profile.js';
import type { PublishResult, PublishVariant } from './publish-bench.js';
import type { SerdeResult } from './serde-bench.js';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

/** Everything one run measured, as written to bench/results/*.json and rendered on the page. */
export interface RunResults {
  mode: BenchConfig['mode'];
  command: string;
  startedAt: string;
  finishedAt?: string;
  machine: MachineInfo;
  cluster: string;
  config: Omit<BenchConfig, 'parts' | 'page'> & { parts: string[] };
  serde?: SerdeResult;
  /** One entry per round, by variant. */
  publish: Partial<Record<PublishVariant, PublishResult[]>>;
  codecs: { codec: CodecName; sdk?: PublishResult; kafkajs?: PublishResult; error?: string }[];
  /** One entry per round, by variant. */
  consume: Partial<Record<ConsumeVariant, ConsumeResult[]>>;
  memory: { count: number; publish?: PublishResult; consume?: ConsumeResult; error?: string }[];
  java?: { version: string; producer: JavaProducerResult[]; consumer: JavaConsumerResult[]; recordSize: number };
  profiles: { target: TargetId; job: string; file: string; summary: ProfileSummary }[];
  errors: { job: string; message: string }[];
}

export type TargetId = 'serde-encode' | 'serde-decode' | 'publish' | 'consume';

/** A target of the suite: the SDK's figure as a share of a baseline's, and the share it must reach. */
export interface TargetCheck {
  id: TargetId;
  description: string;
  baseline: string;
  /** Per-round ratios of the SDK to the baseline, absent when either side has no figures. */
  ratio?: Summary;
  threshold: number;
  met?: boolean;
}

const THRESHOLD = 0.9;

/** Evaluates every target from the figures at hand. */
export function checkTargets(results: RunResults): TargetCheck[] {
  const rate = (rounds: { eventsPerSecond: number }[] | undefined) => rounds?.map((round) => round.eventsPerSecond);
  return [
    target('serde-encode', 'SDK encode, per event', 'avsc floor', results.serde?.encode.sdk, results.serde?.encode.avsc),
    target('serde-decode', 'SDK decode, per event', 'avsc floor', results.serde?.decode.sdk, results.serde?.decode.avsc),
    target(
      'publish',
      'SDK `publish()`, one call per event',
      'kafkajs `sendBatch`, same batch size',
      rate(results.publish['sdk-publish']),
      rate(results.publish['kafkajs-send-batch']),
    ),
    target(
      'consume',
      'SDK `subscribe`, typed handler',
      'kafkajs `eachBatch` + avsc',
      rate(results.consume['sdk-subscribe']),
      rate(results.consume['kafkajs-avsc']),
    ),
  ];
}

function target(
  id: TargetId,
  description: string,
  baseline: string,
  sdk: number[] | undefined,
  base: number[] | undefined,
): TargetCheck {
  const check: TargetCheck = { id, description, baseline, threshold: THRESHOLD };
  const ratios = pairedRatios(sdk, base);
  if (ratios.length === 0) return check;
  check.ratio = summarize(ratios);
  check.met = check.ratio.median >= THRESHOLD;
  return check;
}

/**
 * Divides the SDK's figure by the baseline's round by round. Rounds run both sides back to
 * back, so each pair saw about the same machine load.
 */
export function pairedRatios(subject: number[] | undefined, baseline: number[] | undefined): number[] {
  if (!subject || !baseline) return [];
  const rounds = Math.min(subject.length, baseline.length);
  return Array.from({ length: rounds }, (_, index) => (subject[index] as number) / (baseline[index] as number));
}
