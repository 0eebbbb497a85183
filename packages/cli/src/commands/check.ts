import type { CommandIo } from '../main.js';

/** Runs `caddy-events check`. */
export async function runCheck(_argv: string[], io: CommandIo): Promise<number> {
  io.stderr('caddy-events check: not available in this build.\n');
  return 2;
}
