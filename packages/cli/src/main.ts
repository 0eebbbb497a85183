import { runCheck } from './commands/check.js';
import { runCodegen } from './commands/codegen.js';
import { runRegister } from './commands/register.js';
import { runReplay } from './commands/replay.js';

/** Streams a command writes to; tests pass their own to capture the output. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Environment variables the command reads; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const USAGE = `Usage: caddy-events <command> [options]

Commands:
  codegen [--schemas <dir>] [--package <dir>] [--check]
      Generate the SDK's TypeScript sources from the Avro schemas.
      --check exits 1 when the generated files are stale.
  check [--against history|git:<ref>|registry] [--format text|json|github]
      Check every schema in schemas/ against the previous versions of its subject, at the
      level each schema declares (default FULL_TRANSITIVE).
  check --level <LEVEL> [--previous <old.avsc>]... <new.avsc>
      Check one schema against its previous versions (oldest first).
  register [--dry-run] [--set-compatibility] [--url <url>]
      Register every schema under its subject; --dry-run lists what would change.
  replay --topic <topic.dlq> [--group <id>] [--to <topic>] [--limit <n>] [--dry-run]
      Republish dead-lettered events to their original topics once the cause is fixed.

Run 'caddy-events <command> --help' for the options of one command.
`;

/** Runs the CLI with the arguments after the program name and returns the exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'codegen':
      return runCodegen(rest, io);
    case 'check':
      return runCheck(rest, io);
    case 'register':
      return runRegister(rest, io);
    case 'replay':
      return runReplay(rest, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      (command === undefined ? io.stderr : io.stdout)(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`caddy-events: unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}

function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}
