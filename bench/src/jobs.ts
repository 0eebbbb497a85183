import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Progress } from './progress.js';
import type { ClusterAddress, WorkerJob, WorkerMessage } from './protocol.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Options of one worker job. */
export interface JobOptions {
  /** Path of a CPU profile of the worker's measured section. Absent: no profile. */
  profilePath?: string;
  /** Time after which the worker is killed and the job fails, in milliseconds. */
  timeoutMs: number;
}

/**
 * Runs one scenario in a fresh worker process and resolves with its result. The worker
 * inherits this process's loader flags (tsx) and runs with `--expose-gc`, so scenarios can
 * collect garbage between timed sections. Rejects when the worker reports a failure, exits
 * without a result, or outlives the timeout.
 */
export function runJob<T>(
  scenario: string,
  cluster: ClusterAddress,
  params: object,
  progress: Progress,
  options: JobOptions,
): Promise<T> {
  const execArgv = [...process.execArgv, '--expose-gc'];
  const child = fork(WORKER, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`The ${scenario} job did not finish within ${options.timeoutMs} ms and was stopped.`)));
      child.kill('SIGKILL');
    }, options.timeoutMs);

    // The job settles when the worker has exited, not when its result arrives, so the next
    // job does not share the cores with this one.
    let outcome: WorkerMessage | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') progress.update(message);
      else outcome = message;
    });
    child.on('error', (error) => settle(() => reject(error)));
    child.on('exit', (code, signal) => {
      const last = outcome;
      if (last?.kind === 'result') settle(() => resolve(last.result as T));
      else if (last?.kind === 'failure') settle(() => reject(new Error(last.message)));
      else settle(() => reject(new Error(`The ${scenario} worker exited (${signal ?? `code ${code}`}) without a result.`)));
    });
    const job: WorkerJob = { scenario, cluster, params: params as Record<string, unknown>, ...(options.profilePath ? { profilePath: options.profilePath } : {}) };
    child.send(job);
  });
}
