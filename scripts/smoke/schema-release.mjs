// Checks that a release records its schemas: `changeset version` on a copy of the workspace
// with changed schemas adds exactly their entries to the copy's schemas/history.json, and the
// release dry run prints those entries while leaving the history it was given unchanged.
// The history is diffed here with plain JSON, independently of the schema package.

import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { copyWorkspace, repoRoot, run } from './lib.mjs';

const HISTORY = join('schemas', 'history.json');

// A new event type on the orders topic; it reuses the shared Money type.
const ORDER_REFUNDED = {
  type: 'record',
  name: 'OrderRefunded',
  namespace: 'shop.orders',
  doc: 'Smoke test: money went back to the customer.',
  event: { type: 'order.refunded', topic: 'orders', key: 'orderId' },
  fields: [
    { name: 'orderId', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'amount', type: 'shop.common.Money' },
    { name: 'refundedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

const PAID_DOC = 'Smoke test: the payment for an order was captured.';

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Changes the schemas of a workspace copy at `root`: adds the `order.refunded` event and
 * edits the documentation of `order.paid`. Returns the history entries a release of them
 * adds, without the release version: one new subject, one new version of a released one.
 */
export function changeSchemas(root) {
  writeFileSync(
    join(root, 'schemas', 'orders', 'order-refunded.avsc'),
    `${JSON.stringify(ORDER_REFUNDED, null, 2)}\n`,
  );
  const paidFile = join(root, 'schemas', 'orders', 'order-paid.avsc');
  writeFileSync(paidFile, `${JSON.stringify({ ...readJson(paidFile), doc: PAID_DOC }, null, 2)}\n`);

  const released = readJson(join(repoRoot, HISTORY)).subjects;
  const paid = 'orders-shop.orders.OrderPaid';
  return [
    { subject: paid, eventType: 'order.paid', version: released[paid].versions.length + 1 },
    { subject: 'orders-shop.orders.OrderRefunded', eventType: 'order.refunded', version: 1 },
  ];
}

// The versions that the history at `root` has beyond the repository's, oldest first.
function addedEntries(root) {
  const before = readJson(join(repoRoot, HISTORY)).subjects;
  const after = readJson(join(root, HISTORY)).subjects;
  return Object.keys(after)
    .sort()
    .flatMap((subject) => {
      const known = before[subject]?.versions.length ?? 0;
      return after[subject].versions.slice(known).map((version, index) => ({
        subject,
        eventType: after[subject].eventType,
        version: known + index + 1,
        ...version,
      }));
    });
}

/**
 * Throws unless the history of the copy at `root` has exactly the `expected` entries beyond
 * the repository's, each for `release` (the version `changeset version` gave @caddy/events),
 * and the new `order.paid` version carries the edited documentation.
 */
export function checkHistoryEntries(root, { expected, release }) {
  const added = addedEntries(root);
  const summary = (entries) =>
    entries
      .map((entry) => `${entry.subject} (${entry.eventType}) v${entry.version} in ${entry.release}`)
      .join(', ');
  const wanted = summary(expected.map((entry) => ({ ...entry, release })));
  if (summary(added) !== wanted) {
    throw new Error(`${HISTORY} of the copy gained [${summary(added)}], expected [${wanted}].`);
  }
  const paid = added.find((entry) => entry.eventType === 'order.paid');
  if (paid && !paid.schema.includes(PAID_DOC)) {
    throw new Error('The recorded order.paid schema does not carry the edited documentation.');
  }
  return added;
}

/**
 * Runs the release dry run on a workspace copy at `dir` with the changed schemas and a minor
 * changeset for @caddy/events, and throws unless it prints every expected history entry and
 * leaves the copy's history and the repository's untouched.
 */
export function checkReleaseDryRun(dir, { log }) {
  copyWorkspace(dir, { withPackFiles: true });
  for (const name of readdirSync(join(dir, '.changeset'))) {
    if (name.endsWith('.md') && name !== 'README.md') rmSync(join(dir, '.changeset', name));
  }
  writeFileSync(
    join(dir, '.changeset', 'smoke-schemas.md'),
    "---\n'@caddy/events': minor\n---\n\nSmoke test: a new event and a documentation edit.\n",
  );
  const expected = changeSchemas(dir);
  const histories = [join(dir, HISTORY), join(repoRoot, HISTORY)];
  const before = histories.map((file) => readFileSync(file, 'utf8'));

  const script = join(repoRoot, 'scripts', 'release-dry-run.mjs');
  const { stdout } = run(process.execPath, [script, '--no-build', '--workspace', dir]);

  const [major, minor] = readJson(join(dir, 'packages', 'events', 'package.json'))
    .version.split('.')
    .map(Number);
  const release = `${major}.${minor + 1}.0`;
  const printed = stdout.split('\n').filter((line) => line.includes(` in ${release}: new `));
  for (const { subject, eventType } of expected) {
    if (!printed.some((line) => line.includes(`${subject} (${eventType}) in ${release}`))) {
      throw new Error(`The dry run did not print the history entry of ${subject}:\n${stdout}`);
    }
  }
  if (printed.length !== expected.length) {
    const lines = printed.join('\n');
    throw new Error(`The dry run printed ${printed.length} history entries:\n${lines}`);
  }
  histories.forEach((file, index) => {
    if (readFileSync(file, 'utf8') !== before[index]) {
      throw new Error(`The release dry run changed ${file}.`);
    }
  });
  log(
    `release dry run: printed ${printed.length} schema history entries for ${release}; ` +
      'the history files are unchanged',
  );
}
