import { execFile } from 'node:child_process';
import { join } from 'node:path';

const DEMO_DIR = join(import.meta.dirname, '..');

/** Runs the demo as `corepack pnpm start` would, and returns its exit code and output lines. */
export function runDemo(env: Record<string, string | undefined>): Promise<{ code: number; lines: string[]; stderr: string }> {
  const tsx = join(DEMO_DIR, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve) => {
    execFile(tsx, ['src/main.ts'], { cwd: DEMO_DIR, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, lines: stdout.trimEnd().split('\n'), stderr });
    });
  });
}

/** The 17 events of the demo's flow and the consumer that handles each. */
export const EXPECTED_HANDLED = [
  ['user.registered', 'order-analytics'],
  ['user.logged_in', 'order-analytics'],
  ['product.created', 'stock-updates'],
  ['product.created', 'stock-updates'],
  ['product.stock.updated', 'stock-updates'],
  ['product.stock.updated', 'stock-updates'],
  ['product.price.updated', 'stock-updates'],
  ['product.updated', 'stock-updates'],
  ['product.viewed', 'stock-updates'],
  ['order.created', 'order-analytics'],
  ['order.updated', 'order-analytics'],
  ['order.paid', 'order-analytics'],
  ['product.stock.updated', 'stock-updates'],
  ['product.stock.updated', 'stock-updates'],
  ['order.shipped', 'order-analytics'],
  ['order.completed', 'order-analytics'],
  ['user.profile.updated', 'order-analytics'],
] as const;

/** Returns the handled lines as sorted `type by consumer` pairs, without keys. */
export function handledPairs(lines: string[]): string[] {
  return lines
    .filter((line) => line.startsWith('handled '))
    .map((line) => {
      const match = /^handled (\S+) key=[0-9a-f-]{36} by (\S+)$/.exec(line);
      return match ? `${match[1]} by ${match[2]}` : `malformed: ${line}`;
    })
    .sort();
}

/** The expected handled pairs, sorted. */
export const expectedPairs = EXPECTED_HANDLED.map(([type, consumer]) => `${type} by ${consumer}`).sort();
