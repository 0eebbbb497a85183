import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import type { Progress } from './progress.js';
import type { ClusterAddress } from './protocol.js';

/** Root of the repository, where scripts/stack.sh lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The cluster a run talks to, and how to stop it when this run started it. */
export interface Cluster {
  address: ClusterAddress;
  /** `local stack (Kafka 4.1.2, Apicurio Registry 3.3.3)` or `external cluster`. */
  description: string;
  stop?: () => Promise<void>;
}

/**
 * Uses the cluster named by REDPANDA_BROKERS and SCHEMA_REGISTRY_URL when both are set.
 * Otherwise it uses the repository's local stack (scripts/stack.sh, whose STACK_* variables
 * choose ports and directories). When the stack is not running yet, it starts it, and
 * `stop` stops it again.
 */
export async function openCluster(progress: Progress): Promise<Cluster> {
  const brokers = process.env.REDPANDA_BROKERS?.trim();
  const registryUrl = process.env.SCHEMA_REGISTRY_URL?.trim();
  if (brokers && registryUrl) {
    return { address: { brokers: brokers.split(','), registryUrl }, description: `external cluster (brokers ${brokers})` };
  }
  // A stack that already answers belongs to someone else (another run, the tests), so this
  // run uses it and leaves it running.
  const running = await stackCommand(['status'], progress, true).then(
    () => true,
    () => false,
  );
  if (!running) {
    progress.log('Starting the local Kafka and schema registry (scripts/stack.sh up)...');
    await stackCommand(['up'], progress);
  }
  const env = await stackCommand(['env'], progress, true);
  const address = {
    brokers: exported(env, 'REDPANDA_BROKERS').split(','),
    registryUrl: exported(env, 'SCHEMA_REGISTRY_URL'),
  };
  const versions = await stackVersions();
  if (running) return { address, description: `local stack that was already running: ${versions}` };
  return {
    address,
    description: `local stack started by the benchmark: ${versions}`,
    stop: async () => {
      progress.log('Stopping the local stack (scripts/stack.sh down)...');
      await stackCommand(['down'], progress);
    },
  };
}

function stackCommand(args: string[], progress: Progress, capture = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/stack.sh', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) progress.log(`  ${line}`);
    };
    child.stdout.on('data', (chunk: Buffer) => (capture ? (output += chunk.toString('utf8')) : forward(chunk)));
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`scripts/stack.sh ${args.join(' ')} failed with exit code ${code}; its output is above.`));
    });
  });
}

function exported(env: string, name: string): string {
  const match = new RegExp(`^export ${name}=(.*)$`, 'm').exec(env);
  if (!match) throw new Error(`scripts/stack.sh env printed no ${name}.`);
  return (match[1] as string).replace(/^['"]|['"]$/g, '');
}

// The versions come from stack/pom.xml, the file the stack script fetches them by.
async function stackVersions(): Promise<string> {
  const pom = await readFile(new URL('stack/pom.xml', `file://${REPO_ROOT}`), 'utf8');
  const property = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)?.[1] ?? 'unknown';
  return `Apache Kafka ${property('kafka.version')} (one KRaft node) and Apicurio Registry ${property('apicurio.version')}`;
}
