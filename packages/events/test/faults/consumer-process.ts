import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Runs consumer-child.mjs, a consumer group member in its own process, and reads the log
// it writes. The child imports packages/events/dist, so the package must be built first.

const SCRIPT = fileURLToPath(new URL('./consumer-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Settings of one consumer child, described in the header of consumer-child.mjs. */
export interface ConsumerSettings {
  brokers: string;
  registryUrl: string;
  prefix: string;
  groupId: string;
  logFile: string;
  types: string[];
  handlerDelayMs: number;
  partitionsConsumedConcurrently?: number;
  concurrency?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
}

/** One line of the child's log. */
export interface LogLine {
  kind: 'ready' | 'start' | 'done' | 'signal';
  partition: number;
  offset: bigint;
  id: string;
  time: number;
}

/** A running consumer child process. */
export class ConsumerProcess {
  private stderr = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Settles when the process has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly settings: ConsumerSettings,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-20_000)));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Starts a child, or throws at once when the SDK is not built. */
  static start(settings: ConsumerSettings): ConsumerProcess {
    if (!existsSync(DIST)) {
      throw new Error(`${DIST} is missing: build the SDK with \`corepack pnpm run build\` before the fault tests.`);
    }
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify(settings)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new ConsumerProcess(child, settings);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Sends a signal to the child. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Returns the lines the child has logged so far. */
  lines(): LogLine[] {
    if (!existsSync(this.settings.logFile)) return [];
    // The text after the last newline is empty or a line still being written.
    const complete = readFileSync(this.settings.logFile, 'utf8').split('\n').slice(0, -1);
    return complete.map(parseLine);
  }

  /**
   * Polls the log until `condition` returns true and resolves with the lines. Rejects with the
   * child's stderr when it exits first or after `timeoutMs`.
   */
  async waitFor(what: string, condition: (lines: LogLine[]) => boolean, timeoutMs: number): Promise<LogLine[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.lines();
      if (condition(lines)) return lines;
      if (this.exit) throw new Error(`The consumer child exited (${JSON.stringify(this.exit)}) before ${what}.\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The end of the child's stderr, for failure messages. */
  get errorOutput(): string {
    return this.stderr;
  }
}

function parseLine(line: string): LogLine {
  const parts = line.split(' ');
  const kind = parts[0] as LogLine['kind'];
  const time = Number(parts[parts.length - 1]);
  if (kind === 'start' || kind === 'done') {
    return { kind, partition: Number(parts[1]), offset: BigInt(parts[2] as string), id: parts[3] as string, time };
  }
  return { kind, partition: -1, offset: -1n, id: parts[1] ?? '', time };
}
