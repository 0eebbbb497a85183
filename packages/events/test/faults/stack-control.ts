import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stackEnv } from '../stack-env.js';

// The fault tests stop, kill and restart the servers of scripts/stack.sh. They call the
// script with the environment they inherit, so its STACK_* variables (ports, state
// directory) must be the ones the stack was started with.

/** The repository root, where scripts/stack.sh lives. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Returns the stack's state directory: `STACK_STATE_DIR`, else `.stack` in the repository. */
export function stackStateDir(): string {
  return process.env.STACK_STATE_DIR || join(repoRoot, '.stack');
}

/** Runs `bash scripts/stack.sh ARGS` and resolves with its output, or rejects with the output when it fails. */
export function stackCommand(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(repoRoot, 'scripts/stack.sh'), ...args],
      { env: { ...process.env, ...extraEnv }, timeout: 180_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error) reject(new Error(`scripts/stack.sh ${args.join(' ')} failed (${error.message}):\n${output}`));
        else resolve(output);
      },
    );
  });
}

/**
 * Checks that REDPANDA_BROKERS and SCHEMA_REGISTRY_URL name the stack that scripts/stack.sh
 * runs with the current STACK_* variables, because a fault test must kill that broker and no
 * other. Throws with the way to fix it otherwise.
 */
export async function requireLocalStack(): Promise<{ REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string }> {
  const env = stackEnv();
  const expected = await stackCommand(['env']);
  const brokers = /REDPANDA_BROKERS=(\S+)/.exec(expected)?.[1];
  const registry = /SCHEMA_REGISTRY_URL=(\S+)/.exec(expected)?.[1];
  if (env.REDPANDA_BROKERS !== brokers || env.SCHEMA_REGISTRY_URL !== registry) {
    throw new Error(
      `The fault tests restart the servers of scripts/stack.sh, which runs the broker at ${brokers} and the registry ` +
        `at ${registry} with the current STACK_* variables, but REDPANDA_BROKERS=${env.REDPANDA_BROKERS} and ` +
        `SCHEMA_REGISTRY_URL=${env.SCHEMA_REGISTRY_URL}. Run them with the variables of \`scripts/stack.sh env\`.`,
    );
  }
  await stackCommand(['status']).catch((error: unknown) => {
    throw new Error(`The local stack is not up; start it with \`scripts/stack.sh up\`.\n${(error as Error).message}`);
  });
  return env;
}

/** Returns the pid of the running broker, from the stack's pid file. */
export function brokerPid(): number {
  const file = join(stackStateDir(), 'kafka', 'kafka.pid');
  if (!existsSync(file)) throw new Error(`No broker pid file at ${file}: is the stack up with this STACK_STATE_DIR?`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`The broker pid file ${file} has no pid.`);
  return pid;
}

/** Sends SIGKILL to the broker and resolves once its process is gone. */
export async function killBroker(): Promise<number> {
  const pid = brokerPid();
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 10_000);
  return pid;
}

/** Starts the broker again on its existing data, so topics and committed offsets survive. */
export function restartBroker(): Promise<string> {
  return stackCommand(['up', 'kafka'], { STACK_KAFKA_KEEP_DATA: '1' });
}

/** Waits until process `pid` no longer exists, and rejects when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`Process ${pid} still runs ${timeoutMs} ms after it was signalled.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A killed process that its parent has not reaped yet is a zombie. Signal 0 still finds it,
// but it has released its ports and files, so it counts as gone.
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Runs a Java main class, or a single-file Java source, with the running broker's own Java
 * and classpath, so Kafka's tools (such as `kafka.tools.DumpLogSegments`) and its Java admin
 * client are at hand without a Kafka distribution. Resolves with standard output.
 */
export function runWithBrokerJava(mainOrSource: string, args: string[]): Promise<string> {
  const commandLine = readFileSync(`/proc/${brokerPid()}/cmdline`, 'utf8').split('\0');
  const java = commandLine[0] as string;
  const classpath = commandLine[commandLine.indexOf('-cp') + 1];
  if (!classpath) throw new Error(`The broker's command line has no -cp: ${commandLine.join(' ')}`);
  return new Promise((resolve, reject) => {
    execFile(java, ['-cp', classpath, mainOrSource, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${mainOrSource} failed (${error.message}):\n${stderr}`));
      else resolve(stdout);
    });
  });
}
