// Checks of each packed tarball: publint (package.json against the files it publishes),
// Are the Types Wrong (type resolution under node10, node16 from CJS and ESM, and bundler),
// a comparison of the bare imports in `dist/` with the declared dependencies, and the
// repository's LICENSE in the tarball.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';

import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';

import { repoRoot, run } from './lib.mjs';

/** Runs publint on a tarball and returns its messages, suggestions included, as text. */
export async function publintProblems(tarball) {
  const bytes = readFileSync(tarball);
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({
    pack: { tarball: arrayBuffer },
    level: 'suggestion',
    strict: true,
  });
  return messages.map(
    (message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`,
  );
}

/**
 * Runs `attw` on a tarball with its default (strict) profile, which resolves every entry
 * point under node10, node16 from CJS, node16 from ESM and bundler. Returns its table when
 * it reports a problem and nothing otherwise. `--no-definitely-typed` keeps it offline.
 */
export function attwProblems(tarball) {
  const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
  const result = run(attw, [tarball, '--no-definitely-typed', '--format', 'ascii', '--no-color'], {
    expectStatus: null,
  });
  return result.status === 0 ? [] : [`${result.stdout}${result.stderr}`.trim()];
}

/**
 * Lists the packages that a JavaScript or declaration file imports or requires, found by
 * parsing it: relative paths and Node.js built-in modules are left out, and subpaths are
 * cut to the package name.
 */
function importedPackages(file) {
  const kind = /\.d\.(c|m)?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const specifiers = new Set();
  const visit = (node) => {
    const isModuleDeclaration = ts.isImportDeclaration(node) || ts.isExportDeclaration(node);
    if (isModuleDeclaration && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.add(node.moduleSpecifier.text);
    }
    if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) {
        specifiers.add(node.arguments[0].text);
      }
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      specifiers.add(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...specifiers]
    .filter(
      (specifier) =>
        !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier),
    )
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

function moduleFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.((c|m)?js|d\.(c|m)?ts)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Compares the packages that the code and declarations in `dist/` of an unpacked tarball
 * import with its `dependencies` and `peerDependencies`. An import of an undeclared package
 * fails for consumers whose package manager does not hoist it, and a dependency that
 * nothing imports is installed for nothing.
 */
export function dependencyProblems(unpackedDir, manifest) {
  const imported = new Set(moduleFiles(join(unpackedDir, 'dist')).flatMap(importedPackages));
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
  const problems = [];
  for (const name of imported) {
    if (!declared.has(name)) problems.push(`dist/ imports ${name}, which is not in dependencies`);
  }
  // An optional peer may be loaded at run time through createRequire, which a bundler
  // rewrites past recognition; its name as a string in dist/ is enough then.
  const distText = moduleFiles(join(unpackedDir, 'dist'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  for (const name of declared) {
    const optionalPeer = manifest.peerDependenciesMeta?.[name]?.optional === true;
    const named = distText.includes(`"${name}"`) || distText.includes(`'${name}'`);
    if (!imported.has(name) && !(optionalPeer && named)) {
      problems.push(`${name} is a dependency, but nothing in dist/ imports it`);
    }
  }
  return problems;
}

/**
 * Checks that an unpacked tarball ships the repository's LICENSE text. pnpm adds the
 * workspace root's LICENSE to a package that has none, so this also catches a package-level
 * LICENSE that drifted from the root one.
 */
export function licenseProblems(unpackedDir) {
  const packed = join(unpackedDir, 'LICENSE');
  if (!existsSync(packed)) return ['the tarball has no LICENSE'];
  const expected = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
  return readFileSync(packed, 'utf8') === expected
    ? []
    : ['its LICENSE differs from the LICENSE at the repository root'];
}
