// `pnpm bench`: runs the benchmark suite against a real Kafka broker and schema registry and
// writes the results into docs/benchmarks.md. `--help` lists the options.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

import { parseConfig } from './config.js';
import type { BenchConfig } from './config.js';
import { deleteTopics } from './kafka.js';
import { describeMachine, installedPackages } from './machine.js';
import { codecPhase, consumePhase, javaPhase, memoryPhase, plannedJobs, publishPhase, serdePhase } from './phases.js';
import type { PhaseContext } from './phases.js';
import { Progress, formatDuration } from './progress.js';
import { writePage } from './report.js';
import { checkTargets } from './results.js';
import type { RunResults } from './results.js';
import { REPO_ROOT, openCluster } from './stack.js';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

async function main(argv: string[]): Promise<number> {
  const config = parseConfig(argv);
  if (!config) return 0;
  if (config.fromJson) return renderSaved(config.fromJson, config.page);
  const progress = new Progress(plannedJobs(config));
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const results = newResults(config, argv);
  progress.log(`caddy-events bench: ${config.mode} run, parts ${[...config.parts].join(', ')}`);

  const cluster = await openCluster(progress);
  results.cluster = cluster.description;
  const context: PhaseContext = {
    config,
    cluster: cluster.address,
    progress,
    results,
    runPrefix: `bench-${stamp}-`,
    profileDir: join(RESULTS_DIR, `profiles-${stamp}`),
  };
  const stop = () => {
    progress.log('Interrupted: deleting this run\'s topics and stopping what the run started...');
    void cleanUp(context, cluster.stop).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (config.parts.has('serde')) await serdePhase(context);
    if (config.parts.has('publish')) await publishPhase(context);
    if (config.parts.has('codecs')) await codecPhase(context);
    if (config.parts.has('consume')) await consumePhase(context);
    if (config.parts.has('memory')) await memoryPhase(context);
    if (config.parts.has('java')) await javaPhase(context);
  } finally {
    await cleanUp(context, cluster.stop);
  }

  results.finishedAt = new Date().toISOString();
  results.machine.loadAtEnd = os.loadavg()[0] ?? 0;
  results.machine.packages = installedPackages();
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, `${config.mode}-${stamp}.json`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  progress.close();
  printSummary(results, json, config);
  if (config.page) await writeResultsPage(config.page, results);
  return results.errors.length === 0 ? 0 : 1;
}

async function renderSaved(file: string, page: string | undefined): Promise<number> {
  const results = JSON.parse(await readFile(file, 'utf8')) as RunResults;
  if (!page) throw new Error('--from-json renders into a page, but --no-page was given.');
  await writeResultsPage(page, results);
  return 0;
}

async function writeResultsPage(path: string, results: RunResults): Promise<void> {
  await writePage(path, results);
  process.stdout.write(`Results written into ${path}\n`);
}

function newResults(config: BenchConfig, argv: string[]): RunResults {
  const { parts, page: _page, ...rest } = config;
  return {
    mode: config.mode,
    command: ['corepack pnpm bench', ...argv].join(' '),
    startedAt: new Date().toISOString(),
    machine: describeMachine(),
    cluster: '',
    config: { ...rest, parts: [...parts] },
    publish: {},
    codecs: [],
    consume: {},
    memory: [],
    profiles: [],
    errors: [],
  };
}

// Deletes the run's topics (a later run must not read them), then stops the stack if this
// run started it. Failures here are reported but do not hide the run's own results.
async function cleanUp(context: PhaseContext, stopCluster: (() => Promise<void>) | undefined): Promise<void> {
  try {
    await deleteTopics(context.cluster, context.runPrefix);
  } catch (error) {
    context.progress.log(`Could not delete the topics of this run (${context.runPrefix}*): ${(error as Error).message}`);
  }
  try {
    await stopCluster?.();
  } catch (error) {
    context.progress.log(`Could not stop the local stack: ${(error as Error).message}`);
  }
}

function printSummary(results: RunResults, json: string, config: BenchConfig): void {
  const took = formatDuration(Date.parse(results.finishedAt ?? results.startedAt) - Date.parse(results.startedAt));
  const lines = [`${config.mode} run finished in ${took}; raw results in ${json}`];
  for (const check of checkTargets(results)) {
    if (!check.ratio) continue;
    const status = check.met ? 'met' : 'MISSED';
    lines.push(`  ${check.description} / ${check.baseline}: ${check.ratio.median.toFixed(2)} (target ${check.threshold}) ${status}`);
  }
  for (const error of results.errors) lines.push(`  FAILED ${error.job}: ${error.message}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
