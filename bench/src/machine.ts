import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

import { confluentRegistryPrefix } from './stack-cache.js';

/** The machine and software a run measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** One-minute load average at the start and the end of the run. */
  loadAtStart: number;
  loadAtEnd?: number;
  packages: Record<string, string>;
}

const PACKAGES = ['@caddy/events', 'kafkajs', 'avsc', '@kafkajs/confluent-schema-registry', '@confluentinc/schemaregistry'];

/** Describes this machine and the installed versions of the libraries under test. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAtStart: os.loadavg()[0] ?? 0,
    packages: installedPackages(),
  };
}

/**
 * The installed version of each library under test. The serde part installs
 * @confluentinc/schemaregistry into the stack cache on its first run, so a run reads the
 * versions again at its end.
 */
export function installedPackages(): Record<string, string> {
  return Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)]));
}

const workspaceRequire = createRequire(import.meta.url);

// Returns the resolver of a library: the workspace's, except for the one installed outside it.
function resolverOf(name: string): NodeJS.Require {
  return name === '@confluentinc/schemaregistry' ? createRequire(join(confluentRegistryPrefix(), 'noop.js')) : workspaceRequire;
}

// Finds the package's directory from its entry point, because not every package exports
// its package.json.
function installedVersion(name: string): string {
  try {
    let directory = resolverOf(name).resolve(name);
    while (directory !== '/') {
      directory = directory.slice(0, directory.lastIndexOf('/')) || '/';
      try {
        const manifest = JSON.parse(readFileSync(`${directory}/package.json`, 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name) return manifest.version ?? 'unknown';
      } catch {
        // No package.json at this level, so keep walking up.
      }
    }
    return 'unknown';
  } catch {
    return 'not installed';
  }
}
