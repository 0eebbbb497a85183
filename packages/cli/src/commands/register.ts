import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { catalogCompatibility, catalogSubject, SchemaLoadError } from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';
import type { CommandIo } from '../main.js';
import { loadCatalogOf } from '../schema-dir.js';
import {
  RegistryClient,
  RegistryConnectionError,
  RegistryResponseError,
  registryOptions,
} from '../registry/client.js';
import { applyPlan, planRegistrations } from './register-plan.js';
import { formatRegisterJson, formatRegisterText } from './register-output.js';

const HELP = `Usage: caddy-events register [--dry-run] [--set-compatibility] [--url <url>]
                             [--schemas <dir>] [--format <text|json>]

Registers the schema of every event under its subject, for a deploy that runs the SDK with
EVENTS_REGISTRY_MODE=lookup-only. Subjects are <EVENTS_TOPIC_PREFIX><topic>-<record full name>
(TopicRecordNameStrategy), and the registered text is the normalized schema the SDK uses.

Options:
  --dry-run              change nothing; list per subject whether it would be a new subject,
                         a new version or unchanged (and, with --set-compatibility, the level)
  --set-compatibility    also set each subject's compatibility level to the one its schema
                         declares in "event": {"compatibility": ...} (default FULL_TRANSITIVE);
                         without it, the registry's levels are left alone
  --url <url>            registry URL (default: SCHEMA_REGISTRY_URL); basic auth comes from
                         SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD
  --schemas <dir>        directory of .avsc files (default: schemas)
  --format <text|json>   output format (default: text)
  -h, --help             show this help

Exit status: 0 done (or, with --dry-run, planned), 1 the registry rejected a schema or a level
(for example as incompatible), 2 invalid input or an unreachable registry.
`;

interface RegisterOptions {
  dryRun: boolean;
  setCompatibility: boolean;
  url?: string;
  schemas: string;
  format: 'text' | 'json';
}

/**
 * Runs `caddy-events register`: plans the registration of every catalog schema, then, unless
 * `--dry-run` is given, applies it. Writes the report to standard output and returns 0 when
 * everything succeeded, 1 when the registry rejected something, and 2 for invalid input.
 */
export async function runRegister(argv: string[], io: CommandIo): Promise<number> {
  try {
    const options = readOptions(argv);
    if (options === 'help') {
      io.stdout(HELP);
      return 0;
    }
    return await register(options, io);
  } catch (error) {
    const known =
      error instanceof InvalidInputError ||
      error instanceof SchemaLoadError ||
      error instanceof RegistryConnectionError ||
      error instanceof RegistryResponseError;
    if (!known) throw error;
    const message = (error as Error).message;
    const prefix = message.startsWith('caddy-events') ? '' : 'caddy-events register: ';
    io.stderr(`${prefix}${message}${message.endsWith('\n') ? '' : '\n'}`);
    return 2;
  }
}

async function register(options: RegisterOptions, io: CommandIo): Promise<number> {
  const env = io.env ?? process.env;
  const settings = registryOptions(options.url, env);
  if (settings === undefined) {
    throw new InvalidInputError('caddy-events register: set SCHEMA_REGISTRY_URL or pass --url.');
  }
  const schemaDir = resolve(io.cwd, options.schemas);
  const catalog = await loadCatalogOf('register', schemaDir, options.schemas);
  // Declared levels are read before the first request, so a typo fails with nothing changed.
  if (options.setCompatibility) catalog.events.forEach((event) => catalogCompatibility(event));
  const client = new RegistryClient(settings);
  const topicPrefix = env.EVENTS_TOPIC_PREFIX ?? '';
  const plans = await planRegistrations(client, catalog.events, {
    topicPrefix,
    setCompatibility: options.setCompatibility,
    schemaDir: options.schemas,
  });
  if (!options.dryRun) {
    const schemas = new Map(
      catalog.events.map((event) => [catalogSubject(event, topicPrefix), event.canonical]),
    );
    await applyPlan(client, plans, schemas);
  }
  const report = { url: client.url, dryRun: options.dryRun, subjects: plans };
  io.stdout(options.format === 'json' ? formatRegisterJson(report) : formatRegisterText(report));
  return plans.some((plan) => plan.error !== undefined) ? 1 : 0;
}

function readOptions(argv: string[]): RegisterOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'set-compatibility': { type: 'boolean', default: false },
        url: { type: 'string' },
        schemas: { type: 'string', default: 'schemas' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw usageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.format !== 'text' && values.format !== 'json') {
    throw usageError(`Unknown format '${values.format}'; use text or json.`);
  }
  return {
    dryRun: values['dry-run'],
    setCompatibility: values['set-compatibility'],
    ...(values.url === undefined ? {} : { url: values.url }),
    schemas: values.schemas,
    format: values.format,
  };
}

function usageError(message: string): InvalidInputError {
  return new InvalidInputError(`caddy-events register: ${message}\n\n${HELP}`);
}
