// Entry point of a worker process: receives one job from the runner over IPC, runs it,
// sends back its result or failure, and exits. See protocol.ts.
import { runConsume, runPrefill } from './consume-bench.js';
import type { ConsumeParams, PrefillParams } from './consume-bench.js';
import { enableProfiling } from './profiling.js';
import type { FailureMessage, ResultMessage, WorkerJob } from './protocol.js';
import { runPublish } from './publish-bench.js';
import type { PublishParams } from './publish-bench.js';
import { runSerde, runSerdeProfile } from './serde-bench.js';
import type { SerdeParams, SerdeProfileParams } from './serde-bench.js';

async function run(job: WorkerJob): Promise<unknown> {
  switch (job.scenario) {
    case 'serde':
      return runSerde(job.cluster, job.params as unknown as SerdeParams);
    case 'serde-profile':
      return runSerdeProfile(job.cluster, job.params as unknown as SerdeProfileParams);
    case 'publish':
      return runPublish(job.cluster, job.params as unknown as PublishParams);
    case 'prefill':
      return runPrefill(job.cluster, job.params as unknown as PrefillParams);
    case 'consume':
      return runConsume(job.cluster, job.params as unknown as ConsumeParams);
    default:
      throw new Error(`Unknown scenario '${job.scenario}'.`);
  }
}

// Exits once the runner has the message. `process.exit` also ends any socket or timer
// that a library left open.
function reply(message: ResultMessage | FailureMessage): void {
  process.send?.(message, () => process.exit(message.kind === 'result' ? 0 : 1));
}

process.once('message', (job: WorkerJob) => {
  enableProfiling(job.profilePath);
  run(job).then(
    (result) => reply({ kind: 'result', result }),
    (error: unknown) => reply({ kind: 'failure', message: error instanceof Error ? error.message : String(error) }),
  );
});
