// The consumer side of the smoke test. A project outside the workspace installs the packed
// tarballs with plain npm and compiles TypeScript against them under three module
// resolution modes. It then runs the output as ESM and as CommonJS, and runs the installed
// `caddy-events` binary.

import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { baseEnv, repoRoot, run } from './lib.mjs';

const fixtures = join(repoRoot, 'scripts', 'smoke', 'fixtures');

// Kafka clients for Node.js. The SDK is built on kafkajs alone, so any other one in the
// installed tree would be a second client pulled in by some dependency.
const KAFKA_CLIENTS = [
  'kafkajs',
  'node-rdkafka',
  '@confluentinc/kafka-javascript',
  'kafka-node',
  '@platformatic/kafka',
];

// Fields of the JSON line that each compiled consumer prints once it received its event and
// the bad value was rejected (see fixtures/consumer/order.ts).
const EXPECTED_OUTPUT = {
  topic: 'orders',
  offset: '0',
  key: '2a7d4c8e-1f3b-4e5a-9c6d-7e8f9a0b1c2d',
  total: '30.70 EUR',
  status: 'PENDING',
  rejectedField: 'total.amount',
};

/**
 * Environment for npm in the consumer folder: the `npm_*` and `pnpm_*` variables that pnpm
 * sets for scripts (user agent, lifecycle, workspace settings) are removed, so npm behaves
 * as in a fresh shell. Registry, cache and proxy settings of the user are kept.
 */
function plainNpmEnv() {
  const userSettings =
    /^npm_config_(registry|cache|userconfig|globalconfig|https?_proxy|proxy|noproxy|cafile|strict_ssl)$/i;
  const env = {};
  for (const [name, value] of Object.entries(baseEnv)) {
    if (/^(npm|pnpm)_/i.test(name) && !userSettings.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/** Compiler options per module resolution mode, with the files that compile and those that must not. */
const MODES = {
  node16: {
    options: { module: 'node16', moduleResolution: 'node16', outDir: 'out/node16' },
    files: ['src/order.mts', 'src/order.cts'],
    wrongFiles: ['src/wrong-field.mts', 'src/wrong-field.cts'],
  },
  bundler: {
    options: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
    files: ['src/order.ts'],
    wrongFiles: ['src/wrong-field.ts'],
  },
  // TypeScript's resolution for `module: commonjs`, which many CommonJS projects still use,
  // NestJS apps among them. It reads no `exports` map, so `@caddy/events/testing` resolves
  // through `typesVersions`.
  // NOTE: the declarations default-import avsc, a CommonJS module, so a consumer that
  // type-checks them under `module: commonjs` needs esModuleInterop or
  // allowSyntheticDefaultImports (TS1192 otherwise); skipLibCheck hides it.
  node10: {
    options: {
      module: 'commonjs',
      moduleResolution: 'node10',
      esModuleInterop: true,
      outDir: 'out/node10',
    },
    files: ['src/order.ts'],
    wrongFiles: ['src/wrong-field.ts'],
  },
};

/** Writes the consumer's package.json: the SDK and the CLI from the tarballs. */
function writeManifest(dir, packages) {
  const tarballSpec = (name) => `file:${packages.find((pkg) => pkg.name === name).tarball}`;
  // Overrides pin every @caddy package, including transitive ones, to its tarball, so npm
  // never requests a version of them from the registry.
  const overrides = Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  const manifest = {
    name: 'caddy-events-smoke-consumer',
    version: '0.0.0',
    private: true,
    dependencies: {
      '@caddy/events': tarballSpec('@caddy/events'),
      '@caddy/events-cli': tarballSpec('@caddy/events-cli'),
    },
    devDependencies: { '@types/node': '^20.19.0' },
    overrides,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Lists every installed package, nested `node_modules` included, with its folder. */
function installedPackages(nodeModules) {
  const found = [];
  const visitPackage = (dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    found.push({ name: manifest.name, version: manifest.version, dir });
    if (existsSync(join(dir, 'node_modules'))) visitFolder(join(dir, 'node_modules'));
  };
  const visitFolder = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const path = join(folder, entry.name);
      if (entry.name.startsWith('@')) visitFolder(path);
      else if (existsSync(join(path, 'package.json'))) visitPackage(path);
    }
  };
  visitFolder(nodeModules);
  return found;
}

/** Installs the tarballs and checks the installed tree for extra Kafka clients and native builds. */
export function installTarballs(dir, packages, log) {
  writeManifest(dir, packages);
  const npmVersion = run('npm', ['--version'], { cwd: dir, env: plainNpmEnv() }).stdout.trim();
  const install = run('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: plainNpmEnv(),
  });
  const installed = installedPackages(join(dir, 'node_modules'));
  log(
    `npm ${npmVersion} installed ${installed.length} packages in ${install.seconds.toFixed(1)} s`,
  );

  const kafkaClients = installed.filter((pkg) => KAFKA_CLIENTS.includes(pkg.name));
  const clientList = kafkaClients.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ');
  if (kafkaClients.length !== 1 || kafkaClients[0].name !== 'kafkajs') {
    throw new Error(
      `Expected kafkajs as the only Kafka client in the installed tree, found: ${clientList || 'none'}.`,
    );
  }
  const native = installed.filter((pkg) => existsSync(join(pkg.dir, 'binding.gyp')));
  if (native.length > 0) {
    throw new Error(
      `Installed packages need a native build: ${native.map((pkg) => pkg.name).join(', ')}.`,
    );
  }
  const thirdParty = installed
    .filter(
      (pkg) =>
        !pkg.name.startsWith('@caddy/') &&
        !pkg.name.startsWith('@types/') &&
        pkg.name !== 'undici-types',
    )
    .map((pkg) => `${pkg.name}@${pkg.version}`)
    .sort();
  log(`runtime packages from the registry: ${thirdParty.join(', ')}`);
  log(`one Kafka client (${clientList}), no native builds`);
}

function copyConsumerSources(dir) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const extension of ['ts', 'mts', 'cts']) {
    cpSync(join(fixtures, 'consumer', 'order.ts'), join(dir, 'src', `order.${extension}`));
    cpSync(
      join(fixtures, 'consumer', 'wrong-field.ts'),
      join(dir, 'src', `wrong-field.${extension}`),
    );
  }
}

function writeTsconfig(dir, name, options, files) {
  const compilerOptions = {
    strict: true,
    target: 'es2022',
    lib: ['es2022'],
    types: ['node'],
    // The declarations of the packages and their dependencies are type-checked as well.
    skipLibCheck: false,
    noEmitOnError: true,
    rootDir: 'src',
    ...options,
  };
  const path = join(dir, `tsconfig.${name}.json`);
  writeFileSync(path, `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  return path;
}

// The workspace's TypeScript, so the consumer compiles with the version the repository pins.
function tsc(dir, args, expectStatus) {
  const compiler = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  return run(process.execPath, [compiler, ...args], { cwd: dir, expectStatus });
}

function compile(dir, tsconfig, expectStatus) {
  return tsc(dir, ['-p', tsconfig, '--pretty', 'false'], expectStatus);
}

/** Parses tsc's `file(line,column): error TSxxxx: message` lines. */
function parseErrors(output) {
  const pattern = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
  return output
    .split('\n')
    .map((line) => pattern.exec(line))
    .filter(Boolean)
    .map(([, file, line, , code, message]) => ({ file, line: Number(line), code, message }));
}

/**
 * Checks that tsc rejects the wrong-field fixture with exactly its two marked errors per
 * file: the misspelled field `shippingAdress`, named in the message, and a float for money.
 */
function checkWrongFieldErrors(mode, files, output) {
  const fixtureLines = readFileSync(join(fixtures, 'consumer', 'wrong-field.ts'), 'utf8').split(
    '\n',
  );
  const lineOf = (text) => fixtureLines.findIndex((line) => line.includes(text)) + 1;
  const misspelledLine = lineOf('shippingAdress: address');
  const floatLine = lineOf('total: 30.7');
  const errors = parseErrors(output);
  const describe = () => `${mode}: tsc output was:\n${output.trim()}`;
  if (errors.length !== files.length * 2) {
    throw new Error(`Expected ${files.length * 2} errors. ${describe()}`);
  }
  for (const file of files) {
    const inFile = errors.filter((error) => error.file === file);
    const misspelled = inFile.find((error) => error.line === misspelledLine);
    const float = inFile.find((error) => error.line === floatLine);
    if (!misspelled || !misspelled.message.includes("'shippingAdress'")) {
      throw new Error(
        `Expected an error naming 'shippingAdress' at ${file}:${misspelledLine}. ${describe()}`,
      );
    }
    if (!float || !float.message.includes("'number'")) {
      throw new Error(
        `Expected an error for the float total at ${file}:${floatLine}. ${describe()}`,
      );
    }
  }
  return errors;
}

/** Compiles the consumer and the wrong-field fixture under every module resolution mode. */
export function compileConsumer(dir, log) {
  copyConsumerSources(dir);
  const version = tsc(dir, ['--version'], 0);
  log(`compiling with the workspace's ${version.stdout.trim()}`);
  for (const [mode, { options, files, wrongFiles }] of Object.entries(MODES)) {
    const good = compile(dir, writeTsconfig(dir, mode, options, files), 0);
    const wrongConfig = writeTsconfig(
      dir,
      `${mode}-wrong`,
      { ...options, noEmit: true, outDir: undefined },
      wrongFiles,
    );
    const wrong = compile(dir, wrongConfig, null);
    if (wrong.status === 0) throw new Error(`${mode}: tsc accepted ${wrongFiles.join(', ')}.`);
    const errors = checkWrongFieldErrors(mode, wrongFiles, wrong.stdout + wrong.stderr);
    const codes = [...new Set(errors.map((error) => error.code))].join(', ');
    const seconds = (good.seconds + wrong.seconds).toFixed(1);
    log(
      `${mode}: ${files.join(', ')} compile; the wrong field fails with ${codes} naming it (${seconds} s)`,
    );
  }
}

/** Runs the compiled consumers, ESM and CommonJS, and compares what they print. */
export function runConsumer(dir, log) {
  const programs = [
    ['ESM (node16)', 'out/node16/order.mjs'],
    ['CommonJS (node16)', 'out/node16/order.cjs'],
    ['CommonJS (node10)', 'out/node10/order.js'],
  ];
  for (const [label, program] of programs) {
    const result = run(process.execPath, [program], { cwd: dir });
    const output = JSON.parse(result.stdout.trim().split('\n').at(-1));
    for (const [field, expected] of Object.entries(EXPECTED_OUTPUT)) {
      if (output[field] !== expected) {
        throw new Error(
          `${label}: ${field} is ${JSON.stringify(output[field])}, expected ${JSON.stringify(expected)}.`,
        );
      }
    }
    log(
      `${label}: published and handled order.created on the in-memory transport; bad value rejected`,
    );
  }
}

/** Runs the installed `caddy-events` binary: help, and `check` on compatible and breaking schemas. */
export function runCli(dir, log) {
  const schemas = join(dir, 'schemas');
  cpSync(join(fixtures, 'schemas'), schemas, { recursive: true });
  const bin = join(dir, 'node_modules', '.bin', 'caddy-events');
  const cli = (args, expectStatus) =>
    run(bin, args, { cwd: schemas, env: plainNpmEnv(), expectStatus });

  const help = cli(['--help'], 0);
  if (!help.stdout.includes('Usage: caddy-events') || !help.stdout.includes('check')) {
    throw new Error(`caddy-events --help printed no usage:\n${help.stdout}`);
  }
  log('caddy-events --help exits 0 with the usage');

  const level = ['--level', 'FULL_TRANSITIVE', '--previous', 'refund-v1.avsc'];
  const compatible = cli(['check', ...level, 'refund-v2-compatible.avsc'], 0);
  log(
    `caddy-events check, optional field added: exit 0: ${compatible.stdout.trim().split('\n').at(-1)}`,
  );

  const breaking = cli(['check', ...level, 'refund-v2-breaking.avsc'], 1);
  if (!breaking.stdout.includes('Refund.reason')) {
    throw new Error(
      `caddy-events check did not name the field path Refund.reason:\n${breaking.stdout}`,
    );
  }
  log(`caddy-events check, required field added: exit 1: ${breaking.stdout.trim().split('\n')[0]}`);

  cli(['check', ...level, 'missing.avsc'], 2);
  log('caddy-events check, missing file: exit 2');
  runRepositoryCheck(dir, log);
}

// A new event type in a repository whose history has no subjects, checked in repository
// mode: without a changeset it fails and suggests a minor bump; with one it passes. The
// CommonJS entry point runs the check too, because it loads @changesets/parse its own way.
function runRepositoryCheck(dir, log) {
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'schemas'), { recursive: true });
  mkdirSync(join(repo, '.changeset'));
  const refund = {
    ...JSON.parse(readFileSync(join(fixtures, 'schemas', 'refund-v1.avsc'), 'utf8')),
    event: { type: 'order.refunded', topic: 'orders', key: 'orderId' },
  };
  writeFileSync(join(repo, 'schemas', 'refund.avsc'), JSON.stringify(refund));
  writeFileSync(join(repo, 'schemas', 'history.json'), '{"formatVersion": 1, "subjects": {}}');
  writeFileSync(join(repo, '.changeset', 'config.json'), '{}');
  const bin = join(dir, 'node_modules', '.bin', 'caddy-events');
  const args = ['check', '--release-package', 'shop-events'];

  const missing = run(bin, args, { cwd: repo, env: plainNpmEnv(), expectStatus: 1 });
  if (!missing.stdout.includes('Run `npx changeset`, choose a minor bump for shop-events')) {
    throw new Error(`caddy-events check did not ask for a minor changeset:\n${missing.stdout}`);
  }
  log('caddy-events check, new event without a changeset: exit 1, suggests a minor bump');

  const changeset = "---\n'shop-events': minor\n---\n\nRefunds.\n";
  writeFileSync(join(repo, '.changeset', 'refund.md'), changeset);
  run(bin, args, { cwd: repo, env: plainNpmEnv(), expectStatus: 0 });
  const main = `require('@caddy/events-cli').main(${JSON.stringify(args)})`;
  const script = `${main}.then((code) => { process.exitCode = code; });`;
  run(process.execPath, ['-e', script], { cwd: repo, env: plainNpmEnv(), expectStatus: 0 });
  log('caddy-events check, new event with a minor changeset: exit 0 (binary and CommonJS main)');
}
