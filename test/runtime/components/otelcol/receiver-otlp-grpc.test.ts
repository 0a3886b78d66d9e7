// otelcol.receiver.otlp's grpc block: the OpenTelemetry JS SDK's own gRPC trace exporter sends to it,
// and what the SDK recorded arrives field for field; a grpc-js client checks the status codes.
import * as grpc from '@grpc/grpc-js';
import { SpanKind as ApiSpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { TracesConsumer } from '../../../../server/runtime/component.js';
import { otelcolExporterOtlp } from '../../../../server/runtime/components/otelcol/exporter-otlp.js';
import { otelcolReceiverOtlp } from '../../../../server/runtime/components/otelcol/receiver-otlp.js';
import { type AnyValue, type Span, type TraceBatch, parseExportTraceRequest } from '../../../../server/runtime/protocols/otlp-json.js';
import { body, metricValue, startComponent, stopAll, traceSink, waitFor } from '../harness.js';

afterEach(stopAll);

type Receiver = { grpcEndpoint: string };

async function startGrpcReceiver(consumers: unknown[], grpcArgs: Record<string, unknown> = {}) {
    const r = await startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0', ...grpcArgs }), output: body({ traces: consumers }) }));
    return { ...r, endpoint: (r.component as unknown as Receiver).grpcEndpoint };
}

/** Our model of an SDK attribute value (the SDK sends integers as int, others as double). */
function anyValue(v: unknown): AnyValue {
    if (typeof v === 'string') return { type: 'string', value: v };
    if (typeof v === 'boolean') return { type: 'bool', value: v };
    if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: BigInt(v) } : { type: 'double', value: v };
    if (Array.isArray(v)) return { type: 'array', values: v.map(anyValue) };
    throw new Error(`unexpected attribute ${String(v)}`);
}
const attributes = (a: Record<string, unknown>) => Object.entries(a).map(([key, v]) => ({ key, value: anyValue(v) }));
const nanos = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** What the collector's model holds for a span the SDK recorded. */
function expectedSpan(s: ReadableSpan): Span {
    const ctx = s.spanContext();
    return {
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        parentSpanId: s.parentSpanContext?.spanId ?? '',
        traceState: ctx.traceState?.serialize() ?? '',
        flags: ctx.traceFlags | 0x100 | (s.parentSpanContext?.isRemote ? 0x200 : 0),
        name: s.name,
        kind: (s.kind + 1) as Span['kind'],
        startTimeUnixNano: nanos(s.startTime),
        endTimeUnixNano: nanos(s.endTime),
        attributes: attributes(s.attributes),
        droppedAttributesCount: s.droppedAttributesCount,
        events: s.events.map((e) => ({ timeUnixNano: nanos(e.time), name: e.name, attributes: attributes(e.attributes ?? {}), droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
        droppedEventsCount: s.droppedEventsCount,
        links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, traceState: '', attributes: attributes(l.attributes ?? {}), droppedAttributesCount: l.droppedAttributesCount ?? 0, flags: l.context.traceFlags | 0x100 | (l.context.isRemote ? 0x200 : 0) })),
        droppedLinksCount: s.droppedLinksCount,
        status: { code: s.status.code, message: s.status.message ?? '' },
    };
}

describe('otelcol.receiver.otlp grpc', () => {
    it('receives what the OpenTelemetry JS SDK gRPC exporter sends (gzip), field for field', async () => {
        const sink = traceSink();
        const r = await startGrpcReceiver([sink.value]);
        expect(r.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(r.ctx.health.message).toBe(`receiving traces: OTLP/gRPC on ${r.endpoint}`);
        // 'gzip' is CompressionAlgorithm.GZIP, a string enum of a package the SDK depends on.
        const exporter = new OTLPTraceExporter({ url: `http://${r.endpoint}`, compression: 'gzip' as never });
        const memory = new InMemorySpanExporter();
        const provider = new BasicTracerProvider({
            resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment': 'test' }),
            spanProcessors: [new SimpleSpanProcessor(memory)],
        });
        const tracer = provider.getTracer('interop-scope', '2.1.0');
        const linked = tracer.startSpan('linked');
        linked.end();
        const root = tracer.startSpan('GET /cart', { kind: ApiSpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, ok: true, tags: ['a', 'b'] } });
        const child = tracer.startSpan('db.query', { kind: ApiSpanKind.CLIENT, links: [{ context: linked.spanContext(), attributes: { why: 'follows' } }] }, trace.setSpan(context.active(), root));
        child.addEvent('retry', { attempt: 2 });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
        child.end();
        root.end();
        const spans = memory.getFinishedSpans();
        const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(spans, resolve));
        expect(result.error).toBeUndefined();
        expect(result.code).toBe(ExportResultCode.SUCCESS);
        await exporter.shutdown();
        await provider.shutdown();

        expect(sink.batches).toHaveLength(1);
        const rs = sink.batches[0].resourceSpans;
        expect(rs).toHaveLength(1);
        const resource = Object.fromEntries(rs[0].resource.attributes.map((kv) => [kv.key, kv.value]));
        expect(resource['service.name']).toEqual({ type: 'string', value: 'checkout' });
        expect(resource['deployment.environment']).toEqual({ type: 'string', value: 'test' });
        expect(rs[0].scopeSpans[0].scope).toMatchObject({ name: 'interop-scope', version: '2.1.0' });
        expect(rs[0].scopeSpans[0].spans).toEqual(spans.map(expectedSpan));
        expect(await metricValue(r.ctx.registry, 'otelcol_receiver_accepted_spans_total')).toBe(3);
    });

    it('carries spans from our gRPC exporter through the receiver unchanged', async () => {
        const sink = traceSink();
        const r = await startGrpcReceiver([sink.value]);
        const e = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint: r.endpoint }, { tls: body({ insecure: true }) }) }), { label: 'out' });
        const batch: TraceBatch = parseExportTraceRequest({
            resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'op', kind: 2, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }],
        });
        await e.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch);
        await waitFor(() => sink.spans() === 1, 5000, 'span through gRPC');
        expect(sink.batches[0]).toEqual(batch);
    });

    it('answers INVALID_ARGUMENT for a malformed request, UNAVAILABLE when a consumer fails or while paused, RESOURCE_EXHAUSTED past max_recv_msg_size', async () => {
        let fail = true;
        const sink = traceSink(() => (fail ? Promise.reject(new Error('no room')) : undefined));
        const r = await startGrpcReceiver([sink.value], { max_recv_msg_size: '1MiB' });
        const client = new grpc.Client(r.endpoint, grpc.credentials.createInsecure());
        const call = (bytes: Buffer) =>
            new Promise<grpc.ServiceError | undefined>((resolve) =>
                client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, bytes, (err) => resolve(err ?? undefined)),
            );
        try {
            const malformed = await call(Buffer.from([0x0a, 0xff, 0x01]));
            expect(malformed?.code).toBe(grpc.status.INVALID_ARGUMENT);
            expect(malformed?.details).toMatch(/^invalid OTLP trace request: .*invalid protobuf ExportTraceServiceRequest/);
            // One span, encoded by hand-picked field numbers: resource_spans(1) > scope_spans(2) > spans(2) with trace_id(1), span_id(2), name(5).
            const span = Buffer.concat([Buffer.from([0x0a, 16]), Buffer.alloc(16, 1), Buffer.from([0x12, 8]), Buffer.alloc(8, 2), Buffer.from([0x2a, 2]), Buffer.from('op')]);
            const scope = Buffer.concat([Buffer.from([0x12, span.length]), span]);
            const request = Buffer.concat([Buffer.from([0x0a, scope.length + 2, 0x12, scope.length]), scope]);
            const refused = await call(request);
            expect(refused?.code).toBe(grpc.status.UNAVAILABLE);
            expect(refused?.details).toContain('no room');
            expect(await metricValue(r.ctx.registry, 'otelcol_receiver_refused_spans_total')).toBe(1);
            fail = false;
            expect(await call(request)).toBeUndefined();
            expect(sink.spans()).toBe(2);
            await r.component.pauseSource!();
            expect((await call(request))?.code).toBe(grpc.status.UNAVAILABLE);
            await r.component.resumeSource!();
            const big = await call(Buffer.alloc(2 * 1024 * 1024));
            expect(big?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
        } finally {
            client.close();
        }
    });

    it('serves HTTP and gRPC side by side, stops within its bound, and validates the grpc block', async () => {
        const sink = traceSink();
        const r = await startComponent(otelcolReceiverOtlp, body({}, { http: body({ endpoint: '127.0.0.1:0' }), grpc: body({ endpoint: '127.0.0.1:0' }, { keepalive: body({}, { server_parameters: body({ time: '30s' }) }) }), output: body({ traces: [sink.value] }) }));
        const endpoint = (r.component as unknown as Receiver).grpcEndpoint;
        expect(r.ctx.health.message).toMatch(new RegExp(`^receiving traces: OTLP/HTTP on http://127\\.0\\.0\\.1:\\d+/v1/traces, OTLP/gRPC on ${endpoint.replace(/\./g, '\\.')}$`));
        const t0 = performance.now();
        await r.stop();
        expect(performance.now() - t0).toBeLessThan(3000);
        const client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
        const err = await new Promise<grpc.ServiceError | null>((resolve) =>
            client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 1000 }, (e) => resolve(e)),
        );
        client.close();
        expect(err?.code).toBe(grpc.status.UNAVAILABLE);

        await expect(startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0', transport: 'unix' }), output: body({}) }), { label: 'unix' })).rejects.toThrow(`grpc > transport: "unix" is not supported by flowlens' embedded runtime`);
        await expect(startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: 'localhost' }), output: body({}) }), { label: 'noport' })).rejects.toThrow('grpc > endpoint: expected "host:port", got "localhost"');
        await expect(startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0' }, { tls: body({ cert_pem: 'x', key_file: '/nonexistent/key.pem' }) }), output: body({}) }), { label: 'tls' })).rejects.toThrow('grpc > tls > key_file: cannot read "/nonexistent/key.pem": ENOENT');
        await expect(startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0' }, { tls: body({ min_version: '1.3' }) }), output: body({}) }), { label: 'tlsv' })).rejects.toThrow(`argument "grpc > tls > min_version" is not supported by flowlens' embedded runtime`);
        await expect(startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0', auth: 'x' }), output: body({}) }), { label: 'auth' })).rejects.toThrow(`argument "grpc > auth" is not supported`);
    });
});
