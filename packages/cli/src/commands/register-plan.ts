import { posix, sep } from 'node:path';

import {
  catalogCompatibility,
  catalogSubject,
  type CatalogEvent,
  type CompatibilityLevel,
} from '@caddy/events-schema';

import { RegistryResponseError, type RegistryClient } from '../registry/client.js';

/** Change that registering a schema makes to its subject. */
export type RegistrationStatus = 'new subject' | 'new version' | 'unchanged';

/** The planned and, after `applyPlan`, the actual outcome for one subject. */
export interface SubjectRegistration {
  subject: string;
  eventType: string;
  /** The event's `.avsc` file, under the schema directory as the command was given it. */
  file: string;
  status: RegistrationStatus;
  /** Schema id: known before registering for `unchanged`, after it for the others. */
  id?: number;
  /** Version of an unchanged schema, or the latest version a new version follows. */
  version?: number;
  /** Present with `--set-compatibility`: the declared level and the subject's level now. */
  compatibility?: { level: CompatibilityLevel; current?: string; change: boolean };
  /** Whether registering (and setting the level, when asked) succeeded; absent in a dry run. */
  applied?: boolean;
  /** Error message of a failed registration. */
  error?: string;
}

/**
 * Finds out, without changing anything, what registering each event's schema would do: the
 * subject is unchanged when the registry already has the schema under it, and with
 * `setCompatibility` also whether its level differs from the declared one.
 */
export async function planRegistrations(
  client: RegistryClient,
  events: readonly CatalogEvent[],
  options: { topicPrefix: string; setCompatibility: boolean; schemaDir: string },
): Promise<SubjectRegistration[]> {
  const plans: SubjectRegistration[] = [];
  for (const event of events) {
    const subject = catalogSubject(event, options.topicPrefix);
    const plan: SubjectRegistration = {
      subject,
      eventType: event.type,
      file: posix.join(options.schemaDir, event.file.split(sep).join('/')),
      ...(await registrationStatus(client, subject, event.canonical)),
    };
    if (options.setCompatibility) {
      const level = catalogCompatibility(event);
      const current = await client.compatibility(subject);
      plan.compatibility = { level, ...(current ? { current } : {}), change: current !== level };
    }
    plans.push(plan);
  }
  return plans;
}

async function registrationStatus(
  client: RegistryClient,
  subject: string,
  schema: string,
): Promise<Pick<SubjectRegistration, 'status' | 'id' | 'version'>> {
  const found = await client.lookup(subject, schema);
  if (found) return { status: 'unchanged', id: found.id, version: found.version };
  const versions = await client.versions(subject);
  if (versions === undefined || versions.length === 0) return { status: 'new subject' };
  return { status: 'new version', version: Math.max(...versions) };
}

/**
 * Registers the schemas of a plan and sets the levels it marks for change. An existing
 * subject gets its level before the new version, so the registry checks that version at the
 * declared level. A new subject gets it after its first version, because a registry need not
 * accept a level for a subject that does not exist yet. An HTTP error on one subject is
 * recorded in its plan and the others go on, but a connection error stops the run.
 */
export async function applyPlan(
  client: RegistryClient,
  plans: SubjectRegistration[],
  schemas: ReadonlyMap<string, string>,
): Promise<void> {
  for (const plan of plans) {
    try {
      const setLevel = plan.compatibility?.change ? plan.compatibility.level : undefined;
      if (setLevel && plan.status !== 'new subject') {
        await client.setCompatibility(plan.subject, setLevel);
      }
      if (plan.status !== 'unchanged') {
        plan.id = await client.register(plan.subject, schemas.get(plan.subject) as string);
      }
      if (setLevel && plan.status === 'new subject') {
        await client.setCompatibility(plan.subject, setLevel);
      }
      plan.applied = true;
    } catch (error) {
      if (!(error instanceof RegistryResponseError)) throw error;
      plan.applied = false;
      plan.error = error.message;
    }
  }
}
