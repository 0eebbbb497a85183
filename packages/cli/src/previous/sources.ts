import {
  catalogSubject,
  readSchemaHistory,
  type CatalogEvent,
  type PreviousSchema,
  type SchemaHistory,
} from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { loadCatalogAtRef } from './git.js';

/** Source of the previous versions of each subject in repository mode. */
export interface PreviousVersionSource {
  /** The `--against` value: `history`, `git:<ref>` or `registry`. */
  kind: string;
  /** Phrase for the summary line, such as `the history in schemas/history.json`. */
  description: string;
  /** Subject of an event in this source; only the registry's subjects carry the topic prefix. */
  subjectOf(event: CatalogEvent): string;
  /** Previous versions of an event's subject, oldest first; empty for a new subject. */
  previousVersions(event: CatalogEvent): Promise<PreviousSchema[]>;
  /** Subjects with previous versions that no event of the catalog declares any more. */
  removedSubjects(events: readonly CatalogEvent[]): string[];
}

/** Reads previous versions from the history file that the release step keeps. */
export async function historySource(file: string, label: string): Promise<PreviousVersionSource> {
  const history: SchemaHistory = await readSchemaHistory(file);
  return {
    kind: 'history',
    description: `the history in ${label}`,
    subjectOf: (event) => catalogSubject(event),
    previousVersions: async (event) =>
      (history.subjects[catalogSubject(event)]?.versions ?? []).map((version) => ({
        label: `release ${version.release}`,
        schema: version.schema,
      })),
    removedSubjects: (events) => removedFrom(Object.keys(history.subjects), events),
  };
}

/** Reads each subject's schema as it was at a git ref, as its one previous version. */
export async function gitSource(schemaDir: string, ref: string): Promise<PreviousVersionSource> {
  const catalog = await loadCatalogAtRef(schemaDir, ref);
  const bySubject = new Map<string, string>();
  for (const event of catalog?.events ?? []) bySubject.set(catalogSubject(event), event.canonical);
  const label = `git:${ref}`;
  return {
    kind: label,
    description: `the schemas at ${label}`,
    subjectOf: (event) => catalogSubject(event),
    previousVersions: async (event) => {
      const schema = bySubject.get(catalogSubject(event));
      return schema === undefined ? [] : [{ label, schema }];
    },
    removedSubjects: (events) => removedFrom([...bySubject.keys()], events),
  };
}

/**
 * Reads every version registered under each subject, named with the topic prefix of the
 * deployment. Subjects of other event catalogs share the registry, so none count as removed.
 */
export function registrySource(client: RegistryClient, topicPrefix: string): PreviousVersionSource {
  return {
    kind: 'registry',
    description: `the registry at ${client.url}`,
    subjectOf: (event) => catalogSubject(event, topicPrefix),
    previousVersions: async (event) => {
      const subject = catalogSubject(event, topicPrefix);
      const numbers = (await client.versions(subject)) ?? [];
      const versions: PreviousSchema[] = [];
      for (const number of [...numbers].sort((a, b) => a - b)) {
        const version = await client.version(subject, number);
        if (version.schemaType !== 'AVRO') {
          throw new InvalidInputError(
            `Subject '${subject}' version ${number} is a ${version.schemaType} schema, not Avro.`,
          );
        }
        versions.push({ label: `registry version ${number}`, schema: version.schema });
      }
      return versions;
    },
    removedSubjects: () => [],
  };
}

function removedFrom(subjects: string[], events: readonly CatalogEvent[]): string[] {
  const current = new Set(events.map((event) => catalogSubject(event)));
  return subjects.filter((subject) => !current.has(subject)).sort();
}
