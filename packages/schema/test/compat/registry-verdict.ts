import type { CompatibilityCase } from './cases.js';

/**
 * Asks a Confluent-compatible registry for its verdict on a compatibility case. The previous
 * versions are registered under a fresh subject at level NONE, so the registry stores them
 * whatever they are. Then the case's level is set on the subject, and the compatibility
 * endpoint judges the new schema.
 */

/** The registry's verdict, or why it did not take the case. */
export type RegistryVerdict =
  | { accepted: true; compatible: boolean; messages: string[] }
  | { accepted: false; reason: string };

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

interface Reply {
  status: number;
  body: { message?: string; is_compatible?: boolean; messages?: string[] } & Record<string, unknown>;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

async function setLevel(baseUrl: string, subject: string, level: string): Promise<Reply> {
  return call(baseUrl, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
}

/** Registers the case's history under `subject` and returns the registry's verdict. */
export async function registryVerdict(
  baseUrl: string,
  subject: string,
  testCase: CompatibilityCase,
): Promise<RegistryVerdict> {
  const path = `/subjects/${encodeURIComponent(subject)}/versions`;
  // Level NONE before the first version, so that the registry's global level (BACKWARD in
  // the local stack) does not judge the history. A registry that only takes a level for an
  // existing subject gets it after the first version, which nothing judges anyway.
  const early = await setLevel(baseUrl, subject, 'NONE');
  for (const [index, schema] of testCase.previous.entries()) {
    const registered = await call(baseUrl, 'POST', path, { schema: JSON.stringify(schema) });
    if (registered.status !== 200) {
      return { accepted: false, reason: `previous[${index}] rejected: HTTP ${registered.status} ${registered.body.message ?? ''}` };
    }
    if (index === 0 && early.status !== 200) await setLevel(baseUrl, subject, 'NONE');
  }

  // A registry may treat two versions as the same schema (Apicurio compares a canonical form
  // without doc and aliases), and then the subject has fewer versions than the case.
  const versions = await call(baseUrl, 'GET', path);
  const count = Array.isArray(versions.body) ? versions.body.length : 0;
  if (count !== testCase.previous.length) {
    return { accepted: false, reason: `stored ${count} of ${testCase.previous.length} previous versions` };
  }

  const levelSet = await setLevel(baseUrl, subject, testCase.level);
  if (levelSet.status !== 200) {
    return { accepted: false, reason: `level ${testCase.level} rejected: HTTP ${levelSet.status}` };
  }
  // NOTE: Apicurio 3.3.3 checks every version at `.../versions` even at a non-transitive
  // level, where Confluent checks only the latest, so those levels ask about `latest`.
  const transitive = testCase.level.endsWith('_TRANSITIVE');
  const target = transitive ? '/versions' : '/versions/latest';
  const compatibilityPath = `/compatibility/subjects/${encodeURIComponent(subject)}${target}?verbose=true`;
  const verdict = await call(baseUrl, 'POST', compatibilityPath, { schema: JSON.stringify(testCase.newSchema) });
  if (verdict.status !== 200 || typeof verdict.body.is_compatible !== 'boolean') {
    return { accepted: false, reason: `new schema rejected: HTTP ${verdict.status} ${verdict.body.message ?? ''}` };
  }
  return { accepted: true, compatible: verdict.body.is_compatible, messages: verdict.body.messages ?? [] };
}
