import { setTimeout as sleep } from 'node:timers/promises';

/** Options of the registry client, usually read from the environment by `registryOptions`. */
export interface RegistryClientOptions {
  /** Base URL, such as `http://127.0.0.1:8081` or an Apicurio `.../apis/ccompat/v7`. */
  url: string;
  auth?: { username: string; password: string };
  /** Time after which one request fails, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Attempts per request for the retriable statuses 408, 429 and 5xx. Default 3. */
  attempts?: number;
}

/** An HTTP error response from the registry. */
export class RegistryResponseError extends Error {
  override readonly name = 'RegistryResponseError';

  constructor(
    message: string,
    /** HTTP status of the response. */
    readonly status: number,
    /** The registry's `error_code`, such as 40401 (subject not found), when it sent one. */
    readonly errorCode?: number,
  ) {
    super(message);
  }
}

/** A failed connection to the registry, or a request that timed out. */
export class RegistryConnectionError extends Error {
  override readonly name = 'RegistryConnectionError';
}

/** One registered version of a subject. */
export interface SubjectVersion {
  version: number;
  id: number;
  schema: string;
  /** `AVRO` when the registry sent no type, as Confluent does for Avro schemas. */
  schemaType: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Calls the Confluent Schema Registry REST API (also served by Redpanda and by Apicurio's
 * ccompat API) for the routes the CLI needs: versions, lookup, register and subject config.
 */
export class RegistryClient {
  private readonly baseUrl: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  /** The registry's base URL, without a trailing slash. */
  get url(): string {
    return this.baseUrl;
  }

  /** Returns the version numbers of a subject, or undefined when the subject does not exist. */
  async versions(subject: string): Promise<number[] | undefined> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    return this.requestOrUndefined<number[]>('GET', path);
  }

  /** Returns one version of a subject. */
  async version(subject: string, version: number): Promise<SubjectVersion> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions/${version}`;
    const body = await this.request<Omit<SubjectVersion, 'schemaType'> & { schemaType?: string }>(
      'GET',
      path,
    );
    return { ...body, schemaType: body.schemaType ?? 'AVRO' };
  }

  /** Returns the id and version of a schema under a subject, or undefined when not there. */
  async lookup(
    subject: string,
    schema: string,
  ): Promise<{ id: number; version: number } | undefined> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    return this.requestOrUndefined('POST', path, { schema });
  }

  /** Registers a schema under a subject and returns its id; an existing schema keeps its id. */
  async register(subject: string, schema: string): Promise<number> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    return (await this.request<{ id: number }>('POST', path, { schema })).id;
  }

  /**
   * Returns a subject's compatibility level, or undefined when it has none of its own.
   * Confluent returns 404 for a subject without a level, while Apicurio returns the global level.
   */
  async compatibility(subject: string): Promise<string | undefined> {
    const path = `/config/${encodeURIComponent(subject)}`;
    const body = await this.requestOrUndefined<{ compatibilityLevel?: string }>('GET', path);
    return body?.compatibilityLevel;
  }

  /** Sets a subject's compatibility level. */
  async setCompatibility(subject: string, level: string): Promise<void> {
    const path = `/config/${encodeURIComponent(subject)}`;
    await this.request('PUT', path, { compatibility: level });
  }

  private async requestOrUndefined<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T | undefined> {
    try {
      return await this.request<T>(method, path, body);
    } catch (error) {
      if (error instanceof RegistryResponseError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send<T>(method, path, body);
      } catch (error) {
        // Only 408, 429 and 5xx ask the client to try again. A refused connection or another
        // 4xx status will not change within seconds, so it fails at once.
        const retriable = error instanceof RegistryResponseError && isRetriable(error.status);
        if (!retriable || attempt >= attempts) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers(body !== undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = describeFetchError(error, timeoutMs);
      throw new RegistryConnectionError(
        `Could not reach the schema registry at ${this.baseUrl} (${method} ${path}): ${reason}. ` +
          'Check SCHEMA_REGISTRY_URL or --url, and that the registry is running.',
      );
    }
    const text = await response.text();
    if (!response.ok) throw responseError(method, path, response.status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json` };
    if (hasBody) headers['Content-Type'] = CONTENT_TYPE;
    const auth = this.options.auth;
    if (auth) {
      const token = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      headers.Authorization = `Basic ${token}`;
    }
    return headers;
  }
}

function isRetriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

// Full jitter over an exponential ceiling of 200 ms, 400 ms, 800 ms...
function backoffMs(attempt: number): number {
  return Math.random() * 200 * 2 ** (attempt - 1);
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function responseError(
  method: string,
  path: string,
  status: number,
  text: string,
): RegistryResponseError {
  let detail = text.trim().slice(0, 500);
  let errorCode: number | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; error_code?: unknown };
    if (typeof body.message === 'string') detail = body.message;
    if (typeof body.error_code === 'number') errorCode = body.error_code;
  } catch {
    // Not JSON, such as an HTML page of a proxy: the start of the text is the detail.
  }
  const message = `${method} ${path} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`;
  return new RegistryResponseError(message, status, errorCode);
}

/**
 * Reads the registry settings of the CLI: `--url` or `SCHEMA_REGISTRY_URL`, and basic auth
 * from `SCHEMA_REGISTRY_USERNAME` and `SCHEMA_REGISTRY_PASSWORD`. Returns undefined without a URL.
 */
export function registryOptions(
  url: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): RegistryClientOptions | undefined {
  const base = url ?? env.SCHEMA_REGISTRY_URL;
  if (!base) return undefined;
  const username = env.SCHEMA_REGISTRY_USERNAME;
  const password = env.SCHEMA_REGISTRY_PASSWORD;
  return { url: base, ...(username ? { auth: { username, password: password ?? '' } } : {}) };
}
