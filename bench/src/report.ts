import { readFile, writeFile } from 'node:fs/promises';

import type { ConsumeVariant } from './consume-bench.js';
import { CONSUME_VARIANTS } from './consume-bench.js';
import { VARIANT_LABELS } from './phases.js';
import { formatDuration, formatInteger } from './progress.js';
import { PUBLISH_VARIANTS } from './publish-bench.js';
import type { PublishVariant } from './publish-bench.js';
import { checkTargets, pairedRatios } from './results.js';
import type { RunResults } from './results.js';
import { SERDE_CONTENDERS } from './serde-bench.js';
import type { SerdeContender } from './serde-bench.js';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

/** Markers around the generated part of the page. The text outside them is kept. */
export const START_MARKER = '<!-- bench:results:start -->';
export const END_MARKER = '<!-- bench:results:end -->';

const SERDE_LABELS: Record<SerdeContender, string> = {
  sdk: 'SDK (`EventSerde`: validate, encode, frame / unframe, resolve)',
  avsc: 'avsc `toBuffer` / `fromBuffer` + 5-byte header (floor)',
  'kafkajs-registry': '@kafkajs/confluent-schema-registry `encode` / `decode`',
  'confluent-registry': '@confluentinc/schemaregistry `AvroSerializer` / `AvroDeserializer`',
  json: '`JSON.stringify` / `JSON.parse`',
};

/** Replaces the generated part of the page with this run's results, or appends it. */
export async function writePage(path: string, results: RunResults): Promise<void> {
  const section = `${START_MARKER}\n${renderResults(results)}${END_MARKER}\n`;
  let page = '';
  try {
    page = await readFile(path, 'utf8');
  } catch {
    page = '# Benchmarks\n\n';
  }
  const start = page.indexOf(START_MARKER);
  const end = page.indexOf(END_MARKER);
  const updated =
    start >= 0 && end > start ? `${page.slice(0, start)}${section}${page.slice(end + END_MARKER.length + 1)}` : `${page.trimEnd()}\n\n${section}`;
  await writeFile(path, updated);
}

/** Renders every table of a run as Markdown. */
export function renderResults(results: RunResults): string {
  return [
    header(results),
    targets(results),
    serde(results),
    publish(results),
    codecs(results),
    consume(results),
    memory(results),
    ceiling(results),
    profiles(results),
    failures(results),
  ]
    .filter((block) => block !== '')
    .join('\n');
}

function header(results: RunResults): string {
  const { machine, config } = results;
  const date = results.startedAt.slice(0, 16).replace('T', ' ');
  const duration = results.finishedAt ? formatDuration(Date.parse(results.finishedAt) - Date.parse(results.startedAt)) : 'unfinished';
  const load = `${machine.loadAtStart.toFixed(1)} at the start and ${machine.loadAtEnd?.toFixed(1) ?? '?'} at the end`;
  const rounds = `${config.publish.rounds} publish and ${config.consume.rounds} consume rounds, ${config.serde.rounds} serde rounds`;
  const lines = [
    `## Results: ${results.mode} run of ${date} UTC`,
    '',
  ];
  if (results.mode !== 'full') {
    lines.push(
      `This is a **${results.mode} run**, with smaller counts and fewer rounds than the full run, so its`,
      'figures vary more between runs; read the ratios rather than the absolute rates.',
      '',
    );
  }
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  lines.push(
    `- Command: \`${results.command}\`, which took ${duration}.`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node.js ${machine.node}.`,
    `  One-minute load average ${load}: other work on the machine shows up here.`,
    `- Cluster: ${results.cluster}.`,
    `- Libraries: ${packages}${results.java ? `; Java ${results.java.version}` : ''}.`,
    `- Producer settings of the SDK and of both kafkajs baselines: acks=all, idempotent, max in-flight requests ${config.settings.maxInFlightRequests}, linger ${config.settings.lingerMs} ms, batch size ${formatInteger(config.settings.batchSize)} records, compression ${config.settings.compression}.`,
    `  ${formatInteger(config.publish.inFlight)} events awaiting acknowledgement at once; ${config.partitions} partitions per topic.`,
    `- Repetitions: ${rounds}. A figure is the median of the rounds, with the slowest and the fastest round in brackets; a ratio is taken round by round (SDK over baseline) and shown the same way.`,
    '',
  );
  return lines.join('\n');
}

function targets(results: RunResults): string {
  const rows = checkTargets(results).map((check) => {
    let status = 'not measured';
    if (check.met === true) status = 'met';
    if (check.met === false) status = '**missed**';
    return `| ${check.description} | ${check.baseline} | ${check.ratio ? ratioText(check.ratio) : '–'} | ≥ ${check.threshold} | ${status} |`;
  });
  const send = pairedRatios(rates(results.publish['sdk-publish']), rates(results.publish['kafkajs-send']));
  if (send.length > 0) {
    rows.push(`| SDK \`publish()\`, one call per event | kafkajs \`send\`, one per event | ${multipleText(summarize(send))} | many times | – |`);
  }
  return ['### Targets', '', '| figure | baseline | ratio | target | result |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

function serde(results: RunResults): string {
  const result = results.serde;
  if (!result) return '';
  const rows = SERDE_CONTENDERS.map((name) => {
    if (result.unavailable[name]) return `| ${SERDE_LABELS[name]} | not run: ${result.unavailable[name]} | | | |`;
    const encode = result.encode[name];
    const decode = result.decode[name];
    return `| ${SERDE_LABELS[name]} | ${rateText(encode)} | ${ratioOf(encode, result.encode.avsc)} | ${rateText(decode)} | ${ratioOf(decode, result.decode.avsc)} |`;
  });
  const { bytes } = result;
  return [
    `### 1. Serde, per event (${formatInteger(results.config.serde.eventsPerRound)} events per round)`,
    '',
    '| library | encode, events/s | ratio to avsc | decode, events/s | ratio to avsc |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `SDK to @kafkajs/confluent-schema-registry: encode ${ratioOf(result.encode.sdk, result.encode['kafkajs-registry'])}, decode ${ratioOf(result.decode.sdk, result.decode['kafkajs-registry'])}.`,
    `The SDK's synchronous validate-and-encode step alone (\`encodeBody\`, no framing): ${rateText(result.sdkEncodeBody)} events/s.`,
    '',
    `Bytes per event: Avro value with the 5-byte header ${bytes.avroValue.toFixed(0)} B, JSON ${bytes.jsonValue.toFixed(0)} B (Avro is ${((100 * bytes.avroValue) / bytes.jsonValue).toFixed(0)} % of JSON); the CloudEvents headers add ${bytes.headers.toFixed(0)} B of names and values to each record.`,
    '',
  ].join('\n');
}

function publish(results: RunResults): string {
  const baseline = rates(results.publish['kafkajs-send-batch']);
  const rows = PUBLISH_VARIANTS.filter((variant) => results.publish[variant]).map((variant) => {
    const rounds = results.publish[variant] ?? [];
    const count = rounds[0]?.count ?? 0;
    return `| ${VARIANT_LABELS[variant]} | ${formatInteger(count)} | ${rateText(rates(rounds))} | ${ratioOf(rates(rounds), baseline)} | ${median(rounds.map((round) => round.latencyP50Ms)).toFixed(1)} | ${median(rounds.map((round) => round.latencyP99Ms)).toFixed(1)} | ${mebibytes(median(rounds.map((round) => round.memory.peakRss)))} |`;
  });
  if (rows.length === 0) return '';
  return [
    '### 2. Publish, end to end',
    '',
    '| variant | events per round | events/s | ratio to kafkajs `sendBatch` | p50 ack, ms | p99 ack, ms | peak RSS, MiB |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function codecs(results: RunResults): string {
  if (results.codecs.length === 0) return '';
  const rows = results.codecs.map((entry) => {
    const sdk = entry.sdk?.eventsPerSecond;
    const raw = entry.kafkajs?.eventsPerSecond;
    const ratio = sdk !== undefined && raw !== undefined ? (sdk / raw).toFixed(2) : '–';
    const note = entry.error ? `failed: ${entry.error}` : '';
    return `| ${entry.codec} | ${sdk === undefined ? '–' : formatInteger(sdk)} | ${raw === undefined ? '–' : formatInteger(raw)} | ${ratio} | ${note} |`;
  });
  return [
    `### Codec sweep (${formatInteger(results.config.codecs.count)} events, one round each)`,
    '',
    '| codec | SDK `publish()`, events/s | kafkajs `sendBatch`, events/s | ratio | note |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function consume(results: RunResults): string {
  const baseline = rates(results.consume['kafkajs-avsc']);
  const rows = CONSUME_VARIANTS.filter((variant: ConsumeVariant) => results.consume[variant]).map((variant) => {
    const rounds = results.consume[variant] ?? [];
    return `| ${VARIANT_LABELS[variant]} | ${rateText(rates(rounds))} | ${ratioOf(rates(rounds), baseline)} | ${formatInteger(median(rounds.map((round) => round.firstEventMs)))} | ${mebibytes(median(rounds.map((round) => round.memory.peakRss)))} |`;
  });
  if (rows.length === 0) return '';
  return [
    `### 3. Consume, end to end (${formatInteger(results.config.consume.count)} events per round)`,
    '',
    '| variant | events/s | ratio to `eachBatch` + avsc | first event after, ms | peak RSS, MiB |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function memory(results: RunResults): string {
  if (results.memory.length === 0) return '';
  const rows = results.memory.map((entry) => {
    const cells = [entry.publish, entry.consume].flatMap((run) =>
      run ? [mebibytes(run.memory.peakRss), mebibytes(run.memory.peakHeapUsed)] : ['–', '–'],
    );
    return `| ${formatInteger(entry.count)} | ${cells.join(' | ')} |${entry.error ? ` failed: ${entry.error}` : ''}`;
  });
  return [
    '### 4. Memory of the SDK, by event count',
    '',
    '| events | `publish()` peak RSS, MiB | `publish()` peak heap, MiB | `subscribe` peak RSS, MiB | `subscribe` peak heap, MiB |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function ceiling(results: RunResults): string {
  const java = results.java;
  const lines = ['### 5. Reference ceiling', ''];
  if (java && (java.producer.length > 0 || java.consumer.length > 0)) {
    const produce = java.producer.map((run) => run.eventsPerSecond);
    const read = java.consumer.map((run) => run.eventsPerSecond);
    const sdkPublish = median(rates(results.publish['sdk-publish']));
    const sdkConsume = median(rates(results.consume['sdk-subscribe']));
    lines.push(
      '| workload | Java tool, events/s | p50 / p99 ack, ms | SDK, events/s | SDK as share of Java |',
      '|---|---|---|---|---|',
      `| publish | ${rateText(produce)} | ${median(java.producer.map((run) => run.latencyP50Ms))} / ${median(java.producer.map((run) => run.latencyP99Ms))} | ${formatInteger(sdkPublish)} | ${share(sdkPublish, median(produce))} |`,
      `| consume | ${rateText(read)} | – | ${formatInteger(sdkConsume)} | ${share(sdkConsume, median(read))} |`,
      '',
      `ProducerPerformance sends ${java.recordSize}-byte values, the size of the SDK's value, key and headers together, with no key and no headers.`,
      `It runs with the producer settings above and a \`batch.size\` of ${formatInteger(results.config.settings.batchSize)} such records.`,
      'ConsumerPerformance reads them back, and its rate excludes the group join.',
      '',
    );
  }
  lines.push(
    '@confluentinc/kafka-javascript (librdkafka) is not installable here: its install step downloads a prebuilt binary from GitHub, and its fallback build downloads zlib, OpenSSL, zstd and curl sources from their project sites, none of which this machine can reach. It was not measured.',
    '',
  );
  return lines.join('\n');
}

function profiles(results: RunResults): string {
  if (results.profiles.length === 0) return '';
  const blocks = results.profiles.map(({ target, job, summary }) => {
    const packages = summary.packages.slice(0, 8).map((entry) => `| ${entry.name} | ${percent(entry.share)} |`);
    const functions = summary.functions.slice(0, 12).map((entry) => `| \`${entry.name}\` | ${percent(entry.share)} |`);
    const totals = summary.sdkTotals.slice(0, 12).map((entry) => `| \`${entry.name}\` | ${percent(entry.share)} |`);
    return [
      `#### ${target}: ${job}`,
      '',
      `${(summary.totalMs / 1000).toFixed(1)} s profiled, ${percent(summary.idleShare)} idle (waiting for the network or a timer).`,
      '',
      '| package | self time |',
      '|---|---|',
      ...packages,
      '',
      '| function (file:line) | self time |',
      '|---|---|',
      ...functions,
      '',
      '| SDK function (file:line) | total time, callees included |',
      '|---|---|',
      ...totals,
      '',
    ].join('\n');
  });
  const intro =
    'The V8 CPU profiler sampled the timed section of a separate run of the SDK side alone. ' +
    `The profiles are in ${profileDirectory(results)}.`;
  return ['### Profiles of missed targets', '', intro, '', ...blocks].join('\n');
}

// The directory, from bench/ on, so that the page names the same path in any checkout.
function profileDirectory(results: RunResults): string {
  const file = results.profiles[0]?.file ?? '';
  const start = file.lastIndexOf('/bench/');
  const directory = file.slice(start + 1, file.lastIndexOf('/'));
  return start >= 0 ? `\`${directory}/\` (ignored by git)` : 'the results directory';
}

function failures(results: RunResults): string {
  if (results.errors.length === 0) return '';
  return ['### Failed jobs', '', ...results.errors.map((error) => `- ${error.job}: ${error.message}`), ''].join('\n');
}

function rates(rounds: { eventsPerSecond: number }[] | undefined): number[] {
  return rounds?.map((round) => round.eventsPerSecond) ?? [];
}

function rateText(samples: number[] | undefined): string {
  if (!samples || samples.length === 0) return '–';
  const summary = summarize(samples);
  if (samples.length === 1) return formatInteger(summary.median);
  return `${formatInteger(summary.median)} (${formatInteger(summary.min)}–${formatInteger(summary.max)})`;
}

function ratioOf(subject: number[] | undefined, baseline: number[] | undefined): string {
  const ratios = pairedRatios(subject, baseline);
  return ratios.length === 0 ? '–' : ratioText(summarize(ratios));
}

function ratioText(summary: Summary): string {
  if (summary.samples.length === 1) return summary.median.toFixed(2);
  return `${summary.median.toFixed(2)} (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`;
}

function multipleText(summary: Summary): string {
  if (summary.samples.length === 1) return `${summary.median.toFixed(1)}×`;
  return `${summary.median.toFixed(1)}× (${summary.min.toFixed(1)}–${summary.max.toFixed(1)})`;
}

function median(samples: number[]): number {
  return samples.length === 0 ? Number.NaN : summarize(samples).median;
}

function mebibytes(bytes: number): string {
  return Number.isNaN(bytes) ? '–' : (bytes / 2 ** 20).toFixed(0);
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

function share(subject: number, baseline: number): string {
  return Number.isFinite(subject) && Number.isFinite(baseline) && baseline > 0 ? percent(subject / baseline) : '–';
}

