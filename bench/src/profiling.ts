import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

// CPU profiling of the measured section of a worker: started after warm-up and stopped when
// timing ends, so module loading and connection set-up stay out of the profile (which they
// would not with `node --cpu-prof`, whose profile spans the whole process).

let outputPath: string | undefined;
let session: Session | undefined;

/** Turns profiling on for this worker, which then writes its profile to `path` as a `.cpuprofile`. */
export function enableProfiling(path: string | undefined): void {
  outputPath = path;
}

/** Starts the V8 sampling profiler when profiling is on, and does nothing otherwise. */
export async function startProfiling(): Promise<void> {
  if (!outputPath || session) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}

/** Stops the profiler and writes the profile, and does nothing when it is not running. */
export async function stopProfiling(): Promise<void> {
  if (!outputPath || !session) return;
  const { profile } = await session.post('Profiler.stop');
  await writeFile(outputPath, JSON.stringify(profile));
  session.disconnect();
  session = undefined;
}
