import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadCases, runCase, type CompatibilityCase } from './cases.js';
import { registryVerdict } from './registry-verdict.js';

// Compares the engine with a real Confluent-compatible registry (Apicurio in the local stack)
// on every reference case and every case of our own. For each case the previous versions are
// registered under a fresh subject, the case's level is set on it, and the registry's
// compatibility endpoint judges the new schema. Cases the registry cannot take, and cases
// where it disagrees with the engine, must be listed with a reason in
// fixtures/registry-agreement.json. A listed case that no longer differs fails too.

interface ListedCase {
  id: string;
  reason: string;
}

const listed = JSON.parse(
  readFileSync(new URL('./fixtures/registry-agreement.json', import.meta.url), 'utf8'),
) as { notAccepted: ListedCase[]; disagreements: ListedCase[] };

const notAccepted = new Map(listed.notAccepted.map((entry) => [entry.id, entry.reason]));
const disagreements = new Map(listed.disagreements.map((entry) => [entry.id, entry.reason]));

const registryUrl = (() => {
  const url = process.env.SCHEMA_REGISTRY_URL;
  if (!url) {
    throw new Error(
      'The registry agreement test needs SCHEMA_REGISTRY_URL. Run `corepack pnpm test`, or ' +
        '`eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
    );
  }
  return url.replace(/\/+$/, '');
})();

const run = randomUUID().slice(0, 8);
const referenceCases = loadCases('reference-cases.json');
const ownCases = loadCases('own-cases.json');

async function expectAgreement(testCase: CompatibilityCase): Promise<void> {
  const engine = runCase(testCase).compatible;
  const verdict = await registryVerdict(registryUrl, `agreement-${run}-${testCase.id}`, testCase);
  if (notAccepted.has(testCase.id)) {
    expect(verdict.accepted, 'listed as not accepted, but the registry took it').toBe(false);
    return;
  }
  if (!verdict.accepted) {
    expect.fail(`the registry did not take the case: ${verdict.reason}`);
    return;
  }
  const detail = `registry messages: ${JSON.stringify(verdict.messages)}`;
  if (disagreements.has(testCase.id)) {
    expect(verdict.compatible, `listed as a disagreement, but both agree; ${detail}`).not.toBe(engine);
    return;
  }
  expect(verdict.compatible, `engine says ${engine}; ${detail}`).toBe(engine);
}

describe('registry agreement', () => {
  it('lists only known case ids, each with a reason', () => {
    const ids = new Set([...referenceCases, ...ownCases].map((testCase) => testCase.id));
    for (const entry of [...listed.notAccepted, ...listed.disagreements]) {
      expect(ids.has(entry.id), entry.id).toBe(true);
      expect(entry.reason.length, entry.id).toBeGreaterThan(20);
    }
  });

  describe('reference cases', () => {
    it('has all 86 cases', () => {
      expect(referenceCases).toHaveLength(86);
    });

    it.each(referenceCases.map((testCase) => [testCase.id, testCase] as const))(
      'agrees on %s',
      async (_id, testCase) => expectAgreement(testCase),
    );
  });

  describe('own cases', () => {
    it('has all 78 cases', () => {
      expect(ownCases).toHaveLength(78);
    });

    it.each(ownCases.map((testCase) => [testCase.id, testCase] as const))(
      'agrees on %s',
      async (_id, testCase) => expectAgreement(testCase),
    );
  });
});
