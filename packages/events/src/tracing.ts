import { createRequire } from 'node:module';

import type * as Otel from '@opentelemetry/api';

// W3C Trace Context on Kafka headers: `traceparent` is `00-<trace id>-<span id>-<flags>`
// and `tracestate` carries vendor entries. Spans come from @opentelemetry/api when the
// application has it installed; without it no span is made and no header is written,
// unless the caller passes a traceparent of its own.

type OtelApi = typeof Otel;

let loaded: OtelApi | null | undefined;

/** Loads @opentelemetry/api from the application's dependencies, or returns null when it is absent. */
export function loadOtel(): OtelApi | null {
  if (loaded === undefined) {
    try {
      // Resolved from the application's folder, because the package is the application's
      // optional dependency, not the SDK's.
      const require = createRequire(`${process.cwd()}/`);
      loaded = require('@opentelemetry/api') as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/**
 * Replaces the loaded @opentelemetry/api module, for tests and for applications that bundle
 * their own copy; null turns tracing off. The parameter is untyped so that the SDK's
 * declarations do not require the optional package.
 */
export function setOtelApi(api: unknown): void {
  loaded = (api ?? null) as OtelApi | null;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span around one publish or one handler run; `end` records the outcome. */
export interface TraceScope {
  /** Headers to add to the record: traceparent and tracestate of the span. */
  headers: Record<string, string>;
  /** Calls `fn(arg)` inside the span's context, so spans the handler starts become children. */
  run<A, T>(fn: (arg: A) => T, arg: A): T;
  end(error?: unknown): void;
}

const NO_SCOPE: TraceScope = { headers: {}, run: (fn, arg) => fn(arg), end: () => {} };

const TRACER_NAME = '@caddy/events';

// Without a registered tracer provider, the API's tracer makes non-recording spans, whose only
// effect is to carry a parent's trace context on. So when there is no parent context either,
// the span is skipped: this returns undefined, and callers take a scope that does nothing.
// With a provider, it returns the provider's tracer.
function activeTracer(api: OtelApi): Otel.Tracer | undefined {
  const provider = api.trace.getTracerProvider();
  if (provider instanceof api.ProxyTracerProvider) return provider.getDelegateTracer(TRACER_NAME);
  return provider.getTracer(TRACER_NAME);
}

/** Starts a producer span as a child of the active context and returns its headers. */
export function startPublishSpan(topic: string, eventType: string): TraceScope {
  const api = loadOtel();
  if (!api) return NO_SCOPE;
  const tracer = activeTracer(api);
  if (!tracer && !api.trace.getSpanContext(api.context.active())) return NO_SCOPE;
  const span = (tracer ?? api.trace.getTracer(TRACER_NAME)).startSpan(`publish ${topic}`, {
    kind: api.SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'send', 'cloudevents.event_type': eventType },
  });
  return scope(api, span, api.trace.setSpan(api.context.active(), span));
}

/** Starts a consumer span whose parent is the record's traceparent, when it has a valid one. */
export function startHandleSpan(
  headers: Readonly<Record<string, string | undefined>>,
  topic: string,
  eventType: string,
  groupId: string,
): TraceScope {
  const api = loadOtel();
  if (!api) return NO_SCOPE;
  const tracer = activeTracer(api);
  // A handler runs in a fresh root context, with or without a span.
  if (!tracer && headers.traceparent === undefined) return rootScope(api);
  const parentContext = parseTraceparent(api, headers.traceparent, headers.tracestate);
  const base = parentContext ? api.trace.setSpanContext(api.ROOT_CONTEXT, parentContext) : api.ROOT_CONTEXT;
  const span = (tracer ?? api.trace.getTracer(TRACER_NAME)).startSpan(
    `process ${topic}`,
    {
      kind: api.SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'process', 'messaging.consumer.group.name': groupId, 'cloudevents.event_type': eventType },
    },
    base,
  );
  return scope(api, span, api.trace.setSpan(base, span));
}

function scope(api: OtelApi, span: Otel.Span, spanContext: Otel.Context): TraceScope {
  const context = span.spanContext();
  const headers: Record<string, string> = {};
  if (api.isSpanContextValid(context)) {
    const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
    headers.traceparent = `00-${context.traceId}-${context.spanId}-${flags}`;
    const state = context.traceState?.serialize();
    if (state) headers.tracestate = state;
  }
  return {
    headers,
    run: (fn, arg) => api.context.with(spanContext, fn, undefined, arg),
    end: (error) => {
      if (error !== undefined) {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: (error as Error)?.name ?? 'Error' });
      }
      span.end();
    },
  };
}

// The scope of a handler that gets no span: it still runs in the root context, as it would
// inside a span. One serves every record, kept with the API module it was made for.
let spanlessScope: { api: OtelApi; scope: TraceScope } | undefined;

function rootScope(api: OtelApi): TraceScope {
  if (spanlessScope?.api !== api) {
    spanlessScope = { api, scope: { headers: {}, run: (fn, arg) => api.context.with(api.ROOT_CONTEXT, fn, undefined, arg), end: () => {} } };
  }
  return spanlessScope.scope;
}

function parseTraceparent(api: OtelApi, traceparent: string | undefined, tracestate: string | undefined): Otel.SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const context: Otel.SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  if (tracestate && api.createTraceState) context.traceState = api.createTraceState(tracestate);
  return api.isSpanContextValid(context) ? context : undefined;
}
