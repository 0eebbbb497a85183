import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ProducerSettings } from './kafka.js';
import type { Progress } from './progress.js';
import type { ClusterAddress } from './protocol.js';
import { stackCache } from './stack-cache.js';

const POM = fileURLToPath(new URL('../java/pom.xml', import.meta.url));
const LOG4J_CONFIG = fileURLToPath(new URL('../java/log4j2.properties', import.meta.url));

/** Kafka's performance tools, fetched and ready to run. */
export interface JavaTools {
  java: string;
  classpath: string;
  version: string;
}

/**
 * Fetches kafka-tools and its dependencies with Maven (first use only) into the stack's
 * download cache, beside the servers of scripts/stack.sh, and finds a Java 17+ to run them.
 * The directory is keyed on a hash of bench/java/pom.xml, so a version change fetches again.
 */
export async function prepareJavaTools(progress: Progress): Promise<JavaTools> {
  const cache = stackCache();
  const hash = createHash('sha256').update(await readFile(POM)).digest('hex').slice(0, 12);
  const dir = join(cache, `bench-tools-${hash}`);
  if (!(await exists(join(dir, '.complete')))) {
    progress.log(`Fetching Kafka's performance tools with Maven into ${dir} (first run only)...`);
    const staging = `${dir}.tmp.${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    const log = await run('mvn', [
      '-B',
      '-ntp',
      '-Dstyle.color=never',
      '-f',
      POM,
      `-Dmaven.repo.local=${join(cache, 'm2')}`,
      `-Dbench.tools.dir=${staging}`,
      'package',
    ]).catch((error: Error) => {
      throw new Error(`Maven could not fetch kafka-tools: ${error.message}`);
    });
    await rm(join(staging, 'maven-build'), { recursive: true, force: true });
    await writeFile(join(staging, '.complete'), log.slice(-2000));
    await mkdir(cache, { recursive: true });
    // Another run may have finished first, and its copy is as good as this one.
    await rename(staging, dir).catch(() => rm(staging, { recursive: true, force: true }));
  }
  const java = javaExecutable();
  const version = (await run(java, ['-version'])).split('\n')[0]?.trim() ?? 'unknown';
  return { java, classpath: `${join(dir, 'libs')}/*`, version };
}

/** Outcome of one ProducerPerformance run, as the tool prints it. */
export interface JavaProducerResult {
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/**
 * Runs ProducerPerformance with the SDK's producer settings, unthrottled. It sends values
 * of `recordSize` random bytes without keys or headers.
 */
export async function runJavaProducer(
  tools: JavaTools,
  cluster: ClusterAddress,
  topic: string,
  count: number,
  recordSize: number,
  settings: ProducerSettings,
): Promise<JavaProducerResult> {
  const output = await run(tools.java, [
    ...jvmOptions(tools),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(count),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${cluster.brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
    `max.in.flight.requests.per.connection=${settings.maxInFlightRequests}`,
    `linger.ms=${settings.lingerMs}`,
    // The SDK batches by record count, but the Java client batches by bytes.
    `batch.size=${settings.batchSize * recordSize}`,
    `compression.type=${settings.compression}`,
  ]);
  // The summary line: "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max
  // latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th."
  const summary = /records sent, ([\d.]+) records\/sec.* (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/.exec(output);
  if (!summary) throw new Error(`ProducerPerformance printed no summary line: ${output.slice(-500)}`);
  return { eventsPerSecond: Number(summary[1]), latencyP50Ms: Number(summary[2]), latencyP99Ms: Number(summary[4]) };
}

/** Outcome of one ConsumerPerformance run. */
export interface JavaConsumerResult {
  /** The tool's fetch.nMsg.sec: records per second after the group join. */
  eventsPerSecond: number;
}

/** Reads `count` records of a topic with ConsumerPerformance in a new consumer group. */
export async function runJavaConsumer(
  tools: JavaTools,
  cluster: ClusterAddress,
  topic: string,
  count: number,
  groupId: string,
): Promise<JavaConsumerResult> {
  const output = await run(tools.java, [
    ...jvmOptions(tools),
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    cluster.brokers.join(','),
    '--topic',
    topic,
    '--messages',
    String(count),
    '--group',
    groupId,
    '--timeout',
    '60000',
  ]);
  // A header line, then: start.time, end.time, data.consumed.in.MB, MB.sec,
  // data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const lines = output.trim().split('\n');
  const header = lines.findIndex((line) => line.startsWith('start.time'));
  const fields = lines[header + 1]?.split(',').map((field) => field.trim());
  const rate = Number(fields?.[9]);
  if (header < 0 || !Number.isFinite(rate)) throw new Error(`ConsumerPerformance printed no result line: ${output.slice(-500)}`);
  return { eventsPerSecond: rate };
}

function jvmOptions(tools: JavaTools): string[] {
  return ['-Xmx512m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, '-cp', tools.classpath];
}

// The Java that scripts/stack.sh picks for Kafka: STACK_KAFKA_JAVA, then JAVA_HOME, then PATH.
function javaExecutable(): string {
  if (process.env.STACK_KAFKA_JAVA) return process.env.STACK_KAFKA_JAVA;
  if (process.env.JAVA_HOME) return join(process.env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited with code ${code}: ${output.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
