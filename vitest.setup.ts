import { afterEach, beforeEach, vi } from 'vitest';

// The SDK logs only through an injected logger, so any console output during a test is a
// bug: a stray debug line, or a library writing where it should not. It fails the test.

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let output: string[] = [];

beforeEach(() => {
  output = [];
  for (const method of METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (output.length > 0) {
    throw new Error(`Unexpected console output during the test:\n${output.slice(0, 5).join('\n')}`);
  }
});
