/** Content type of the Confluent-compatible registry API's requests. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Registers a schema text under a subject through the registry's REST API, bypassing the
 * SDK, and returns its id. Throws with the registry's status and body when it rejects it.
 */
export async function registerDirectly(registryUrl: string, subject: string, schema: string): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': REGISTRY_CONTENT_TYPE },
    body: JSON.stringify({ schema }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`The registry rejected the schema under ${subject}: HTTP ${response.status} ${text}`);
  return (JSON.parse(text) as { id: number }).id;
}
