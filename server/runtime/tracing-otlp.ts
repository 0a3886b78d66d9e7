// OpenTelemetry SDK spans in the OTLP model of protocols/otlp-json.ts, grouped
// by resource and instrumentation scope like an ExportTraceServiceRequest.

import { type Attributes, type HrTime, SpanKind as ApiSpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type KeyValue, type ScopeSpans, type Span, type SpanKindValue, type StatusCodeValue, toAnyValue, type TraceBatch } from './protocols/otlp-json.js';

export function spansToBatch(spans: readonly ReadableSpan[]): TraceBatch {
    const byResource = new Map<ReadableSpan['resource'], Map<string, ScopeSpans>>();
    for (const s of spans) {
        let scopes = byResource.get(s.resource);
        if (!scopes) byResource.set(s.resource, (scopes = new Map()));
        const scope = s.instrumentationScope;
        const key = `${scope.name}\u0000${scope.version ?? ''}`;
        let ss = scopes.get(key);
        if (!ss) {
            ss = { scope: { name: scope.name, version: scope.version ?? '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: scope.schemaUrl ?? '', spans: [] };
            scopes.set(key, ss);
        }
        ss.spans.push(toOtlpSpan(s));
    }
    return {
        resourceSpans: [...byResource].map(([resource, scopes]) => ({
            resource: { attributes: keyValues(resource.attributes), droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeSpans: [...scopes.values()],
        })),
    };
}

const KIND: Record<ApiSpanKind, SpanKindValue> = {
    [ApiSpanKind.INTERNAL]: 1,
    [ApiSpanKind.SERVER]: 2,
    [ApiSpanKind.CLIENT]: 3,
    [ApiSpanKind.PRODUCER]: 4,
    [ApiSpanKind.CONSUMER]: 5,
};

function toOtlpSpan(s: ReadableSpan): Span {
    const ctx = s.spanContext();
    return {
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        parentSpanId: s.parentSpanContext?.spanId ?? '',
        traceState: ctx.traceState?.serialize() ?? '',
        flags: ctx.traceFlags,
        name: s.name,
        kind: KIND[s.kind] ?? 0,
        startTimeUnixNano: nanos(s.startTime),
        endTimeUnixNano: nanos(s.endTime),
        attributes: keyValues(s.attributes),
        droppedAttributesCount: s.droppedAttributesCount,
        events: s.events.map((e) => ({ timeUnixNano: nanos(e.time), name: e.name, attributes: keyValues(e.attributes ?? {}), droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
        droppedEventsCount: s.droppedEventsCount,
        links: s.links.map((l) => ({
            traceId: l.context.traceId,
            spanId: l.context.spanId,
            traceState: l.context.traceState?.serialize() ?? '',
            attributes: keyValues(l.attributes ?? {}),
            droppedAttributesCount: l.droppedAttributesCount ?? 0,
            flags: l.context.traceFlags,
        })),
        droppedLinksCount: s.droppedLinksCount,
        status: { code: s.status.code as StatusCodeValue, message: s.status.message ?? '' },
    };
}

function nanos(t: HrTime): bigint {
    return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

function keyValues(attributes: Attributes): KeyValue[] {
    const out: KeyValue[] = [];
    for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out.push({ key, value: toAnyValue(value) });
    return out;
}
