import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { BenchConfig } from './config.js';
import { CONSUME_VARIANTS } from './consume-bench.js';
import type { ConsumeParams, ConsumeResult, ConsumeVariant, PrefillParams } from './consume-bench.js';
import { prepareJavaTools, runJavaConsumer, runJavaProducer } from './java-ceiling.js';
import { runJob } from './jobs.js';
import { createTopic, deleteTopics } from './kafka.js';
import { orderPayloads, plainAvroEncode, plainAvroType, cloudEventHeaders } from './payloads.js';
import { summarizeProfile } from './profile.js';
import { formatInteger } from './progress.js';
import type { Progress } from './progress.js';
import type { ClusterAddress } from './protocol.js';
import { PUBLISH_VARIANTS } from './publish-bench.js';
import type { PublishParams, PublishResult, PublishVariant } from './publish-bench.js';
import { checkTargets } from './results.js';
import type { RunResults, TargetId } from './results.js';
import type { SerdeProfileParams, SerdeResult } from './serde-bench.js';

/** The run's settings, cluster, progress display and results so far, shared by every phase. */
export interface PhaseContext {
  config: BenchConfig;
  cluster: ClusterAddress;
  progress: Progress;
  results: RunResults;
  /** Prefix of every topic of this run, such as `bench-20240601-120000-`. */
  runPrefix: string;
  /** Directory for CPU profiles of missed targets. */
  profileDir: string;
}

/** Display names of the publish and consume variants, for progress lines and the page. */
export const VARIANT_LABELS: Record<PublishVariant | ConsumeVariant, string> = {
  'sdk-publish': 'SDK `publish()`, one call per event',
  'sdk-publish-batch': 'SDK `publishBatch`',
  'kafkajs-send': 'kafkajs `send`, one per event',
  'kafkajs-send-batch': 'kafkajs `sendBatch`',
  'sdk-subscribe': 'SDK `subscribe`, typed handler',
  'kafkajs-avsc': 'kafkajs `eachBatch` + avsc',
  'kafkajs-json': 'kafkajs `eachBatch` + `JSON.parse`',
};

/** Counts the jobs of the plan before any profile is added. */
export function plannedJobs(config: BenchConfig): number {
  const { parts } = config;
  let jobs = 0;
  if (parts.has('serde')) jobs += 1;
  if (parts.has('publish')) jobs += config.publish.rounds * PUBLISH_VARIANTS.length;
  if (parts.has('codecs')) jobs += config.codecs.codecs.length * (config.codecs.baseline ? 2 : 1);
  if (parts.has('consume')) jobs += 2 + config.consume.rounds * CONSUME_VARIANTS.length;
  if (parts.has('memory')) jobs += config.memory.counts.length * 2;
  if (parts.has('java')) jobs += 1 + 2 * config.publish.rounds;
  return jobs;
}

type JobOutcome<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

async function job<T>(context: PhaseContext, label: string, scenario: string, params: object, profilePath?: string): Promise<JobOutcome<T>> {
  context.progress.startJob(label);
  try {
    const value = await runJob<T>(scenario, context.cluster, params, context.progress, {
      timeoutMs: context.config.jobTimeoutMs,
      ...(profilePath ? { profilePath } : {}),
    });
    const rate = (value as { eventsPerSecond?: number }).eventsPerSecond;
    context.progress.finishJob(rate === undefined ? 'done' : `${formatInteger(rate)} events/s`);
    return { value };
  } catch (error) {
    const message = (error as Error).message;
    context.results.errors.push({ job: label, message });
    context.progress.finishJob(`FAILED: ${message}`);
    return { error: message };
  }
}

/** Part 1: encode and decode throughput per event, and bytes per event. */
export async function serdePhase(context: PhaseContext): Promise<void> {
  const { config } = context;
  const topicPrefix = `${context.runPrefix}serde-`;
  const outcome = await job<SerdeResult>(context, 'serde: encode and decode, every library', 'serde', {
    ...config.serde,
    topicPrefix,
  });
  if (!outcome.value) return;
  context.results.serde = outcome.value;
  for (const direction of ['encode', 'decode'] as const) {
    const events = Math.max(config.serde.eventsPerRound * config.serde.rounds, 2_000);
    const params: SerdeProfileParams = { direction, events, topicPrefix };
    await profileIfMissed(context, `serde-${direction}`, `profile: SDK ${direction}`, 'serde-profile', params);
  }
}

/** Part 2: publish end to end, round by round, every variant once per round. */
export async function publishPhase(context: PhaseContext): Promise<void> {
  const { config } = context;
  for (let round = 1; round <= config.publish.rounds; round++) {
    for (const variant of PUBLISH_VARIANTS) {
      const params = publishParams(context, variant, `${context.runPrefix}p${round}-${variant}-`);
      if (variant === 'kafkajs-send') params.count = config.publish.sendCount;
      const label = `publish round ${round}/${config.publish.rounds}: ${VARIANT_LABELS[variant]}`;
      const outcome = await job<PublishResult>(context, label, 'publish', params);
      if (outcome.value) (context.results.publish[variant] ??= []).push(outcome.value);
    }
    await deleteTopics(context.cluster, `${context.runPrefix}p${round}-`);
  }
  const prefix = `${context.runPrefix}profile-publish-`;
  await profileIfMissed(context, 'publish', 'profile: SDK publish()', 'publish', publishParams(context, 'sdk-publish', prefix));
  await deleteTopics(context.cluster, prefix);
}

/** Runs the codec sweep: the SDK's publish() and kafkajs sendBatch with each compression codec. */
export async function codecPhase(context: PhaseContext): Promise<void> {
  const { config } = context;
  for (const codec of config.codecs.codecs) {
    const entry: RunResults['codecs'][number] = { codec };
    const variants = config.codecs.baseline ? (['sdk-publish', 'kafkajs-send-batch'] as const) : (['sdk-publish'] as const);
    for (const variant of variants) {
      const params = publishParams(context, variant, `${context.runPrefix}codec-${codec}-${variant}-`);
      params.count = config.codecs.count;
      params.settings = { ...params.settings, compression: codec };
      const outcome = await job<PublishResult>(context, `codecs: ${codec}, ${VARIANT_LABELS[variant]}`, 'publish', params);
      if (outcome.value) entry[variant === 'sdk-publish' ? 'sdk' : 'kafkajs'] = outcome.value;
      else entry.error ??= outcome.error;
    }
    context.results.codecs.push(entry);
    await deleteTopics(context.cluster, `${context.runPrefix}codec-${codec}-`);
  }
}

/** Part 3: consume end to end from a pre-filled topic, every variant once per round. */
export async function consumePhase(context: PhaseContext): Promise<void> {
  const { config } = context;
  const topicPrefix = `${context.runPrefix}c-`;
  for (const format of ['avro', 'json'] as const) {
    const params: PrefillParams = {
      count: config.consume.count,
      topicPrefix,
      partitions: config.partitions,
      settings: config.settings,
      format,
    };
    const outcome = await job(context, `consume: pre-fill ${formatInteger(params.count)} ${format} events`, 'prefill', params);
    if (outcome.error) return;
  }
  for (let round = 1; round <= config.consume.rounds; round++) {
    for (const variant of CONSUME_VARIANTS) {
      const params = consumeParams(context, variant, topicPrefix, `${topicPrefix}${variant}-${round}`);
      const label = `consume round ${round}/${config.consume.rounds}: ${VARIANT_LABELS[variant]}`;
      const outcome = await job<ConsumeResult>(context, label, 'consume', params);
      if (outcome.value) (context.results.consume[variant] ??= []).push(outcome.value);
    }
  }
  const params = consumeParams(context, 'sdk-subscribe', topicPrefix, `${topicPrefix}profile`);
  await profileIfMissed(context, 'consume', 'profile: SDK subscribe', 'consume', params);
  await deleteTopics(context.cluster, topicPrefix);
}

/** Part 4: peak memory of the SDK publishing and then consuming ever more events. */
export async function memoryPhase(context: PhaseContext): Promise<void> {
  for (const count of context.config.memory.counts) {
    const topicPrefix = `${context.runPrefix}m${count}-`;
    const entry: RunResults['memory'][number] = { count };
    const publish = publishParams(context, 'sdk-publish', topicPrefix);
    publish.count = count;
    const published = await job<PublishResult>(context, `memory: SDK publish() of ${formatInteger(count)} events`, 'publish', publish);
    if (published.value) {
      entry.publish = published.value;
      const consume = consumeParams(context, 'sdk-subscribe', topicPrefix, `${topicPrefix}group`);
      consume.count = count;
      const label = `memory: SDK subscribe reading ${formatInteger(count)} events`;
      const consumed = await job<ConsumeResult>(context, label, 'consume', consume);
      if (consumed.value) entry.consume = consumed.value;
      else entry.error = consumed.error;
    } else {
      entry.error = published.error;
    }
    context.results.memory.push(entry);
    await deleteTopics(context.cluster, topicPrefix);
  }
}

/**
 * Part 5: Kafka's own ProducerPerformance and ConsumerPerformance, with the SDK's producer
 * settings and records of the same size as the SDK's (value, key and headers together).
 */
export async function javaPhase(context: PhaseContext): Promise<void> {
  const { config, progress } = context;
  progress.startJob("java: fetch Kafka's performance tools");
  let tools;
  try {
    tools = await prepareJavaTools(progress);
    progress.finishJob(tools.version);
  } catch (error) {
    context.results.errors.push({ job: 'java: fetch tools', message: (error as Error).message });
    progress.finishJob(`FAILED: ${(error as Error).message}`);
    return;
  }
  const recordSize = averageRecordSize();
  const java = { version: tools.version, producer: [], consumer: [], recordSize } as NonNullable<RunResults['java']>;
  context.results.java = java;
  for (let round = 1; round <= config.publish.rounds; round++) {
    const topic = `${context.runPrefix}j${round}-orders`;
    await createTopic(context.cluster, topic, config.partitions);
    await javaStep(context, `java round ${round}/${config.publish.rounds}: ProducerPerformance`, async () => {
      const result = await runJavaProducer(tools, context.cluster, topic, config.publish.count, recordSize, config.settings);
      java.producer.push(result);
      return result.eventsPerSecond;
    });
    await javaStep(context, `java round ${round}/${config.publish.rounds}: ConsumerPerformance`, async () => {
      const result = await runJavaConsumer(tools, context.cluster, topic, config.publish.count, `${topic}-group`);
      java.consumer.push(result);
      return result.eventsPerSecond;
    });
    await deleteTopics(context.cluster, topic);
  }
}

async function javaStep(context: PhaseContext, label: string, work: () => Promise<number>): Promise<void> {
  context.progress.startJob(label);
  try {
    context.progress.finishJob(`${formatInteger(await work())} events/s`);
  } catch (error) {
    context.results.errors.push({ job: label, message: (error as Error).message });
    context.progress.finishJob(`FAILED: ${(error as Error).message}`);
  }
}

// Runs the SDK's side of a missed target once more with the CPU profiler on during its
// measured section, and keeps a summary of where its time went.
async function profileIfMissed(context: PhaseContext, target: TargetId, label: string, scenario: string, params: object): Promise<void> {
  if (!context.config.profile) return;
  const check = checkTargets(context.results).find((candidate) => candidate.id === target);
  if (check?.met !== false) return;
  context.progress.addJobs(1);
  await mkdir(context.profileDir, { recursive: true });
  const path = join(context.profileDir, `${target}.cpuprofile`);
  const outcome = await job(context, label, scenario, params, path);
  if (outcome.error) return;
  context.results.profiles.push({ target, job: label, file: path, summary: await summarizeProfile(path) });
}

function publishParams(context: PhaseContext, variant: PublishVariant, topicPrefix: string): PublishParams {
  const { config } = context;
  return {
    variant,
    count: config.publish.count,
    topicPrefix,
    partitions: config.partitions,
    settings: { ...config.settings },
    inFlight: config.publish.inFlight,
  };
}

function consumeParams(context: PhaseContext, variant: ConsumeVariant, topicPrefix: string, groupId: string): ConsumeParams {
  return {
    variant,
    count: context.config.consume.count,
    topicPrefix,
    groupId,
    timeoutMs: context.config.jobTimeoutMs - 10_000,
  };
}

// Averages the value, key and header bytes of the SDK's records over the payload pool, so
// that the Java producer moves about as many bytes per record as the SDK does.
function averageRecordSize(): number {
  const type = plainAvroType();
  const payloads = orderPayloads();
  let total = 0;
  for (const payload of payloads) {
    total += plainAvroEncode(type, 1, payload).length + Buffer.byteLength(payload.orderId);
    for (const [name, value] of Object.entries(cloudEventHeaders(payload.orderId, 'application/avro'))) {
      total += Buffer.byteLength(name) + Buffer.byteLength(value);
    }
  }
  return Math.round(total / payloads.length);
}
