// Messages between the runner (main.ts) and a worker process (worker.ts). Each scenario
// runs in a fresh worker so that its memory peaks, JIT state and garbage are its own.

/** Addresses of the cluster under test. */
export interface ClusterAddress {
  brokers: string[];
  registryUrl: string;
}

/** A job for one worker: the scenario to run and its parameters. */
export interface WorkerJob {
  scenario: string;
  cluster: ClusterAddress;
  params: Record<string, unknown>;
  /** Path of a CPU profile of the measured section. Absent: no profile. */
  profilePath?: string;
}

/** Progress of a running job, shown on the runner's progress line. */
export interface ProgressMessage {
  kind: 'progress';
  done: number;
  total: number;
  /** Short text such as `round 2/3`. */
  detail?: string;
  /** Unit of `done`. The display shows a rate for events only. */
  unit: 'events' | 'rounds';
}

/** Final outcome of a job, with `result` as scenario-specific JSON. */
export interface ResultMessage {
  kind: 'result';
  result: unknown;
}

/** Failure of a job. The runner records the message on the page and goes on. */
export interface FailureMessage {
  kind: 'failure';
  message: string;
}

export type WorkerMessage = ProgressMessage | ResultMessage | FailureMessage;

/** Sends progress to the runner at most every 200 ms, and always for the last step. */
export function progressReporter(total: number, unit: ProgressMessage['unit'] = 'events'): (done: number, detail?: string) => void {
  let last = 0;
  return (done, detail) => {
    const now = Date.now();
    if (done < total && now - last < 200) return;
    last = now;
    const message: ProgressMessage = { kind: 'progress', done, total, unit, ...(detail ? { detail } : {}) };
    process.send?.(message);
  };
}
