import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { TracesConsumer } from '../../../server/runtime/component.js';
import { otelcolExporterDebug } from '../../../server/runtime/components/otelcol/exporter-debug.js';
import { otelcolExporterOtlpHttp } from '../../../server/runtime/components/otelcol/exporter-otlphttp.js';
import { otelcolProcessorBatch } from '../../../server/runtime/components/otelcol/processor-batch.js';
import { otelcolReceiverOtlp } from '../../../server/runtime/components/otelcol/receiver-otlp.js';
import { decodeExportTraceRequestProto, decodeRpcStatus, encodeExportTraceRequestProto } from '../../../server/runtime/components/otelcol/otlp-proto.js';
import { takeSpans } from '../../../server/runtime/components/otelcol/trace-batch.js';
import { type TraceBatch, parseExportTraceRequest, spanCount } from '../../../server/runtime/protocols/otlp-json.js';
import { body, freePort, metricValue, sleep, startComponent, startServer, stopAll, traceSink, waitFor } from './harness.js';

afterEach(stopAll);

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** An OTLP JSON ExportTraceServiceRequest with `spans` spans (one resource, one scope). */
function request(spans: number, service = 'checkout'): Record<string, unknown> {
    return {
        resourceSpans: [
            {
                resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
                scopeSpans: [
                    {
                        scope: { name: 'test-scope', version: '1.0' },
                        spans: Array.from({ length: spans }, () => {
                            const id = nextId++;
                            return {
                                traceId: hex(id, 32),
                                spanId: hex(id, 16),
                                name: `op-${id}`,
                                kind: 2,
                                startTimeUnixNano: '1700000000000000000',
                                endTimeUnixNano: '1700000000500000000',
                                attributes: [{ key: 'http.status_code', value: { intValue: '200' } }],
                                status: { code: 1 },
                            };
                        }),
                    },
                ],
            },
        ],
    };
}

const batchOf = (spans: number): TraceBatch => parseExportTraceRequest(request(spans));

async function startOtlpReceiver(consumers: unknown[], http: Record<string, unknown> = {}) {
    const r = await startComponent(otelcolReceiverOtlp, body({}, { http: body({ endpoint: '127.0.0.1:0', ...http }), output: body({ traces: consumers }) }));
    const url = (r.component as unknown as { url: string }).url;
    return { ...r, url };
}

const postJson = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload) });

describe('otelcol.receiver.otlp', () => {
    it('accepts OTLP/HTTP JSON on /v1/traces and forwards the batch', async () => {
        const sink = traceSink();
        const r = await startOtlpReceiver([sink.value]);
        expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await postJson(`${r.url}/v1/traces`, request(3));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(await res.json()).toEqual({});
        expect(sink.spans()).toBe(3);
        expect(sink.batches[0].resourceSpans[0].resource.attributes[0]).toEqual({ key: 'service.name', value: { type: 'string', value: 'checkout' } });
        expect(await metricValue(r.ctx.registry, 'otelcol_receiver_accepted_spans_total')).toBe(3);
        expect(r.ctx.counts).toMatchObject({ in: 3, out: 3 });
    });

    it('answers 400 with a message for bad JSON and invalid requests, and keeps serving', async () => {
        const sink = traceSink();
        const r = await startOtlpReceiver([sink.value]);
        const bad = await postJson(`${r.url}/v1/traces`, '{"resourceSpans": [');
        expect(bad.status).toBe(400);
        const badBody = (await bad.json()) as { code: number; message: string };
        expect(badBody.code).toBe(3);
        expect(badBody.message).toMatch(/^invalid JSON: /);
        const invalid = await postJson(`${r.url}/v1/traces`, { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: hex(1, 16) }] }] }] });
        expect(invalid.status).toBe(400);
        expect(((await invalid.json()) as { message: string }).message).toContain('resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters');
        const good = await postJson(`${r.url}/v1/traces`, request(1));
        expect(good.status).toBe(200);
        expect(sink.spans()).toBe(1);
    });

    it('accepts protobuf (answering in protobuf) and gzip; 415 for other types; 404 for metrics/logs paths', async () => {
        const sink = traceSink();
        const r = await startOtlpReceiver([sink.value]);
        const batch = batchOf(2);
        const proto = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: encodeExportTraceRequestProto(batch) });
        expect(proto.status).toBe(200);
        expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
        expect((await proto.arrayBuffer()).byteLength).toBe(0);
        expect(sink.batches[0]).toEqual(batch);
        const badProto = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array([0x0a, 0xff, 0x01]) });
        expect(badProto.status).toBe(400);
        const status = decodeRpcStatus(new Uint8Array(await badProto.arrayBuffer()));
        expect(status.code).toBe(3);
        expect(status.message).toMatch(/invalid protobuf ExportTraceServiceRequest/);
        const gz = await postJson(`${r.url}/v1/traces`, gzipSync(JSON.stringify(request(2))), { 'Content-Encoding': 'gzip' });
        expect(gz.status).toBe(200);
        expect(sink.spans()).toBe(4);
        const zstd = await postJson(`${r.url}/v1/traces`, JSON.stringify(request(1)), { 'Content-Encoding': 'zstd' });
        expect(zstd.status).toBe(415);
        const text = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
        expect(text.status).toBe(415);
        expect(((await text.json()) as { message: string }).message).toContain('expected application/x-protobuf or application/json');
        expect((await postJson(`${r.url}/v1/metrics`, {})).status).toBe(404);
        expect((await fetch(`${r.url}/v1/traces`)).status).toBe(405);
    });

    it('answers 503 while paused and when a consumer fails', async () => {
        const failing = traceSink(() => Promise.reject(new Error('no room')));
        const r = await startOtlpReceiver([failing.value]);
        const res = await postJson(`${r.url}/v1/traces`, request(1));
        expect(res.status).toBe(503);
        expect(((await res.json()) as { message: string }).message).toContain('no room');
        await r.component.pauseSource!();
        const paused = await postJson(`${r.url}/v1/traces`, request(1));
        expect(paused.status).toBe(503);
        expect(paused.headers.get('retry-after')).toBe('1');
        expect(await metricValue(r.ctx.registry, 'otelcol_receiver_refused_spans_total')).toBe(1);
    });

    it('honours max_request_body_size and traces_url_path', async () => {
        const sink = traceSink();
        const r = await startOtlpReceiver([sink.value], { max_request_body_size: '1KiB', traces_url_path: '/custom' });
        expect((await postJson(`${r.url}/custom`, request(1))).status).toBe(200);
        const big = await postJson(`${r.url}/custom`, request(50));
        expect(big.status).toBe(413);
    });

    it('refuses metrics/logs outputs and TLS; starts no server without an http or grpc block', async () => {
        const sink = traceSink();
        await expect(startComponent(otelcolReceiverOtlp, body({}, { http: body({ endpoint: '127.0.0.1:0' }), output: body({ metrics: [sink.value] }) }))).rejects.toThrow('output > metrics: flowlens\' embedded runtime handles traces only');
        await expect(startComponent(otelcolReceiverOtlp, body({}, { http: body({ endpoint: '127.0.0.1:0' }, { tls: body({}) }), output: body({}) }))).rejects.toThrow(/block "http > tls" is not supported/);
        const r = await startComponent(otelcolReceiverOtlp, body({}, { output: body({ traces: [sink.value] }) }), { label: 'nohttp' });
        expect((r.component as unknown as { url?: string }).url).toBeUndefined();
        expect(r.ctx.health.message).toContain('no http or grpc block');
    });

    it('defaults to ctx.defaultHost:4318', async () => {
        const port4318Free = await fetch('http://127.0.0.1:4318/').then(
            () => false,
            () => true,
        );
        if (!port4318Free) return; // something else owns 4318 on this machine
        const sink = traceSink();
        const r = await startComponent(otelcolReceiverOtlp, body({}, { http: body({}), output: body({ traces: [sink.value] }) }));
        expect((r.component as unknown as { url: string }).url).toBe('http://127.0.0.1:4318');
    });
});

describe('otelcol.processor.batch', () => {
    it('sends at send_batch_size, caps at send_batch_max_size and keeps the excess for the next batch', async () => {
        const sink = traceSink();
        const r = await startComponent(otelcolProcessorBatch, body({ send_batch_size: 5, send_batch_max_size: 7, timeout: '1h' }, { output: body({ traces: [sink.value] }) }));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        await input.consumeTraces(batchOf(12));
        expect(sink.batches.map(spanCount)).toEqual([7, 5]);
        await input.consumeTraces(batchOf(3));
        expect(r.component.pending!()).toBe(3);
        await input.consumeTraces(batchOf(1));
        expect(sink.batches.map(spanCount)).toEqual([7, 5]);
        expect(r.component.pending!()).toBe(4);
        await input.consumeTraces(batchOf(1));
        expect(sink.batches.map(spanCount)).toEqual([7, 5, 5]);
        expect(await metricValue(r.ctx.registry, 'otelcol_processor_batch_batch_size_trigger_send_total')).toBe(3);
    });

    it('flushes on timeout and on stop, counting pending spans meanwhile', async () => {
        const sink = traceSink();
        const r = await startComponent(otelcolProcessorBatch, body({ timeout: '50ms' }, { output: body({ traces: [sink.value] }) }));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        await input.consumeTraces(batchOf(3));
        expect(r.component.pending!()).toBe(3);
        await waitFor(() => sink.spans() === 3, 2000, 'timeout flush');
        expect(r.component.pending!()).toBe(0);
        expect(await metricValue(r.ctx.registry, 'otelcol_processor_batch_timeout_trigger_send_total')).toBe(1);

        const sink2 = traceSink();
        const r2 = await startComponent(otelcolProcessorBatch, body({ timeout: '1h' }, { output: body({ traces: [sink2.value] }) }), { label: 'stop' });
        await r2.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(4));
        expect(sink2.spans()).toBe(0);
        await r2.stop();
        expect(sink2.spans()).toBe(4);
    });

    it('counts spans handed to a slow consumer as pending until it finishes', async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const sink = traceSink(() => gate);
        const r = await startComponent(otelcolProcessorBatch, body({ timeout: '0s' }, { output: body({ traces: [sink.value] }) }));
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(2));
        expect(sink.spans()).toBe(2);
        expect(r.component.pending!()).toBe(2);
        release();
        await waitFor(() => r.component.pending!() === 0, 1000, 'consumer done');
    });

    it('validates send_batch_max_size and refuses metadata_keys', async () => {
        const sink = traceSink();
        await expect(startComponent(otelcolProcessorBatch, body({ send_batch_size: 10, send_batch_max_size: 5 }, { output: body({ traces: [sink.value] }) }))).rejects.toThrow(
            'send_batch_max_size (5) must be greater than or equal to send_batch_size (10)',
        );
        await expect(startComponent(otelcolProcessorBatch, body({ metadata_keys: ['tenant'] }, { output: body({ traces: [sink.value] }) }))).rejects.toThrow(/runs on Grafana Alloy/);
    });

    it('takeSpans splits across resources and scopes without losing spans', () => {
        const two: TraceBatch = { resourceSpans: [...batchOf(3).resourceSpans, ...batchOf(4).resourceSpans] };
        const [head, rest] = takeSpans(two, 5);
        expect(spanCount(head)).toBe(5);
        expect(spanCount(rest)).toBe(2);
        const names = (b: TraceBatch) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));
        expect([...names(head), ...names(rest)]).toEqual(names(two));
        expect(rest.resourceSpans[0].resource).toBe(two.resourceSpans[1].resource);
    });
});

describe('otelcol.exporter.debug', () => {
    it('logs a summary per batch (basic) and every span (detailed), counting spans', async () => {
        const r = await startComponent(otelcolExporterDebug, body({}));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        await input.consumeTraces(batchOf(2));
        expect(r.ctx.logs).toEqual([{ level: 'info', message: 'TracesExporter', fields: { 'resource spans': 1, spans: 2 } }]);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_sent_spans_total')).toBe(2);

        const d = await startComponent(otelcolExporterDebug, body({ verbosity: 'detailed' }), { label: 'detailed' });
        const batch = batchOf(1);
        await d.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch);
        const detail = d.ctx.logs[1].message;
        expect(detail).toContain('ResourceSpans #0');
        expect(detail).toContain('     -> service.name: Str(checkout)');
        expect(detail).toContain(`    Trace ID       : ${batch.resourceSpans[0].scopeSpans[0].spans[0].traceId}`);
        expect(detail).toContain('    Kind           : Server');
        expect(detail).toContain('    Start time     : 2023-11-14 22:13:20.000000000 +0000 UTC');
        expect(detail).toContain('     -> http.status_code: Int(200)');
    });

    it('samples log lines per second (sampling_initial / sampling_thereafter)', async () => {
        const r = await startComponent(otelcolExporterDebug, body({ sampling_initial: 2, sampling_thereafter: 3 }));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        for (let i = 0; i < 8; i++) await input.consumeTraces(batchOf(1));
        // 1, 2 (initial), then every 3rd of the rest: 5, 8.
        expect(r.ctx.logs.length).toBe(4);
        expect((r.component as unknown as { stats: { spans: number; sampledOut: number } }).stats).toMatchObject({ spans: 8, sampledOut: 4 });
    });

    it('refuses an unknown verbosity', async () => {
        await expect(startComponent(otelcolExporterDebug, body({ verbosity: 'loud' }))).rejects.toThrow('verbosity: expected "basic", "normal" or "detailed", got "loud"');
    });
});

describe('otelcol.exporter.otlphttp', () => {
    async function collector(respond: (i: number) => number = () => 200) {
        const got = { requests: 0, batches: [] as TraceBatch[], headers: [] as Record<string, unknown>[], paths: [] as string[] };
        const server = await startServer((req, res, raw) => {
            const status = respond(got.requests++);
            got.paths.push(req.url ?? '');
            if (status === 200) {
                const bytes = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
                got.batches.push(req.headers['content-type'] === 'application/x-protobuf' ? decodeExportTraceRequestProto(bytes) : parseExportTraceRequest(JSON.parse(bytes.toString())));
                got.headers.push(req.headers);
            }
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end('{}');
        });
        return { got, server };
    }

    const fastRetry = body({ initial_interval: '10ms', max_interval: '40ms', max_elapsed_time: '5s' });

    it('POSTs gzip OTLP protobuf (the default) to <endpoint>/v1/traces with headers', async () => {
        const { got, server } = await collector();
        const r = await startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: server.url, headers: { 'X-Tenant': 't1' } }), retry_on_failure: fastRetry }));
        const batch = batchOf(3);
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch);
        await waitFor(() => got.batches.length === 1, 5000, 'one export');
        expect(got.paths[0]).toBe('/v1/traces');
        expect(got.headers[0]).toMatchObject({ 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', 'x-tenant': 't1' });
        expect(String(got.headers[0]['user-agent'])).toMatch(/^flowlens\//);
        expect(got.batches[0]).toEqual(batch);
        await waitFor(() => r.component.pending!() === 0, 2000, 'drained');
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_sent_spans_total')).toBe(3);
    });

    it('retries 5xx and 429 and delivers; does not retry 400', async () => {
        const { got, server } = await collector((i) => (i === 0 ? 503 : i === 1 ? 429 : 200));
        const r = await startComponent(otelcolExporterOtlpHttp, body({ encoding: 'json' }, { client: body({ endpoint: server.url, compression: 'none' }), retry_on_failure: fastRetry }));
        const sent = batchOf(2);
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(sent);
        await waitFor(() => got.batches.length === 1, 5000, 'delivery after retries');
        expect(got.requests).toBe(3);
        expect(got.headers[0]['content-encoding']).toBeUndefined();
        expect(got.headers[0]['content-type']).toBe('application/json');
        expect(got.batches[0]).toEqual(sent);

        const bad = await collector(() => 400);
        const r2 = await startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: bad.server.url }), retry_on_failure: fastRetry }), { label: 'bad' });
        await r2.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(2));
        await waitFor(() => r2.component.pending!() === 0, 5000, 'given up');
        await sleep(50);
        expect(bad.got.requests).toBe(1);
        expect(await metricValue(r2.ctx.registry, 'otelcol_exporter_send_failed_spans_total', { reason: 'send' })).toBe(2);
        expect(r2.ctx.logs.some((l) => l.level === 'error' && l.message.includes('permanent error'))).toBe(true);
    });

    it('without a sending queue, consumeTraces waits for the export and fails after max_elapsed_time', async () => {
        const port = await freePort();
        const r = await startComponent(
            otelcolExporterOtlpHttp,
            body({}, { client: body({ endpoint: `http://127.0.0.1:${port}` }), retry_on_failure: body({ initial_interval: '10ms', max_elapsed_time: '100ms' }), sending_queue: body({ enabled: false }) }),
        );
        await expect(r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(1))).rejects.toThrow(/ECONNREFUSED/);
    });

    it('refuses batches when the sending queue is full', async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const server = await startServer(async (_req, res) => {
            await gate;
            res.end('{}');
        });
        const r = await startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: server.url }), sending_queue: body({ queue_size: 1, num_consumers: 1 }) }));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        await input.consumeTraces(batchOf(1)); // taken by the consumer, in flight
        await waitFor(() => (r.component.pending!() === 1), 1000, 'in flight');
        await input.consumeTraces(batchOf(1)); // queued
        await expect(input.consumeTraces(batchOf(2))).rejects.toThrow('sending queue is full (1 requests); 2 spans refused');
        expect(r.component.pending!()).toBe(2);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_enqueue_failed_spans_total')).toBe(2);
        release();
        await waitFor(() => r.component.pending!() === 0, 5000, 'drained');
    });

    it('refuses unknown encodings and unsupported client options', async () => {
        await expect(startComponent(otelcolExporterOtlpHttp, body({ encoding: 'xml' }, { client: body({ endpoint: 'http://x' }) }))).rejects.toThrow('encoding: expected "proto" or "json", got "xml"');
        await expect(startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: 'http://x' }, { tls: body({ cipher_suites: ['TLS_AES_128_GCM_SHA256'] }) }) }))).rejects.toThrow(`argument "client > tls > cipher_suites" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`);
        await expect(startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: 'http://x', compression: 'zstd' }) }))).rejects.toThrow(/supports "gzip" and "none"/);
        await expect(startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: 'http://x' }, { tls: body({ insecure: true }) }) }))).resolves.toBeDefined();
    });
});

describe('OTLP pipeline: receiver → batch → debug and otlphttp', () => {
    it('carries every span from HTTP in to HTTP out', async () => {
        const got: TraceBatch[] = [];
        const server = await startServer((req, res, raw) => {
            expect(req.headers['content-type']).toBe('application/x-protobuf');
            got.push(decodeExportTraceRequestProto(gunzipSync(raw)));
            res.end();
        });
        const exporter = await startComponent(otelcolExporterOtlpHttp, body({}, { client: body({ endpoint: server.url }) }), { label: 'out' });
        const debug = await startComponent(otelcolExporterDebug, body({}), { label: 'debug' });
        const batch = await startComponent(otelcolProcessorBatch, body({ timeout: '20ms', send_batch_size: 10 }, { output: body({ traces: [exporter.ctx.exports!.input, debug.ctx.exports!.input] }) }), { label: 'batch' });
        const receiver = await startOtlpReceiver([batch.ctx.exports!.input]);
        for (let i = 0; i < 5; i++) expect((await postJson(`${receiver.url}/v1/traces`, request(7))).status).toBe(200);
        await waitFor(() => got.reduce((n, b) => n + spanCount(b), 0) === 35, 5000, '35 spans exported');
        expect((debug.component as unknown as { stats: { spans: number } }).stats.spans).toBe(35);
        expect(batch.component.pending!()).toBe(0);
    });
});
