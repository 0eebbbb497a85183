import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// A V8 CPU profile as `node --cpu-prof` writes it: a call tree of nodes, and the node that
// was on top of the stack at each sample, with the time since the previous sample.
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or one package, as a share of all samples. */
export interface ProfileEntry {
  name: string;
  share: number;
}

/** Summary of a profiled run: self time by function and by package, and total time of SDK functions. */
export interface ProfileSummary {
  totalMs: number;
  /** Time with nothing on the stack: the process waited for the network or a timer. */
  idleShare: number;
  functions: ProfileEntry[];
  packages: ProfileEntry[];
  /** Functions of @caddy/events by total time: their own and that of everything they call. */
  sdkTotals: ProfileEntry[];
}

/**
 * Reads a `.cpuprofile` and sums self time per function and per package. Frames in bundled
 * files that ship a source map (such as packages/events/dist) are named by their source
 * file and line.
 */
export async function summarizeProfile(path: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const sources = new SourceLocator();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const names = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame, sources)]));

  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  const sdkTotals = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    total += delta;
    if (frame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    add(functions, names.get(id) as string, delta);
    add(packages, packageOf(frame.url, frame.functionName), delta);
    // Each SDK function on the sample's stack gets the sample once, even when it recurses.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parents.get(node)) {
      const name = names.get(node) as string;
      if (name.includes('(packages/events/') && !seen.has(name)) {
        seen.add(name);
        add(sdkTotals, name, delta);
      }
    }
  });
  return {
    totalMs: total / 1000,
    idleShare: total === 0 ? 0 : idle / total,
    functions: topEntries(functions, total, top),
    packages: topEntries(packages, total, top),
    sdkTotals: topEntries(sdkTotals, total, top),
  };
}

function frameName(frame: CallFrame, sources: SourceLocator): string {
  return `${frame.functionName || '(anonymous)'} ${sources.locate(frame)}`.trim();
}

function add(times: Map<string, number>, key: string, delta: number): void {
  times.set(key, (times.get(key) ?? 0) + delta);
}

function topEntries(times: Map<string, number>, total: number, top: number): ProfileEntry[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name, share: total === 0 ? 0 : time / total }));
}

// Names a frame's location as `(file:line)`. V8 counts lines and columns from zero, and
// editors count lines from one.
class SourceLocator {
  private readonly maps = new Map<string, SourceMap | undefined>();

  locate(frame: CallFrame): string {
    if (!frame.url) return '';
    const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
    const map = this.mapOf(path);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(path, '..', entry.originalSource);
      return `(${shortPath(source)}:${entry.originalLine + 1})`;
    }
    return `(${shortPath(path)}:${frame.lineNumber + 1})`;
  }

  private mapOf(path: string): SourceMap | undefined {
    if (!this.maps.has(path)) {
      let map: SourceMap | undefined;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = undefined;
      }
      this.maps.set(path, map);
    }
    return this.maps.get(path);
  }
}

// From the package name or from `packages/` on, so that a path reads the same in any checkout.
function shortPath(path: string): string {
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const index = path.lastIndexOf('/packages/');
  return index >= 0 ? path.slice(index + 1) : basename(path);
}

/** Names the package a frame belongs to, from its file URL. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (modules) return modules[1] as string;
  if (url.includes('/packages/events/')) return '@caddy/events';
  if (url.includes('/bench/')) return 'benchmark code';
  return basename(url);
}
